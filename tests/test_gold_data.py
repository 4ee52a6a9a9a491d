"""Checks on the hand-made gold files themselves: format, offsets and internal consistency.

The ids are checked against the raw gazetteer sources by ``tests/data/check_gold_ids.py``
(run by hand: the raw files are not available in CI).
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from datetime import date
from pathlib import Path

import pytest

from geomap.records import CLAIM_KINDS, PLACE_KINDS

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
GEOPARSE = DATA / "geoparse"
CLAIMS = DATA / "claims"

ID_PATTERNS = {
    "populated_place": re.compile(r"[1-9][0-9]*"),
    "admin1": re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}"),
    "country": re.compile(r"[A-Z]{2}"),
    "named_region": re.compile(r"NR:[a-z0-9]+(?:-[a-z0-9]+)*"),
}
ANY_ID = re.compile("|".join(f"(?:{p.pattern})" for p in ID_PATTERNS.values()))
NORMALISED_FIELD = {
    **{kind: "km2" for kind in ("area_held", "area_seized", "area_retaken", "area_lost", "region_area")},
    **{kind: "share" for kind in ("share_held", "share_retaken", "region_share")},
    **{kind: "km" for kind in ("depth", "front_width", "distance")},
    "relative_area": "km2",  # the multiple times the reference's area (null when it has none)
    "count": None,
}
TO_KM2 = {"square miles": 2.589988110336, "sq mi": 2.589988110336, "hectares": 0.01}
TO_KM = {"miles": 1.609344}
PERCENT_UNITS = {"%", "per cent", "percent"}


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def source_texts(folder: Path) -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


SEED_TEXTS = source_texts(SEEDS)
OWN_TEXTS = source_texts(GEOPARSE / "texts")
MANIFEST = {s["id"]: s for s in tomllib.loads((SEEDS / "sources.toml").read_text("utf-8"))["source"]}


def assert_spans(rows: list[dict], texts: dict[str, str]) -> None:
    """Every row's text is exactly its span of a known source; rows sorted, spans disjoint."""
    assert rows, "empty gold file"
    keys = [(r["source"], r["start"]) for r in rows]
    assert keys == sorted(keys), "rows must be sorted by source, then start"
    for row in rows:
        assert row["source"] in texts, f"unknown source {row['source']}"
        assert 0 <= row["start"] < row["end"], row
        assert texts[row["source"]][row["start"] : row["end"]] == row["text"], row
    for before, after in zip(rows, rows[1:]):
        if before["source"] == after["source"]:
            assert before["end"] <= after["start"], f"overlapping spans: {before} / {after}"


# --- geoparse ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "gold_name, texts",
    [("seeds.gold.jsonl", SEED_TEXTS), ("texts.gold.jsonl", OWN_TEXTS)],
    ids=["seeds", "texts"],
)
def test_toponym_gold_spans_and_ids(gold_name, texts):
    rows = read_jsonl(GEOPARSE / gold_name)
    assert_spans(rows, texts)
    assert {r["source"] for r in rows} == set(texts), "every text must be annotated"
    for row in rows:
        assert row["kind"] in PLACE_KINDS, row
        assert ID_PATTERNS[row["kind"]].fullmatch(row["id"]), f"id does not fit kind: {row}"
        assert all(ANY_ID.fullmatch(alt) and alt != row["id"] for alt in row.get("alt_ids", [])), row
        assert row["name"], row
        assert -90 <= row["lat"] <= 90 and -180 <= row["lon"] <= 180, row
        # the span is a name, not a name plus a possessive or a leading article
        assert not re.search(r"['’]s$", row["text"]) and not row["text"].lower().startswith("the "), row


