"""The accounts list in words, for the admin page: who each person is, what they hold, and whether they can sign in."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from presentation.moments import when_words


def standing_words(person: Mapping) -> str:
    """What an account is and whether it can sign in now: "Administrator · Demo account", "Switched off"."""
    parts = ["Administrator"] if person["admin"] else []
    parts += ["Demo account"] if person["demo"] else []
    parts += ["Locked after failed sign-ins"] if person["locked"] else []
    parts += ["Switched off"] if not person["active"] else []
    return " · ".join(parts) or "Can sign in"


def roles_words(roles: str, board_names: Mapping[str, str]) -> str:
    """accounts.users' "slug: role (workstreams)" entries with each board's name for its slug."""
    entries = [entry.split(": ", 1) for entry in roles.split("; ") if entry] if roles else []
    return "; ".join(f"{board_names.get(slug, slug)}: {held}" for slug, held in entries) or "No role on any board"


SIGN_IN_WORDS = {"password": "Password", "single sign-on": "Single sign-on"}


def people_words(people: pd.DataFrame, board_names: Mapping[str, str]) -> pd.DataFrame:
    """One row a person (accounts.users' rows), every value in words: no ticked boxes to decode, no board slugs."""
    return pd.DataFrame({
        "Email": people["email"], "Name": people["name"],
        # how they sign in, beside whether they can: one column fewer, so the last shows at 1024 px
        "Account": [" · ".join(x for x in (standing_words(p), SIGN_IN_WORDS.get(p["sign_in"], "")) if x)
                    for p in people.to_dict("records")],
        "Roles": people["roles"].map(lambda r: roles_words(r, board_names)),
        "Last sign-in": [when_words(t) or "Never" for t in people["last_sign_in"]],
    })
