"""Retake the screenshots in docs/images/ from the browser journeys, so the role pages in docs/ (and the README)
show the product as it is after a UI change.

It runs tests/test_browser_journeys.py (a real server and Debian's chromium, on SQLite, both cores) with its
screenshots going to a fresh folder, then copies the ones the docs use into docs/images/, scaled down to a readable
width with Pillow when it is installed (else copied as taken, 1400 px wide). A journey that fails stops it before
anything in docs/images/ is replaced, and its screenshots are left for you to look at.

    python scripts/docs_screens.py            # run the journeys (a few minutes) and refresh docs/images/
    python scripts/docs_screens.py --reuse    # copy from the last run's test-artifacts/screens/ without running
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
LAST_RUN = ROOT / "test-artifacts"

# The screenshots the docs use: tests/test_browser_journeys.py saves each as ROLE-PAGE.png.
CHOSEN = [
    "board-member-sign-in", "board-member-boards", "board-member-overview", "board-member-deep-link",
    "board-member-milestones", "board-member-risks", "board-member-budget", "board-member-metrics",
    "board-member-localities", "board-member-forward-plan", "board-member-refused",
    "lead-upload", "lead-upload-mapping", "lead-upload-changes", "lead-upload-loaded", "lead-overview-after",
    "chair-meetings", "chair-snapshots", "chair-what-changed", "chair-board-pack", "chair-board-settings",
    "admin-users",
]


def run_journeys(artifacts: Path, workers: int) -> bool:
    """The journeys, their screenshots saved under ``artifacts``; True when every one passed."""
    command = [sys.executable, "-m", "pytest", "tests/test_browser_journeys.py", "--db", "sqlite", "-q",
               "-p", "no:cacheprovider"]
    if workers > 1:
        command += ["-n", str(workers)]
    print("Running:", " ".join(command), flush=True)
    return subprocess.run(command, cwd=ROOT, env={**os.environ, "TEST_ARTIFACTS": str(artifacts)}).returncode == 0


def copy_scaled(source: Path, target: Path, width: int) -> str:
    """``source`` into ``target`` at most ``width`` pixels wide; says what it did."""
    try:
        from PIL import Image
    except ImportError:
        shutil.copyfile(source, target)
        return "copied (Pillow is not installed, so kept at its size)"
    with Image.open(source) as image:
        if image.width > width:
            image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
        image.convert("RGB").save(target, optimize=True)
        return f"{image.width}x{image.height}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true",
                        help="copy the screenshots of the last run (test-artifacts/screens/) instead of running the "
                             "journeys")
    parser.add_argument("--width", type=int, default=1100,
                        help="the width, in pixels, of the images written to docs/images/ (default 1100; taken at "
                             "1400)")
    parser.add_argument("--workers", type=int, default=2, help="journeys run at once (default 2; 1 runs them in turn)")
    args = parser.parse_args(argv)

    if args.reuse:
        screens = LAST_RUN / "screens"
    else:
        artifacts = Path(tempfile.mkdtemp(prefix="docs-screens-"))
        if not run_journeys(artifacts, args.workers):
            print(f"A journey failed: docs/images/ is unchanged. Its screenshots are in {artifacts / 'screens'}.",
                  file=sys.stderr)
            return 1
        screens = artifacts / "screens"
    missing = [name for name in CHOSEN if not (screens / f"{name}.png").exists()]
    if missing:
        print(f"No screenshot for {', '.join(missing)} in {screens}: docs/images/ is unchanged.", file=sys.stderr)
        return 1
    IMAGES.mkdir(parents=True, exist_ok=True)
    for name in CHOSEN:
        print(f"docs/images/{name}.png: {copy_scaled(screens / f'{name}.png', IMAGES / f'{name}.png', args.width)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
