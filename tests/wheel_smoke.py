"""A regular (non-editable) install works: build the wheel, install it into a fresh venv, build the seeds.

The test suite itself runs on an editable install, which imports geomap from the checkout and so cannot
notice a module or a data file the wheel leaves out. This script (run by tests/run.sh before pytest):

1. builds the wheel with ``pip wheel --no-deps`` from a clean copy of the checkout and checks that it holds every module and asset under
   geomap/, every file of geodata/ and seeds/ (as geomap/_geodata and geomap/_seeds);
2. installs it into a new venv outside the checkout, with its dependencies pinned to the versions the
   development venv already resolved (``pip freeze`` as constraints: pip's cache serves them);
3. runs ``geomap build`` on the bundled seeds from a folder outside the checkout, with figures, and
   checks the exit code, that nothing was imported from the checkout, and that the outputs are there.

Usage: ``.venv/bin/python tests/wheel_smoke.py`` (exit 0 on success, 1 with the reason otherwise).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Where each folder of the checkout lands inside the wheel (see pyproject.toml's package-dir).
WHEEL_FOLDERS = {"geomap": "geomap", "geodata": "geomap/_geodata", "seeds": "geomap/_seeds"}
# Not copied for the build: environments, build products, outputs, caches.
LEFT_OUT_OF_COPY = (".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", "outputs",
                    "test-artifacts", ".pytest_cache", ".hypothesis")
EXPECTED_OUTPUTS = ("index.html", "map_fragment.html", "geomap.gpkg", "sources.json",
                    "figures/area_chart.png", "figures/area_chart.svg")


class SmokeFailure(Exception):
    pass


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise SmokeFailure(f"{' '.join(command)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def shipped_files() -> set[str]:
    """Every file of the checkout the wheel must hold, by its name inside the wheel."""
    expected = set()
    for folder, inside in WHEEL_FOLDERS.items():
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                expected.add(f"{inside}/{path.relative_to(REPO / folder).as_posix()}")
    return expected


def check_wheel(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = sorted(shipped_files() - names)
    if missing:
        raise SmokeFailure(f"{wheel.name} lacks {len(missing)} files: " + ", ".join(missing[:20]))


def clean_copy(target: Path) -> Path:
    """The checkout without build leftovers: setuptools would take stale modules from an old build/lib."""
    shutil.copytree(REPO, target, symlinks=True, ignore=shutil.ignore_patterns(*LEFT_OUT_OF_COPY))
    return target


def smoke(work: Path) -> None:
    python = sys.executable
    source = clean_copy(work / "src")
    run([python, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"), str(source)])
    (wheel,) = (work / "dist").glob("geomap-*.whl")
    check_wheel(wheel)
    frozen = run([python, "-m", "pip", "freeze", "--exclude-editable"]).stdout
    constraints = work / "constraints.txt"
    constraints.write_text("".join(line + "\n" for line in frozen.splitlines()
                                   if not line.lower().startswith("geomap")), encoding="utf-8")
    venv = work / "venv"
    run([python, "-m", "venv", "--without-pip", str(venv)])
    run([python, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q", "-c", str(constraints),
         str(wheel)])
    env = {key: value for key, value in os.environ.items()
           if key not in ("GEOMAP_GEODATA", "PYTHONPATH", "VIRTUAL_ENV")}
    env.update(GEOMAP_CACHE=str(work / "cache"), GEOMAP_HOME=str(work / "home"))
    where = run([str(venv / "bin" / "python"), "-c",
                 "import geomap.paths as p; print(p.PACKAGE_DIR); print(p.geodata_dir())"], cwd=work, env=env)
    for line in where.stdout.split():
        if not Path(line).is_relative_to(venv):
            raise SmokeFailure(f"the installed geomap reads {line}, outside its venv")
    build = run([str(venv / "bin" / "geomap"), "build", "-o", str(work / "out")], cwd=work, env=env)
    if "Traceback" in build.stderr or "error" in build.stderr:
        raise SmokeFailure(f"geomap build said:\n{build.stderr}")
    missing = [name for name in EXPECTED_OUTPUTS if not (work / "out" / name).is_file()]
    if missing or not list((work / "out" / "figures").glob("map_*.png")):
        raise SmokeFailure(f"geomap build from the wheel did not write {missing or 'figures/map_*.png'}")


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="geomap-wheel-"))
    try:
        smoke(work)
    except SmokeFailure as failure:
        print(f"wheel smoke test FAILED: {failure}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("wheel smoke test: the wheel installs into a fresh venv and builds the seeds", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