def test_seed_gold_resolves_the_key_places():
    rows = read_jsonl(GEOPARSE / "seeds.gold.jsonl")
    ids_by_text = {}
    for row in rows:
        ids_by_text.setdefault(row["text"], set()).add(row["id"])
    assert ids_by_text["Sudzha"] == {"486816"}
    assert ids_by_text["Suzhda"] == {"486816"}
    assert ids_by_text["Kursk"] == {"RU-KRS", "538560"}  # the oblast, once the city
    # region phrases are marked without their lower-case kind word ("Sumy" in "Sumy region"), as the city
    # names would be; Sumy the city is never meant in the seeds
    assert "Kursk region" not in ids_by_text and "Sumy region" not in ids_by_text
    assert ids_by_text["Sumy"] == {"UA-59"}
    assert ids_by_text["Donbas"] == {"NR:donbas"}
    assert ids_by_text["U.S."] == {"US"}
    # names inside other names are not toponyms
    for source, text in SEED_TEXTS.items():
        for inner in ("Armed Forces of Ukraine", "Geneva Convention", "Institute for the Study of War"):
            at = text.find(inner)
            if at >= 0:
                assert not any(
                    r["source"] == source and at <= r["start"] < at + len(inner) for r in rows
                ), inner


def test_demonym_gold_spans():
    rows = read_jsonl(GEOPARSE / "seeds.demonyms.jsonl")
    assert_spans(rows, SEED_TEXTS)
    for row in rows:
        assert re.fullmatch(r"[A-Z]{2}", row["country"]), row
        assert re.fullmatch(r"(North )?[A-Z][a-z]+", row["text"]), row
    toponyms = {(r["source"], r["start"]) for r in read_jsonl(GEOPARSE / "seeds.gold.jsonl")}
    assert not toponyms & {(r["source"], r["start"]) for r in rows}, "a span is both toponym and demonym"


def test_own_texts_are_realistic_articles():
    assert len(OWN_TEXTS) >= 5
    for name, text in OWN_TEXTS.items():
        assert 250 <= len(text.split()) <= 600, name
    assert any(re.search("[\u0400-\u04ff]", text) for text in OWN_TEXTS.values()), "one text needs Cyrillic"
    cyrillic = [r for r in read_jsonl(GEOPARSE / "texts.gold.jsonl") if re.search("[\u0400-\u04ff]", r["text"])]
    assert cyrillic, "Cyrillic toponyms must be annotated"


# --- sources.toml -----------------------------------------------------------------------


def test_manifest_covers_every_seed():
    assert set(MANIFEST) == set(SEED_TEXTS)
    for source_id, entry in MANIFEST.items():
        assert entry["file"] == f"{source_id}.txt" and (SEEDS / entry["file"]).exists()
        assert entry["title"] and entry["outlet"]
        published = date.fromisoformat(entry["published"])
        assert date(2025, 3, 11) <= published <= date(2025, 3, 31), entry
        if entry.get("published_estimated"):
            assert entry.get("rationale"), f"{source_id}: an estimated date needs a rationale"
        assert "url" not in entry or entry["url"].startswith("http"), entry


# --- claims -----------------------------------------------------------------------------


def check_claim_values(claim: dict) -> None:
    """Kind, the one normalised field that fits it, and unit conversion."""
    kind = claim["kind"]
    assert kind in CLAIM_KINDS, claim
    field = NORMALISED_FIELD[kind]
    for other in ("km2", "km", "share"):
        if other != field:
            assert claim[other] is None, f"{other} set on a {kind} claim: {claim}"
    if claim["low"] is not None or claim["high"] is not None:
        assert claim["low"] < claim["high"], claim
        assert math.isclose(claim["value"], (claim["low"] + claim["high"]) / 2), claim
    if field is None:
        return
    if kind == "relative_area":  # not a unit conversion: the reference's area from the bundled regions
        assert claim["km2"] is None or claim["km2"] > 0, claim
        return
    normalised = claim[field]
    assert normalised is not None and normalised > 0, claim
    unit, value = claim["unit"], claim["value"]
    if field == "share":
        assert 0 < normalised <= 1, claim
        expected = value / 100 if unit in PERCENT_UNITS else value
        # Percent signs and words, or the fraction as written ("one third", "a fifth").
        assert unit in PERCENT_UNITS or unit == claim.get("value_text", unit), claim
    elif field == "km2":
        expected = value * TO_KM2.get(unit, 1.0)
    else:
        expected = value * TO_KM.get(unit, 1.0)
    assert math.isclose(normalised, expected, rel_tol=1e-4), claim


