"""`geomap eval claims`: the scoreboard's matching, and the floors claim reading keeps on real news.

The floors are a little below what the reader reaches today (see the closing note of issue 14); a change that
lowers them reads real news worse. The real development set is tests/data/claims/real (README there); the
Kursk corpus of ../shared/corpora is used when it is present beside the checkout.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from geomap.evaluate import read_claims_gold, score_claims

from ..cli_support import run_cli

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "tests" / "data" / "claims" / "real"
KURSK = ROOT.parent / "shared" / "corpora" / "kursk-news"
SCOREBOARD = ROOT.parent / "shared" / "tools" / "scoreboard.py"

# What the reader must keep: a little below what it reaches (dev set 1.0 / 0.995 / 1.0; held-out 1.0 / 1.0 / 1.0,
# heldout2 to heldout4 1.0 / 1.0 / 1.0, heldout5 0.977 / 0.977 / 1.0, heldout6 1.0 / 1.0 / 1.0,
# heldout7 0.955 / 0.955 / 0.978, heldout8 0.949 / 0.949 / 1.0, heldout9 1.0 / 0.964 / 1.0,
# heldout10 0.979 / 0.938 / 1.0, heldout11 1.0 / 0.981 / 1.0, heldout12 1.0 / 1.0 / 1.0,
# heldout13 0.939 / 0.939 / 1.0, heldout14 0.964 / 0.929 / 1.0,
# heldout15 0.957 / 0.957 / 1.0, heldout16 0.973 / 0.946 / 1.0, heldout17 1.0 / 1.0 / 1.0; Kursk 1.0 / 1.0 / 1.0).
DEVSET_FLOORS = {"recall": 0.98, "dated_right": 0.97, "precision": 0.97}
HELDOUT = ROOT / "tests" / "data" / "claims" / "heldout"
HELDOUT_FLOORS = {"recall": 0.95, "dated_right": 0.95, "precision": 0.95}
# The later held-out sets, each first measured before the rules it then guided (their READMEs give that figure)
LATER_HELDOUT_FLOORS = {
    "heldout2": {"recall": 0.95, "dated_right": 0.95, "precision": 0.95},
    "heldout3": {"recall": 0.95, "dated_right": 0.95, "precision": 0.95},
    "heldout4": {"recall": 0.95, "dated_right": 0.95, "precision": 0.95},
    "heldout5": {"recall": 0.95, "dated_right": 0.95, "precision": 0.95},
    "heldout6": {"recall": 0.95, "dated_right": 0.95, "precision": 0.95},
    "heldout8": {"recall": 0.93, "dated_right": 0.93, "precision": 0.95},
    "heldout9": {"recall": 0.95, "dated_right": 0.88, "precision": 0.95},
    "heldout10": {"recall": 0.95, "dated_right": 0.92, "precision": 0.95},
    "heldout11": {"recall": 0.95, "dated_right": 0.95, "precision": 0.95},
    "heldout12": {"recall": 0.95, "dated_right": 0.95, "precision": 0.95},
    "heldout13": {"recall": 0.91, "dated_right": 0.91, "precision": 0.95},
    "heldout14": {"recall": 0.93, "dated_right": 0.9, "precision": 0.95},
    "heldout15": {"recall": 0.93, "dated_right": 0.93, "precision": 0.95},
    # built blind for this round's closing measure: first read 0.946 / 0.838 / 0.973 (one spurious), then 0.946 /
    # 0.919 / 1.0 after the round's merges (its README), 0.973 / 0.946 / 1.0 with the distance "outside" Gori
    "heldout16": {"recall": 0.95, "dated_right": 0.92, "precision": 0.95},
    # built blind for this round's closing measure: first read 0.75 / 0.75 / 0.957 (one spurious), then 0.893 /
    # 0.893 / 1.0 once a front line's length, distances after a bare compass word and shares of a country gained
    # were read (its README), 1.0 / 1.0 / 1.0 once a pair of lengths sharing a unit, a depth past a place and a
    # zone's width given as a change were read
    "heldout17": {"recall": 0.95, "dated_right": 0.95, "precision": 0.95},
    # built blind for this round's closing measure: first read on main 2ab63b3 0.854 / 0.854 / 0.923 with two
    # polarity errors and three spurious predictions (its README); none spurious once a rate "on a daily basis" and a
    # share of the subject's own gains were read as no claim, no polarity error once "taken under control" took the
    # headline's "liberated" and a year's gain told in the headline from the loser's side joined the body's
    # "captured" as one claim: 0.854 / 0.854 / 0.972
    "heldout18": {"recall": 0.85, "dated_right": 0.85, "precision": 0.95},
    # built blind for issue 14 (its README): first read 0.917 / 0.833 / 0.962 with two polarity errors, then 0.917 /
    # 0.875 / 1.0 once the terms of an accord ("agreed to ..., entailing a ground sweep 6-7 km") were no ground reached
    # and a holding "still" in the present was of the day of writing, 0.958 / 0.917 / 1.0 once a road's length between
    # two places was a distance
    "heldout19": {"recall": 0.93, "dated_right": 0.88, "precision": 0.95},
    # built blind for this round's closing measure (its README): first read 0.833 / 0.667 / 1.0, no polarity error,
    # then 0.889 / 0.778 / 1.0 once a road's length was a distance and a holding in the present after a dated event
    # ("after November 10, 2020, ... are under Azerbaijan's control") was of the day of writing
    "heldout20": {"recall": 0.86, "dated_right": 0.75, "precision": 0.95},
}
# Polarity errors a later set is known to keep, each a headline read on its own words where the body restates the
# figure as a loss: heldout19's "Daesh Loses 56% of Iraqi Territory, 27% of Syrian Land" (shares of a country's land
# by its adjective, read as held; the body's "lost 56 percent of its territory in Iraq" is read as lost). A further
# error fails.
LATER_HELDOUT_POLARITY_WRONG = {"heldout19": 2}
# heldout7 (its README): one prediction its gold leaves out (Area B of the West Bank, under shared control) counts
# twice as spurious, since both the not-claim "22 percent" and another article's "22 years" hold its number
HELDOUT7 = ROOT / "tests" / "data" / "claims" / "heldout7"
HELDOUT7_FLOORS = {"recall": 0.92, "dated_right": 0.92, "precision": 0.95}
HELDOUT7_SPURIOUS = 2
KURSK_FLOORS = {"recall": 0.95, "dated_right": 0.95, "precision": 0.95}


def geomap(*args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=ROOT)


def evaluated(gold: Path, *extra: str) -> dict:
    result = geomap("eval", "claims", str(gold), "--format", "json", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_development_set_is_read_right() -> None:
    summary = evaluated(REAL / "gold_claims.json", "--errors")
    for name, floor in DEVSET_FLOORS.items():
        assert summary[name] >= floor, (name, summary[name])
    assert summary["polarity_wrong"] == 0, [e for e in summary["errors"] if e["error"] == "polarity"]
    assert summary["spurious"] == 0, [e for e in summary["errors"] if e["error"] == "spurious"]
    # --errors lists every miss: one "missed" per gold claim not found
    assert sum(e["error"] == "missed" for e in summary["errors"]) == summary["gold"] - summary["found"]


def test_the_held_out_articles_are_read_right() -> None:
    summary = evaluated(HELDOUT / "gold_claims.json", "--sources", str(HELDOUT / "corpus.jsonl"))
    for name, floor in HELDOUT_FLOORS.items():
        assert summary[name] >= floor, (name, summary[name])
    assert (summary["polarity_wrong"], summary["spurious"]) == (0, 0)


@pytest.mark.parametrize("name", sorted(LATER_HELDOUT_FLOORS))
def test_the_later_held_out_sets_are_read_right(name: str) -> None:
    folder = ROOT / "tests" / "data" / "claims" / name
    summary = evaluated(folder / "gold_claims.json", "--sources", str(folder / "corpus.jsonl"))
    for measure, floor in LATER_HELDOUT_FLOORS[name].items():
        assert summary[measure] >= floor, (name, measure, summary[measure])
    assert summary["polarity_wrong"] <= LATER_HELDOUT_POLARITY_WRONG.get(name, 0), name
    assert summary["spurious"] == 0, name


def test_the_seventh_held_out_set_is_read_right() -> None:
    summary = evaluated(HELDOUT7 / "gold_claims.json", "--sources", str(HELDOUT7 / "corpus.jsonl"))
    for measure, floor in HELDOUT7_FLOORS.items():
        assert summary[measure] >= floor, (measure, summary[measure])
    assert summary["polarity_wrong"] == 0
    assert summary["spurious"] <= HELDOUT7_SPURIOUS


@pytest.mark.skipif(not KURSK.is_dir(), reason="../shared/corpora/kursk-news is not beside the checkout")
def test_the_kursk_corpus_is_read_right() -> None:
    summary = evaluated(KURSK / "gold_claims.json", "--sources", str(KURSK / "corpus.jsonl"))
    for name, floor in KURSK_FLOORS.items():
        assert summary[name] >= floor, (name, summary[name])
    assert (summary["polarity_wrong"], summary["spurious"]) == (0, 0)


@pytest.mark.skipif(not (KURSK.is_dir() and SCOREBOARD.is_file()),
                    reason="../shared/corpora and ../shared/tools/scoreboard.py are not beside the checkout")
def test_same_figures_as_the_scoreboard() -> None:
    spec = importlib.util.spec_from_file_location("scoreboard", SCOREBOARD)
    scoreboard = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scoreboard)
    command = f"{sys.executable} -m geomap.cli"
    theirs = scoreboard.claims(command, "kursk-news", False)
    ours = evaluated(KURSK / "gold_claims.json", "--sources", str(KURSK / "corpus.jsonl"))
    assert ours["recall"] == theirs["recall"]
    assert ours["dated_right"] == theirs["dated"]
    assert ours["precision"] == theirs["precision"]
    assert (ours["polarity_wrong"], ours["spurious"], ours["gold"]) == (
        theirs["polarity_wrong"], theirs["spurious"], theirs["gold"])


GOLD = {
    "tolerance": {"value_rel": 0.02, "date_days": 10},
    "claims": [
        {"source": "a", "kind": "area_held", "km2": 1376, "as_of": "2024-08"},
        {"source": "a", "kind": "share_lost", "share": 0.4, "as_of": "2024-11-24"},
        {"source": "a", "kind": "depth", "km": [28, 35], "as_of": "2024-08-20"},
        {"source": "b", "kind": "region_area", "km2": 30000},
    ],
    "not_claims": ["74 settlements"],
}


def prediction(source: str, kind: str, start: str | None, end: str | None = None, **values) -> dict:
    return {"source": source, "kind": kind, "as_of_start": start, "as_of_end": end or start, "quote": "", **values}


def test_scoring_follows_the_scoreboard() -> None:
    predictions = [
        # within 2 % and dated within 10 days of the gold month: found and dated right
        prediction("a", "area_held", "2024-09-05", km2=1390.0, value=1390.0),
        # the right value with the wrong polarity: found, polarity wrong, dated right
        prediction("a", "share_held", "2024-11-24", share=0.4, value=40.0),
        # a range: its high end matches one end of the gold range
        prediction("a", "depth", "2024-11-24", km=35.0, value=35.0),
        # a number of the gold's not_claims, in the wrong place: extra and spurious
        prediction("b", "area_held", "2024-11-24", km2=74.0, value=74.0, quote="It holds 74 settlements."),
        # counts never count against precision
        prediction("b", "count", "2024-11-24", value=74.0),
    ]
    scores = score_claims(GOLD, predictions)
    assert (scores.found, scores.dated, scores.polarity_wrong) == (3, 2, 1)
    assert (scores.predicted, scores.matched, scores.spurious) == (4, 3, 1)
    assert scores.summary()["precision"] == 0.75
    kinds = [e["error"] for e in scores.errors]
    assert kinds.count("missed") == 1 and kinds.count("date") == 1 and "polarity" in kinds


def test_a_bad_gold_file_is_one_clear_error(tmp_path: Path) -> None:
    gold = tmp_path / "gold_claims.json"
    gold.write_text('{"claims": [{"source": "a", "kind": "area_held"}]}', encoding="utf-8")
    with pytest.raises(Exception, match="claim 1: no value"):
        read_claims_gold(gold)
    result = geomap("eval", "claims", str(gold), "--sources", str(REAL / "corpus.jsonl"))
    assert result.returncode != 0
    assert "no value in km2, share or km" in result.stderr and "Traceback" not in result.stderr
