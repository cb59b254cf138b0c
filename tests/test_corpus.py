"""The bad-input corpus: every file is refused with a clear message (or read, where it is valid), and the
database is left exactly as it was."""

import json
import resource
import subprocess
import sys

import pytest
from conftest import ROOT, dump

from loaders import import_bytes

CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(CORPUS))
from build import EXPECTED, KIND  # noqa: E402


def test_the_corpus_holds_exactly_the_expected_files():
    present = {p.name for p in CORPUS.iterdir() if p.name != "build.py" and not p.name.startswith((".", "__"))}
    assert present == set(EXPECTED)


# Refused for their size, after seconds of reading; the memory-capped runs below try them again. A parse worker runs
# out of memory on repeated-cells.ods and is replaced (test_reader_safety tries it too).
HEAVY = {"zip-bomb.xlsx", "million-rows.xlsx", "wide-16000-columns.xlsx", "billion-laughs.xlsx", "repeated-cells.ods"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in HEAVY else n for n in sorted(EXPECTED)])
def test_corpus_file(name, engine, reliability):
    outcome, detail = EXPECTED[name]
    before = dump(engine)
    result = import_bytes((CORPUS / name).read_bytes(), name, "corpus-board", engine=engine, kind=KIND.get(name),
                          dry_run=True)
    reliability.tried(name, refused=result.status == "rejected")
    if outcome == "refused":
        assert result.status == "rejected"
        message = result.analysis.errors[0].message
        assert detail in message, message
        assert "Traceback" not in message
    else:
        assert result.status == "ok", result.analysis.errors
        assert len(result.analysis.records) == detail
    assert dump(engine) == before
    reliability.unchanged(name, dump(engine) == before)


def _limit_memory():
    cap = 1536 * 1024 * 1024  # 1.5 GB of address space for the whole process
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["million-rows.xlsx", "wide-16000-columns.xlsx", "zip-bomb.xlsx", "billion-laughs.xlsx"])
def test_oversized_files_are_refused_within_a_memory_cap(name, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "loaders", "import", str(CORPUS / name), "--board", "b",
                           "--db", f"sqlite:///{tmp_path / 'cap.db'}", "--json"],
                          capture_output=True, text=True, cwd=ROOT, preexec_fn=_limit_memory, timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["status"] == "rejected"
    assert "MemoryError" not in proc.stderr and "Traceback" not in proc.stderr


def test_script_and_markdown_cells_load_as_plain_text(read_only_engine):
    result = import_bytes((CORPUS / "script-and-markdown.xlsx").read_bytes(), "x.xlsx", "b", engine=read_only_engine,
                          dry_run=True)
    titles = [r.title for r in result.analysis.records]
    assert all("<" not in t for t in titles)  # markup never survives into stored text
    owners = [r.owner for r in result.analysis.records]
    assert '=HYPERLINK("http://evil","click")' in owners  # kept as typed; neutralised on export
