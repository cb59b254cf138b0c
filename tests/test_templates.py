"""Blank templates load back as their own kind, example row and all."""

import pytest

from loaders import analyse
from loaders.kinds import KINDS
from loaders.templates import template_bytes


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_template_is_detected_as_its_kind(kind):
    a = analyse(template_bytes(kind), f"{kind.name}-template.xlsx")
    assert a.kind is kind and a.ok, a.errors
    assert len(a.records) == 1
    unmapped = [c for s in a.sheets for c in s.columns if c["field"] is None]
    assert unmapped == []
