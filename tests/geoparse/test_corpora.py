"""``geomap eval geocode`` on public geoparsing corpora nobody on the project wrote (../shared/corpora).

The figures are those of the published comparisons of geoparsers (and of the
project's scoreboard): every mention with a point counts (``--types all``). The
floors sit a little below what the geoparser measured when they were set, so
that a regression fails while the order of a few hard cases may change.
"""

from __future__ import annotations

import json
import math

import pytest

from geomap.evaluate import score_geocode
from geomap.records import Mention

from .support import REPO, run_geomap

CORPORA = REPO.parent / "shared" / "corpora"
FLOORS = {
    "trnews": {"precision": 0.92, "recall": 0.895, "f1": 0.905, "acc161": 0.905},
    "geovirus": {"precision": 0.855, "recall": 0.93, "f1": 0.895, "acc161": 0.845},
}


@pytest.mark.parametrize("corpus", sorted(FLOORS))
def test_public_corpus_stays_above_its_floors(cli_env, corpus: str) -> None:
    folder = CORPORA / corpus
    if not (folder / "gold.jsonl").is_file() or not (folder / "texts").is_dir():
        pytest.skip(f"{folder} is absent: the public corpora live in ../shared/corpora beside the checkout")
    result = run_geomap(cli_env, "eval", "geocode", str(folder / "gold.jsonl"), "--sources", str(folder / "texts"),
                        "--types", "all", "--format", "json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["gold"] > 1000
    for measure, floor in FLOORS[corpus].items():
        assert summary[measure] >= floor, f"{corpus} {measure} {summary[measure]} < {floor}: {summary}"


def _mention(start: int, text: str, lat: float, lon: float, kind: str = "place") -> Mention:
    return Mention(source="a", start=start, end=start + len(text), text=text, sentence="", sentence_start=0,
                   type=kind, lat=lat, lon=lon)


def test_matching_and_measures_follow_the_published_definitions() -> None:
    gold = [{"source": "a", "start": 0, "end": 5, "text": "Paris", "lat": 48.85, "lon": 2.35},
            {"source": "a", "start": 20, "end": 26, "text": "France", "lat": 46.0, "lon": 2.0},
            {"source": "a", "start": 40, "end": 46, "text": "Lyon", "lat": 45.75, "lon": 4.85},
            {"source": "a", "start": 60, "end": 67, "text": "Turkish", "lat": 39.0, "lon": 35.0}]
    mentions = [_mention(0, "PARIS", 48.85, 2.35),  # case does not matter
                _mention(26, "France", 46.0, 3.0),  # mid-points 6 characters apart: a match, 77 km off
                _mention(52, "Lyon", 40.0, -100.0),  # mid-points 10 characters apart: no match
                _mention(60, "Turkish", 39.0, 35.0, kind="demonym"),
                _mention(80, "Nice", 43.7, 7.27)]
    places_only = score_geocode(gold, mentions)
    assert (places_only.gold, places_only.predicted, places_only.matched) == (4, 4, 2)
    every_type = score_geocode(gold, mentions, types=None)
    assert (every_type.predicted, every_type.matched, every_type.within_161) == (5, 3, 3)
    assert every_type.precision == pytest.approx(3 / 5) and every_type.recall == pytest.approx(3 / 4)
    france_km = 2 * 6371.0088 * math.asin(math.cos(math.radians(46.0)) * math.sin(math.radians(0.5)))
    assert every_type.auc == pytest.approx(math.log1p(france_km) / 3 / math.log(20039))
    assert [m["text"] for m in every_type.misses] == ["Lyon"]
    assert [m["text"] for m in every_type.spurious] == ["Lyon", "Nice"]
