"""The tracker kinds the product reads, each one ``TrackerKind`` object (see ``loaders.kinds.base``).

To add a kind: write its module here (vocabulary, typed row, normaliser, storage, labels, template, RAG
rule) and add it to ``KINDS``; add its table and migration in ``data_model``, its page, and its tests.
"""

from __future__ import annotations

from data_model.kinds import KIND_NAMES
from loaders.kinds.base import TrackerKind
from loaders.kinds.budget import BUDGET
from loaders.kinds.metrics import METRICS
from loaders.kinds.milestones import MILESTONES
from loaders.kinds.risks import RISKS
from loaders.kinds.schedule import SCHEDULE

KINDS: tuple[TrackerKind, ...] = (MILESTONES, RISKS, BUDGET, METRICS, SCHEDULE)
BY_NAME = {k.name: k for k in KINDS}
assert tuple(BY_NAME) == KIND_NAMES, "data_model.kinds must list the registry's kinds in order"


def kind(name: str) -> TrackerKind:
    """The kind called ``name``; KeyError for an unknown one."""
    return BY_NAME[name]


__all__ = ["BUDGET", "BY_NAME", "KINDS", "METRICS", "MILESTONES", "RISKS", "SCHEDULE", "TrackerKind", "kind"]
