"""Accuracy of the geoparser on the hand-made gold files, as ``geomap eval geocode`` reports it.

The seeds' gold is the issue's acceptance bar (F1 >= 0.95, resolution accuracy
>= 0.97). The six texts written for the tests hold harder cases (two Martunis,
Rafah in Gaza or Egypt, Cyrillic, misspellings); their floors sit a little
below what the geoparser measured when these tests were written
(precision 0.978, recall 0.989, F1 0.984, resolution 1.000, same id 0.911),
so a regression fails while a small reshuffle of hard cases does not. The public
corpora are measured in test_corpora.py.
"""

from __future__ import annotations

import json

import pytest

from geomap.evaluate import read_gold, score_geocode
from geomap.sources import read_sources

from .support import GOLD_DIR, SEEDS, run_geomap

SEEDS_GOLD = GOLD_DIR / "seeds.gold.jsonl"
TEXTS_GOLD = GOLD_DIR / "texts.gold.jsonl"
TEXTS = GOLD_DIR / "texts"

TEXTS_FLOORS = {"precision": 0.95, "recall": 0.96, "f1": 0.96, "resolution_accuracy": 0.97, "id_accuracy": 0.87}


def scores(geoparser, gold_path, source_path):
    sources = read_sources([source_path])
    assert not sources.problems, sources.problems
    mentions = [m for source in sources.sources for m in geoparser.parse(source)]
    return score_geocode(read_gold(gold_path), mentions)


def explain(result) -> str:
    """The errors, so a failing run says what went wrong."""
    lines = [f"missed {g['source']} {g['start']}-{g['end']} {g['text']!r} ({g['id']})" for g in result.misses]
    lines += [f"spurious {m['source']} {m['start']}-{m['end']} {m['text']!r} -> {m['id']} {m['name']}"
              for m in result.spurious]
    lines += [f"wrong {g['source']} {g['start']}-{g['end']} {g['text']!r}: {g['id']} read as {g['predicted_name']}"
              f" ({g['km']} km off)" for g in result.wrong]
    return "\n".join(lines)


def test_seeds_f1_and_resolution_meet_the_issue_targets(geoparser) -> None:
    result = scores(geoparser, SEEDS_GOLD, SEEDS)
    assert result.gold >= 180  # the gold file is whole
    assert result.f1 >= 0.95, explain(result)
    assert result.resolution_accuracy >= 0.97, explain(result)


@pytest.mark.parametrize("measure", sorted(TEXTS_FLOORS))
def test_own_texts_stay_above_their_floors(geoparser, measure: str) -> None:
    result = scores(geoparser, TEXTS_GOLD, TEXTS)
    assert result.gold >= 180
    assert getattr(result, measure) >= TEXTS_FLOORS[measure], explain(result)


def test_every_text_of_the_gold_is_read(geoparser) -> None:
    gold_sources = {g["source"] for g in read_gold(TEXTS_GOLD)}
    read = {s.id for s in read_sources([TEXTS]).sources}
    assert gold_sources == read


def test_the_cli_reports_the_same_figures(geoparser, cli_env) -> None:
    result = run_geomap(cli_env, "eval", "geocode", str(TEXTS_GOLD), "--sources", str(TEXTS), "--format", "json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    expected = scores(geoparser, TEXTS_GOLD, TEXTS).summary()
    assert summary == expected


def test_the_cli_defaults_to_the_seeds(cli_env) -> None:
    result = run_geomap(cli_env, "eval", "geocode", str(SEEDS_GOLD), "--format", "json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["gold"] >= 180
    assert summary["f1"] >= 0.95 and summary["resolution_accuracy"] >= 0.97
