"""The built wheel carries what the package reads at run time: styles, fonts, template,
migrations. Several Textual apps broke for their users exactly there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tallytui.domain.languages import DEFAULT_LANGUAGE, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_runtime_assets(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("tallytui-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "tallytui/styles/tally.tcss",
        "tallytui/render/fonts/DejaVuSans.ttf",
        "tallytui/render/fonts/DejaVuSans-Bold.ttf",
        "tallytui/render/fonts/LICENSE-DejaVu.txt",
        "tallytui/render/templates/invoice.html",
        "tallytui/store/migrations/0001_core.sql",
        "tallytui/store/migrations/0002_capture.sql",
        *(
            f"tallytui/render/locale/{lang}/LC_MESSAGES/tallytui.mo"
            for lang in LANGUAGES
            if lang != DEFAULT_LANGUAGE
        ),
    ):
        assert needed in names, needed
