"""A moment (an upload, a sign-in, an audit event) as the pages say it: "2 Jul 2018, 14:05", on one line."""

from __future__ import annotations

import pandas as pd


def when_words(moment: object, *, seconds: bool = False) -> str | None:
    """``moment`` as "2 Jul 2018, 14:05" (with ":09" seconds when asked: the audit trail orders events within a
    minute); None when there is none, which a table shows as "—". The date's parts are joined by no-break spaces."""
    if moment is None or (not isinstance(moment, str) and pd.isna(moment)):
        return None
    moment = pd.Timestamp(moment)
    clock = f"{moment:%H:%M:%S}" if seconds else f"{moment:%H:%M}"
    return f"{day_words(moment)}, {clock}"


def day_words(day: object) -> str | None:
    """A day as "2 Jul 2018", its parts joined by no-break spaces (never broken over two lines); None for none."""
    if day is None or (not isinstance(day, str) and pd.isna(day)):
        return None
    day = pd.Timestamp(day)
    return f"{day.day}\u00a0{day:%b}\u00a0{day.year}"
