"""Lint is part of the suite: `ruff check` over the repository, with the project's rules from pyproject.toml."""

import subprocess
import sys

from conftest import ROOT


def test_ruff_finds_nothing():
    # The venv's own ruff (a test dependency), so the version pinned in pyproject.toml decides.
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"ruff check found problems (fix them, or `ruff check --fix .`):\n{proc.stdout}{proc.stderr}"
