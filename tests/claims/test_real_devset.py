"""Checks on the real-news development set for claim reading (tests/data/claims/real, README there).

These test the data itself, not geomap: every offset points at its text, every date parses, every article is
sourced, the set is as wide as promised, and every kind is one the README documents. Scoring geomap on it is
`geomap eval claims`.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest

REAL = Path(__file__).resolve().parents[1] / "data" / "claims" / "real"
MIN_ARTICLES = 60  # raised with each batch; 60 when the set is complete
MIN_CONFLICTS = 8
VALUE_FIELD = {"km2", "share", "km", "factor"}
# kinds that say who holds, took or lost ground carry a holder; sizes of places and distances need none
WITHOUT_HOLDER = {"region_area", "distance", "relative_area"}


def read_corpus() -> list[dict]:
    with (REAL / "corpus.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


CORPUS = read_corpus()
TEXTS = {row["id"]: row["text"] for row in CORPUS}
GOLD = json.loads((REAL / "gold_claims.json").read_text(encoding="utf-8"))
README = (REAL / "README.md").read_text(encoding="utf-8")


def documented_kinds() -> dict[str, str]:
    """The README's kinds table: kind -> its value field."""
    kinds = {}
    for kind, field in re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| `([a-z0-9]+)` \|", README, re.M):
        kinds[kind] = field
    return kinds


def parse_day(text: str) -> date:
    """YYYY-MM-DD, or the first day of YYYY-MM or YYYY; ValueError otherwise."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if not match:
        raise ValueError(text)
    year, month, day = match.groups()
    return date(int(year), int(month or 1), int(day or 1))


def test_the_set_is_as_wide_as_promised():
    assert len(CORPUS) >= MIN_ARTICLES
    assert len({row["conflict"] for row in CORPUS}) >= MIN_CONFLICTS
    assert len({row["outlet"] for row in CORPUS}) >= len(CORPUS) // 3, "mix outlets"
    assert len(GOLD["claims"]) >= 2 * MIN_ARTICLES
    assert len(GOLD["not_claims"]) >= MIN_ARTICLES


@pytest.mark.parametrize("row", CORPUS, ids=lambda row: row["id"])
def test_every_article_is_sourced_and_dated(row):
    for field in ("id", "url", "outlet", "published", "title", "conflict", "text"):
        assert isinstance(row.get(field), str) and row[field].strip(), field
    assert urlparse(row["url"]).scheme in ("http", "https") and urlparse(row["url"]).netloc
    published = date.fromisoformat(row["published"])
    assert date(2000, 1, 1) <= published <= date(2026, 12, 31)
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*-" + re.escape(row["published"]) + r"(?:-\d+)?", row["id"])
    text = row["text"]
    assert text == text.strip() and "\r" not in text and "\n\n\n" not in text
    # an excerpt, not a whole article
    assert len(text) <= 4000, f"{row['id']}: {len(text)} characters"
    assert row["id"] in README, "the README lists every article"


def test_ids_are_unique():
    ids = [row["id"] for row in CORPUS]
    assert len(ids) == len(set(ids))


def test_tolerance_is_the_scoreboards():
    assert GOLD["tolerance"] == {"value_rel": 0.02, "date_days": 10}


def spans_of(claim: dict) -> list[dict]:
    return [claim] + claim.get("restated", [])


@pytest.mark.parametrize("claim", GOLD["claims"], ids=lambda c: f"{c['source']}:{c['kind']}:{c['start']}")
def test_every_claim_points_at_its_text(claim):
    text = TEXTS[claim["source"]]
    for span in spans_of(claim):
        assert text[span["start"] : span["end"]] == span["value_text"], span
        # the quote is in the text and holds the number at the offsets
        at = text.find(span["quote"])
        assert at >= 0, span["quote"]
        while not at <= span["start"] < span["end"] <= at + len(span["quote"]):
            at = text.find(span["quote"], at + 1)
            assert at >= 0, f"offsets outside every occurrence of the quote: {span}"
        number = r"\d|half|third|quarter|fifth|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty"
        if claim["kind"] == "relative_area":  # "the size of Luxembourg", "equal to", "twice"
            number += r"|size|equal|equivalent|twice|times|larger|combined"
        assert re.search(number, span["value_text"], re.I), span


@pytest.mark.parametrize("claim", GOLD["claims"], ids=lambda c: f"{c['source']}:{c['kind']}:{c['start']}")
def test_every_claim_has_a_documented_kind_and_a_sound_value(claim):
    kinds = documented_kinds()
    assert claim["kind"] in kinds, f"undocumented kind {claim['kind']}"
    field = kinds[claim["kind"]]
    assert set(claim) & VALUE_FIELD == {field}, claim
    values = claim[field] if isinstance(claim[field], list) else [claim[field]]
    assert values and all(isinstance(v, (int, float)) and v > 0 for v in values), claim
    if isinstance(claim[field], list):
        assert field in ("km", "km2") and len(values) == 2 and values[0] < values[1], "a range is [low, high]"
    if field == "share":
        assert values[0] <= 1, claim
    if claim["kind"] not in WITHOUT_HOLDER:
        assert claim.get("holder"), "who holds, took or lost the ground"
    if claim["kind"].startswith("region_"):
        assert claim.get("region"), "a region share or size names its region"


@pytest.mark.parametrize("claim", GOLD["claims"], ids=lambda c: f"{c['source']}:{c['kind']}:{c['start']}")
def test_every_claim_date_parses_and_precedes_publication(claim):
    published = date.fromisoformat(next(r["published"] for r in CORPUS if r["id"] == claim["source"]))
    if "as_of" in claim:
        assert parse_day(claim["as_of"]) <= published, "a claim describes the past or the present"
    else:
        assert claim["kind"] in {"region_area", "distance", "relative_area", "width"}, "undated claim"
    if "period" in claim:
        start, end = (parse_day(d) for d in claim["period"])
        assert start <= end <= published
        assert start <= parse_day(claim["as_of"]) <= end or claim["as_of"] == claim["period"][0][:4]


def test_not_claims_point_at_their_text_and_no_claim():
    details = GOLD["not_claims_detail"]
    assert len(details) == len(GOLD["not_claims"])
    claimed = {(c["source"], s["start"]) for c in GOLD["claims"] for s in spans_of(c)}
    for label, row in zip(GOLD["not_claims"], details):
        text = TEXTS[row["source"]]
        assert text[row["start"] : row["end"]] == row["text"], row
        assert row["reason"].strip(), row
        # the scoreboard reads the number from the label's first word
        assert label.split()[0] == row["text"].split()[0], (label, row)
        inside = [s for (src, s) in claimed if src == row["source"] and row["start"] <= s < row["end"]]
        assert not inside, f"a not-claim covers a claim: {row}"


def test_every_source_is_annotated_or_chosen_for_its_non_claims():
    annotated = {c["source"] for c in GOLD["claims"]} | {d["source"] for d in GOLD["not_claims_detail"]}
    assert annotated == set(TEXTS)
    assert set(TEXTS) - {c["source"] for c in GOLD["claims"]}, "keep articles with no claim at all"
