"""Helpers for the geoparser tests: paths, running the CLI, picking mentions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from geomap.records import Mention, Source

from ..cli_support import run_cli

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
GOLD_DIR = REPO / "tests" / "data" / "geoparse"
GEOMAP = Path(sys.executable).with_name("geomap")


def run_geomap(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``geomap ARGS`` run in this process (see tests/cli_support.py), text output."""
    return run_cli(*args, env=env, stdin=stdin)


def run_geomap_process(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``geomap ARGS`` as a user runs it: a new process (its own hash seed), text output."""
    return subprocess.run([str(GEOMAP), *args], env=env, capture_output=True, text=True, timeout=300,
                          encoding="utf-8")


def parse(geoparser, text: str, source_id: str = "t") -> list[Mention]:
    return geoparser.parse(Source(id=source_id, text=text))


def places(mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if m.type == "place"]


def at(mentions: list[Mention], text: str, surface: str, occurrence: int = 0) -> Mention | None:
    """The mention that covers the ``occurrence``-th ``surface`` in ``text`` exactly, or None."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    return next((m for m in mentions if (m.start, m.end) == (start, start + len(surface))), None)


def distinct_places_text(geoparser, count: int) -> str:
    """One text naming ``count`` different towns of Ukraine and Russia, one per sentence."""
    names = []
    for line in geoparser.gazetteer.store.places[0].lines:
        _, name, _, _, country, _, _, population = line.split("\t", 8)[:8]
        if country in ("UA", "RU") and int(population or 0) >= 5000 and name.isascii() and name.isalpha():
            names.append(name)
        if len(names) == count:
            break
    assert len(names) == count
    templates = ("Shelling hit {} overnight, officials said.", "Troops advanced toward {} on Tuesday.",
                 "Residents of {} fled after the strikes.")
    return " ".join(templates[i % 3].format(name) for i, name in enumerate(names))
