"""The system libraries WeasyPrint needs (Pango, and DejaVu for the pack's one font), installed with apt-get when
missing and we are root, as the tests do for chromium and postgresql; otherwise a sentence saying what to install."""

from __future__ import annotations

import os
import shutil
import subprocess

PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core")


class MissingSystemLibrary(RuntimeError):
    """WeasyPrint cannot load Pango."""


def load_weasyprint():
    """The weasyprint module, installing Debian's Pango first when it is missing and we may."""
    try:
        import weasyprint
    except OSError:
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            raise MissingSystemLibrary(
                "The PDF board pack needs the Pango library: run `apt-get install " + " ".join(PACKAGES)
                + "` as root, then try again. The Excel and HTML packs work without it.") from None
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *PACKAGES], check=True, env=env, capture_output=True)
        import weasyprint
    return weasyprint
