"""The seeds' outputs as digests: what `geomap build` and the record commands write for the bundled seeds.

tests/data/seeds_outputs.sha256 holds the SHA-256 of every file of two builds of the seeds (plain, and
with the test reference layer tests/data/seeds_reference.geojson and two jobs) and of the standard output
of `geomap geocode` and `geomap claims` in each format. tests/test_seeds_outputs.py compares a fresh run
with it, so a change meant to keep behaviour (a refactoring) shows every file it changed.

Regenerate the list only when a change of behaviour is deliberate (say so in the commit):

    .venv/bin/python tests/seeds_outputs.py

The bytes of PNG, GeoPackage and floating-point output depend on the libraries' versions, which the
file's header records; the test skips (saying which differ) where they are not the ones installed here.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DIGESTS = REPO / "tests" / "data" / "seeds_outputs.sha256"
REFERENCE = REPO / "tests" / "data" / "seeds_reference.geojson"
SEEDS = REPO / "seeds"
GEOMAP = str(Path(sys.executable).with_name("geomap"))
# Distributions whose versions decide the bytes written (rounding, drawing, GDAL's GeoPackage, HTML templates).
VERSIONED = ("numpy", "pandas", "shapely", "pyproj", "geopandas", "pyogrio", "matplotlib", "folium", "branca", "jinja2")
# The plain build writes the default outputs; the other every format, so that their bytes are checked too.
EVERY_FORMAT = ["--format", "csv", "--format", "geojson", "--format", "jsonl"]
BUILDS = {"build": [], "build-reference": ["--reference", str(REFERENCE), "-j", "2", *EVERY_FORMAT]}
STDOUT_COMMANDS = {
    f"geocode.{fmt}": ["geocode", str(SEEDS), "--format", fmt] for fmt in ("jsonl", "geojson", "csv", "table")
}
STDOUT_COMMANDS.update({f"claims.{fmt}": ["claims", str(SEEDS), "--format", fmt] for fmt in ("jsonl", "csv", "table")})


def versions() -> dict[str, str]:
    """The Python version and those of the distributions in :data:`VERSIONED`."""
    found = {"python": ".".join(map(str, sys.version_info[:2]))}
    found.update({name: metadata.version(name) for name in VERSIONED})
    return found


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run_geomap(args: list[str]) -> bytes:
    """Standard output of one `geomap` process (raises with its stderr when it fails)."""
    done = subprocess.run([GEOMAP, "--quiet", *args], capture_output=True, timeout=900, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"geomap {' '.join(args)} exited {done.returncode}: {done.stderr.decode()}")
    return done.stdout


def current_digests(work: Path) -> dict[str, str]:
    """``{"<run>/<file>": sha256}`` of every output of :data:`BUILDS` and :data:`STDOUT_COMMANDS`."""
    digests = {}
    for name, options in BUILDS.items():
        out = work / name
        run_geomap(["build", *options, "-o", str(out)])
        for path in sorted(out.rglob("*")):
            if path.is_file():
                digests[f"{name}/{path.relative_to(out).as_posix()}"] = sha256(path.read_bytes())
    for name, args in STDOUT_COMMANDS.items():
        digests[f"stdout/{name}"] = sha256(run_geomap(args))
    return digests


def read_digests(path: Path = DIGESTS) -> tuple[dict[str, str], dict[str, str]]:
    """The committed digests and the versions they were made with."""
    digests, made_with = {}, {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# version "):
            name, _, version = line[len("# version ") :].partition(" ")
            made_with[name] = version
        elif line and not line.startswith("#"):
            digest, _, name = line.partition("  ")
            digests[name] = digest
    return digests, made_with


def write_digests(digests: dict[str, str], path: Path = DIGESTS) -> None:
    header = [
        "# SHA-256 of the seeds' outputs (tests/seeds_outputs.py); regenerate only for a deliberate change",
        *[f"# version {name} {version}" for name, version in versions().items()],
    ]
    path.write_text(
        "\n".join(header + [f"{digest}  {name}" for name, digest in sorted(digests.items())]) + "\n", encoding="utf-8"
    )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="geomap-seeds-") as work:
        digests = current_digests(Path(work))
    write_digests(digests)
    print(f"wrote {len(digests)} digests to {DIGESTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
