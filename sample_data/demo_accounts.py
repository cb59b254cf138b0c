"""Demo sign-ins for the sample boards: one account per role, made on the first start on sample data.

They belong with the sample data, not with the accounts module: a real install never has them, and the app shows
a banner while any is switched on (``data_model.accounts.demo_accounts_active``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

DEMO_PEOPLE = (  # (email, name, role)
    ("admin@demo.example.org", "Demo admin", "admin"),
    ("chair@demo.example.org", "Demo chair", "chair"),
    ("lead@demo.example.org", "Demo lead", "lead"),
    ("viewer@demo.example.org", "Demo board member", "viewer"),
)
DEMO_LEAD_BOARD = "rutland-hwb"
DEMO_LEAD_WORKSTREAMS = ("Crisis response", "Unified Prevention")


def create_demo_accounts(engine: Engine) -> list[tuple[str, str, str]]:
    """An admin, a chair and a viewer on every sample board, and a lead for two of Rutland's priorities, each with a
    fresh random password: (email, password, role). The passwords are printed once and kept nowhere in clear."""
    from data_model.accounts import add_user, grant, new_password
    from data_model.tables import Board

    with engine.connect() as conn:
        slugs = [r.slug for r in conn.execute(select(Board.__table__.c.slug).order_by(Board.__table__.c.slug))]
    made = []
    for email, name, role in DEMO_PEOPLE:
        password = new_password()
        add_user(engine, email, by="sample data", name=name, password=password, admin=role == "admin", demo=True)
        if role == "lead":
            grant(engine, email, DEMO_LEAD_BOARD, "lead", by="sample data", workstreams=list(DEMO_LEAD_WORKSTREAMS))
        elif role != "admin":
            for slug in slugs:
                grant(engine, email, slug, role, by="sample data")
        made.append((email, password, role))
    return made