def check_claim_dates(claim: dict) -> None:
    if claim["as_of_start"] is None:
        assert claim["as_of_end"] is None and claim["kind"] == "region_area", claim
        return
    assert date.fromisoformat(claim["as_of_start"]) <= date.fromisoformat(claim["as_of_end"]), claim


def test_seed_claims_gold():
    claims = read_jsonl(CLAIMS / "seeds.gold.jsonl")
    assert 10 <= len(claims) <= 20
    assert [(c["source"], c["start"]) for c in claims] == sorted((c["source"], c["start"]) for c in claims)
    for claim in claims:
        text = SEED_TEXTS[claim["source"]]
        assert text[claim["start"] : claim["end"]] == claim["value_text"], claim
        assert text.count(claim["quote_contains"]) == 1, claim
        quote_at = text.index(claim["quote_contains"])
        assert quote_at <= claim["start"] and claim["end"] <= quote_at + len(claim["quote_contains"]), claim
        check_claim_values(claim)
        check_claim_dates(claim)
        assert ANY_ID.fullmatch(claim["place_id"]), claim
        published = MANIFEST[claim["source"]]["published"]
        assert claim["as_of_end"] <= published, f"claim dated after its article: {claim}"
        if claim["as_of_text"] in (None, "now"):
            assert claim["as_of_start"] == claim["as_of_end"] == published, claim


def test_seed_claims_cover_the_design_figures():
    values = {(c["kind"], c["value_text"]) for c in read_jsonl(CLAIMS / "seeds.gold.jsonl")}
    assert {
        ("area_seized", "386 square miles"),
        ("area_seized", "500 square miles"),
        ("area_seized", "1,300 square kilometers"),
        ("area_held", "1,368 square kilometers"),
        ("share_held", "one third"),
        ("share_held", "30%"),
        ("share_retaken", "86%"),
        ("area_held", "50 square miles"),
        ("area_held", "110 square kilometers"),
    } <= values


def test_seed_noise_is_disjoint_from_claims():
    noise = read_jsonl(CLAIMS / "seeds.noise.jsonl")
    assert_spans(noise, SEED_TEXTS)
    claims = read_jsonl(CLAIMS / "seeds.gold.jsonl")
    for row in noise:
        assert row["reason"] and set(row["allowed_kinds"]) <= {"count"}, row
        for claim in claims:
            if claim["source"] == row["source"]:
                assert row["end"] <= claim["start"] or claim["end"] <= row["start"], (row, claim)
    texts = {row["text"] for row in noise}
    assert {"56-inch", "67,000", "$260 billion", "60,000", "11,000", "100,000", "30-day"} <= texts


def test_claim_sentences():
    sentences = read_jsonl(CLAIMS / "sentences.jsonl")
    assert len({s["id"] for s in sentences}) == len(sentences)
    per_kind: dict[str, int] = {}
    for sentence in sentences:
        date.fromisoformat(sentence["published"])
        for claim in sentence["expected"]:
            assert sentence["text"][claim["start"] : claim["end"]] == claim["value_text"], sentence["id"]
            check_claim_values(claim)
            check_claim_dates(claim)
            if claim["as_of_end"]:
                assert claim["as_of_end"] <= sentence["published"], sentence["id"]
            for id_ in filter(None, (claim["place_id"], claim["region_id"])):
                assert ANY_ID.fullmatch(id_), sentence["id"]
            per_kind[claim["kind"]] = per_kind.get(claim["kind"], 0) + 1
    assert all(per_kind.get(kind, 0) >= 2 for kind in CLAIM_KINDS), per_kind
    assert any(not s["expected"] for s in sentences), "need sentences with no claim"
