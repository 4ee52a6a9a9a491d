"""The in-process runner of the command line (tests/cli_support.py) says what the installed script says."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from .cli_support import run_cli

GEOMAP = str(Path(sys.executable).with_name("geomap"))


def test_a_run_in_this_process_gives_the_scripts_exit_code_and_streams(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Ukrainian forces entered Sudzha in the Kursk region.\n", encoding="utf-8")
    args = ["geocode", str(tmp_path / "missing.txt"), str(good), "--format", "csv"]
    handler = signal.getsignal(signal.SIGTERM)
    inside = run_cli(*args)
    assert signal.getsignal(signal.SIGTERM) is handler  # the command's SIGTERM handler is undone
    script = subprocess.run([GEOMAP, *args], capture_output=True, text=True, timeout=300)
    assert (inside.returncode, inside.stdout, inside.stderr) == (script.returncode, script.stdout, script.stderr)
    assert inside.returncode == 1 and "missing.txt" in inside.stderr and "Sudzha" in inside.stdout
