"""`geomap ARGS` run inside the test process, through click's CliRunner, for tests where a new process is not
what is tested (its exit code on a signal, the installed script, the bytes of its standard streams).

A cold `geomap` process spends a second or more importing and loading the gazetteer before it reads its
first argument; in the test process the imports are done once, and the loaded data is shared by the runs
that do not give their own environment (a run that does, which may place the data elsewhere, loads its own).
What the command line does to the process (the logging handler it installs, its SIGTERM handler, the
working folder) is undone after each run, so one run cannot change the next.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner

from geomap import resources
from geomap.cli import main


def run_cli(
    *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None, stdin: str | bytes | None = None
) -> subprocess.CompletedProcess[str]:
    """``geomap ARGS`` as a CompletedProcess (exit code, stdout and stderr as text), run in this process.

    ``env`` is the whole environment of the run, as for :func:`subprocess.run` (variables of this process
    that it lacks are unset during the run), with data loaded afresh; ``cwd`` the working folder.
    """
    changes: dict[str, str | None] = {}
    if env is not None:
        changes = {name: None for name in os.environ if name not in env}
        changes.update({name: value for name, value in env.items() if os.environ.get(name) != value})
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    geomap_level = logging.getLogger("geomap").level
    sigterm = signal.getsignal(signal.SIGTERM)
    folder = os.getcwd()
    root.handlers.clear()  # so that the command's logging.basicConfig writes to the stderr captured here
    loaded = resources.replace_shared(resources.Resources()) if env is not None else None
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = CliRunner().invoke(
            main, list(args), input=stdin, env=changes, prog_name="geomap", catch_exceptions=False
        )
    finally:
        if loaded is not None:
            resources.replace_shared(loaded)
        os.chdir(folder)
        signal.signal(signal.SIGTERM, sigterm)
        for handler in root.handlers[:]:
            root.removeHandler(handler)
        root.handlers[:] = handlers
        root.setLevel(level)
        logging.getLogger("geomap").setLevel(geomap_level)
    return subprocess.CompletedProcess(["geomap", *args], result.exit_code, result.stdout, result.stderr)
