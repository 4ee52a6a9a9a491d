"""Tests for geomap.claims.extract: the claims a reader of the article would find.

Seeds run through the real geoparser (they are what the map is built from); the
hand-written sentences get hand-resolved mentions, so that a geoparser miss on a
one-line text does not hide an extraction error (and the other way round).
"""

from __future__ import annotations

import copy
import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.claims import claims_table, extract_claims
from geomap.records import AREA_KINDS, CLAIM_KINDS, SHARE_KINDS, Claim, Mention, Source
from geomap.sources import read_sources

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
GOLD = ROOT / "tests" / "data" / "claims"
SPATIAL_KINDS = set(AREA_KINDS) | set(SHARE_KINDS) | {
    "depth", "front_width", "distance", "relative_area", "region_share", "region_area",
}  # fmt: skip


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def close(found: float | None, expected: float | None) -> bool:
    if expected is None or found is None:
        return found is expected
    return math.isclose(found, expected, rel_tol=1e-3, abs_tol=1e-6)


def overlapping(claims: list[Claim], source: str, start: int, end: int) -> list[Claim]:
    return [c for c in claims if c.source == source and c.start < end and start < c.end]


# --------------------------------------------------------------------------
# Seeds, through the real geoparser
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_run() -> tuple[list[Source], list[Claim]]:
    from geomap.geoparse import geocode, load_geoparser

    result = read_sources([SEEDS])
    assert result.problems == []
    mentions = geocode(result.sources, load_geoparser())
    return result.sources, extract_claims(result.sources, mentions)


SEED_GOLD = read_jsonl(GOLD / "seeds.gold.jsonl")


def found_as_gold_says(seed_run: tuple[list[Source], list[Claim]], gold: dict[str, Any]) -> tuple[Claim, str]:
    """The one claim over the gold span, checked for its span, words, value and range; and its article's text."""
    sources, claims = seed_run
    [claim] = overlapping(claims, gold["source"], gold["start"], gold["end"])
    text = next(s.text for s in sources if s.id == gold["source"])
    assert (claim.start, claim.end) == (gold["start"], gold["end"])
    assert text[claim.start : claim.end] == gold["value_text"]
    assert close(claim.value, gold["value"])
    assert (claim.low, claim.high) == (gold["low"], gold["high"])
    return claim, text


@pytest.mark.parametrize("gold", SEED_GOLD, ids=[f"{g['source'][:3]}-{g['value_text']}" for g in SEED_GOLD])
def test_every_seed_claim_is_found(seed_run: tuple[list[Source], list[Claim]], gold: dict[str, Any]) -> None:
    claim, text = found_as_gold_says(seed_run, gold)
    assert claim.kind == gold["kind"]
    assert claim.unit == gold["unit"]
    for name in ("km2", "km", "share"):
        assert close(getattr(claim, name), gold[name]), name
    assert claim.qualifier == gold["qualifier"]
    assert (iso(claim.as_of_start), iso(claim.as_of_end)) == (gold["as_of_start"], gold["as_of_end"])
    assert claim.as_of_text == gold["as_of_text"]
    assert claim.place_id in [gold["place_id"], *gold["place_alt_ids"]]
    assert claim.actor == gold["actor"]
    assert claim.region_id == gold["region_id"]
    assert (claim.alt_value, claim.alt_unit) == (gold["alt_value"], gold["alt_unit"])
    assert gold["quote_contains"] in claim.quote
    assert text[claim.quote_start : claim.quote_end] == claim.quote


def test_seeds_have_no_other_spatial_claims(seed_run: tuple[list[Source], list[Claim]]) -> None:
    _, claims = seed_run
    found = {(c.source, c.start) for c in claims if c.kind in SPATIAL_KINDS}
    assert found == {(g["source"], g["start"]) for g in SEED_GOLD}


NOISE = read_jsonl(GOLD / "seeds.noise.jsonl")


@pytest.mark.parametrize("noise", NOISE, ids=[f"{n['source'][:3]}-{n['text']}" for n in NOISE])
def test_noise_numbers_are_not_claims(seed_run: tuple[list[Source], list[Claim]], noise: dict[str, Any]) -> None:
    _, claims = seed_run
    kinds = [c.kind for c in overlapping(claims, noise["source"], noise["start"], noise["end"])]
    assert all(kind in noise["allowed_kinds"] for kind in kinds), kinds


def test_seed_claim_details(seed_run: tuple[list[Source], list[Claim]]) -> None:
    _, claims = seed_run
    by_value = {(c.source[:3], c.value): c for c in claims}
    salient = by_value[("000", 386.0)]
    assert salient.place == "Sudzha"  # the salient was centred on Sudzha
    assert salient.subject == "Ukrainian-held part of Kursk Oblast"
    assert salient.published == date(2025, 3, 13)
    assert (salient.anchor_lat, salient.anchor_lon) == pytest.approx((51.19, 35.27), abs=0.01)
    retaken = by_value[("002", 70.0)]
    assert (retaken.actor, retaken.subject) == ("RU", "Ukrainian-held part of Kursk Oblast")
    assert [(c.claim_id, c.kind) for c in claims if c.source.startswith("004")] == [
        ("004_98567bb9d699c9fe#1", "area_held"), ("004_98567bb9d699c9fe#2", "area_held"),
        ("004_98567bb9d699c9fe#3", "count"), ("004_98567bb9d699c9fe#4", "count"),
        ("004_98567bb9d699c9fe#5", "region_share"),
    ]  # fmt: skip
    assert all(c.flags == [] for c in claims)  # 110 km² vs 42 sq mi differ by 1.1 %: no flag


SEED_COUNTS = read_jsonl(GOLD / "seeds.counts.jsonl")


@pytest.mark.parametrize("gold", SEED_COUNTS, ids=[f"{g['source'][:3]}-{g['value_text']}" for g in SEED_COUNTS])
def test_every_seed_count_is_found(seed_run: tuple[list[Source], list[Claim]], gold: dict[str, Any]) -> None:
    claim, _ = found_as_gold_says(seed_run, gold)
    assert claim.kind == "count"
    assert (claim.km2, claim.km, claim.share) == (None, None, None)  # a count is never an area or a share
    assert (claim.unit, claim.qualifier) == (gold["unit"], gold["qualifier"])
    assert (claim.actor, claim.subject) == (gold["actor"], gold["subject"])
    assert gold["quote_contains"] in claim.quote


def test_seed_counts_are_the_only_counts_of_people(seed_run: tuple[list[Source], list[Claim]]) -> None:
    _, claims = seed_run
    found = {(c.source, c.start) for c in claims if c.kind == "count"}
    assert found == {(g["source"], g["start"]) for g in SEED_COUNTS}  # the seeds count no settlements


def test_seed_results_are_deterministic(seed_run: tuple[list[Source], list[Claim]]) -> None:
    from geomap.geoparse import geocode, load_geoparser

    sources, claims = seed_run
    again = extract_claims(sources, geocode(sources, load_geoparser()))
    assert json.dumps(claims_table(again)) == json.dumps(claims_table(claims))


# --------------------------------------------------------------------------
# Own sentences, with hand-resolved mentions
# --------------------------------------------------------------------------

CITY_WITH_OBLAST = "city+oblast"  # a bare "Kursk": the geoparser's city, with the oblast as alternative
SENTENCE_MENTIONS: dict[str, list[tuple[str, str]]] = {
    "area_held-1": [("Ukrainian", "demonym:UA"), ("Kursk region", "RU-KRS")],
    "area_held-2": [("Kyiv", "703448"), ("Kursk", CITY_WITH_OBLAST), ("Russian", "demonym:RU")],
    "area_held-3": [("Ukrainian", "demonym:UA"), ("Tetkino", "483166"), ("Russia", "RU")],
    "area_seized-1": [("Ukrainian", "demonym:UA"), ("Kursk region", "RU-KRS")],
    "area_seized-2": [("Russian", "demonym:RU"), ("Donetsk region", "UA-14")],
    "area_seized-3": [("Russia", "RU"), ("Ukrainian", "demonym:UA")],
    "area_retaken-1": [("Russia", "RU"), ("Kursk region", "RU-KRS")],
    "area_retaken-2": [("Ukraine", "UA"), ("Kharkiv region", "UA-63")],
    "area_lost-1": [("Ukraine", "UA"), ("Kharkiv region", "UA-63")],
    "area_lost-2": [("Russian", "demonym:RU"), ("Kharkiv region", "UA-63")],
    "share_held-1": [("Ukraine", "UA"), ("Kursk", CITY_WITH_OBLAST)],
    "share_held-2": [("Sudzha", "486816"), ("Ukrainian", "demonym:UA")],
    "share_retaken-1": [("Russia", "RU"), ("Ukraine", "UA"), ("Kursk region", "RU-KRS")],
    "share_retaken-2": [("Moscow", "524901"), ("Kursk", CITY_WITH_OBLAST)],
    "depth-1": [("Ukrainian", "demonym:UA"), ("Kursk region", "RU-KRS")],
    "depth-2": [("Russian", "demonym:RU"), ("Kharkiv", "706483")],
    "depth-3": [("Sudzha", "486816")],
    "front_width-1": [("Sudzha", "486816"), ("Korenevo", "544906")],
    "front_width-2": [("Pokrovsk", "704422")],
    "distance-1": [("Sudzha", "486816"), ("Ukraine", "UA")],
    "distance-2": [("Russian", "demonym:RU"), ("Pokrovsk", "704422")],
    "distance-3": [("Zaporizhzhia", "687700"), ("Russian", "demonym:RU")],
    "relative_area-1": [("Ukraine", "UA"), ("Kursk region", "RU-KRS"), ("Hong Kong", "HK")],
    "relative_area-2": [("Russia", "RU"), ("Kyiv", "703448")],
    "relative_area-3": [("Ukraine", "UA"), ("Kursk", CITY_WITH_OBLAST), ("Moscow", "524901")],
    "region_share-1": [("Russia", "RU"), ("Luhansk region", "UA-09")],
    "region_share-2": [("Russian", "demonym:RU"), ("Ukraine", "UA")],
    "region_share-3": [("Moscow", "524901"), ("Donetsk region", "UA-14")],
    "region_area-1": [("Kursk Oblast", "RU-KRS"), ("Sumy", "UA-59"), ("Kharkiv", "UA-63")],
    "region_area-2": [("Donetsk region", "UA-14"), ("Moscow", "524901")],
    "region_area-3": [("Nagorno-Karabakh", "NR:nagorno-karabakh"), ("Armenian", "demonym:AM")],
    "count-1": [("Russia", "RU"), ("Kursk region", "RU-KRS")],
    "count-2": [("Ukraine", "UA"), ("Kursk", CITY_WITH_OBLAST)],
    "count-3": [("Russian", "demonym:RU"), ("Ukraine", "UA")],
    "count-4": [("Ukrainian", "demonym:UA"), ("Kursk region", "RU-KRS")],
    "count-5": [("Russian", "demonym:RU")],
    "count-6": [("Russian", "demonym:RU")],
    "count-7": [("Ukrainian", "demonym:UA")],
    "count-8": [("Russian", "demonym:RU"), ("Kursk region", "RU-KRS"), ("Moscow", "524901")],
    "count-9": [("Russian", "demonym:RU"), ("Kherson", "706448")],
    "count-10": [("Russian", "demonym:RU"), ("Pokrovsk", "704422")],
    "none-2": [],
    "none-4": [("Kharkiv", "706483")],
    "none-5": [],
}


@pytest.fixture(scope="module")
def gazetteer():
    from geomap.gazetteer import load_gazetteer

    return load_gazetteer()


def mention_for(gazetteer, source: str, text: str, surface: str, entry: str) -> Mention:
    """A resolved mention of ``surface`` (its first occurrence), as the geoparser would give it."""
    start = text.index(surface)
    common = dict(source=source, start=start, end=start + len(surface), text=surface, sentence=text, sentence_start=0)
    if entry.startswith("demonym:"):
        code = entry.split(":")[1]
        country = gazetteer.get(code)
        return Mention(**common, type="demonym", id=code, name=country.name, kind="country", country=code,
                       lat=country.lat, lon=country.lon, confidence=1.0, method="exact")  # fmt: skip
    alternatives = []
    if entry == CITY_WITH_OBLAST:
        entry = "538560"
        oblast = gazetteer.get("RU-KRS")
        alternatives = [{"id": oblast.id, "name": oblast.name, "kind": "admin1", "country": "RU",
                         "lat": oblast.lat, "lon": oblast.lon}]  # fmt: skip
    candidate = gazetteer.get(entry)
    assert candidate is not None, entry
    return Mention(
        **common, type="place", id=candidate.id, name=candidate.name, kind=candidate.kind,
        geonameid=candidate.geonameid, feature_code=candidate.feature_code, country=candidate.country,
        admin1=candidate.admin1, lat=candidate.lat, lon=candidate.lon, confidence=1.0, method="exact",
        alternatives=alternatives,
    )  # fmt: skip


SENTENCES = read_jsonl(GOLD / "sentences.jsonl")
COMPARED = ("kind", "low", "high", "unit", "qualifier", "place_id", "region_id", "actor")


@pytest.mark.parametrize("case", SENTENCES, ids=[c["id"] for c in SENTENCES])
def test_sentences(gazetteer, case: dict[str, Any]) -> None:
    text = case["text"]
    source = Source(id=case["id"], text=text, published=date.fromisoformat(case["published"]))
    mentions = [mention_for(gazetteer, case["id"], text, s, e) for s, e in SENTENCE_MENTIONS[case["id"]]]
    claims = extract_claims([source], mentions)
    assert len(claims) == len(case["expected"]), [(c.kind, c.value) for c in claims]
    for claim, expected in zip(claims, case["expected"], strict=True):
        assert text[claim.start : claim.end] == expected["value_text"]
        assert (claim.start, claim.end) == (expected["start"], expected["end"])
        for name in COMPARED:
            assert getattr(claim, name) == expected[name], name
        for name in ("value", "km2", "km", "share"):
            assert close(getattr(claim, name), expected[name]), name
        if "subject" in expected:
            assert claim.subject == expected["subject"]
        assert (iso(claim.as_of_start), iso(claim.as_of_end)) == (expected["as_of_start"], expected["as_of_end"])
        assert claim.quote == text and (claim.quote_start, claim.quote_end) == (0, len(text))


# --------------------------------------------------------------------------
# Units, numbers and flags
# --------------------------------------------------------------------------


def extract_one(text: str, published: date | None = date(2025, 3, 14)) -> Claim:
    claims = extract_claims([Source(id="t", text=text, published=published)], [])
    assert len(claims) == 1, [(c.kind, c.value, c.unit) for c in claims]
    return claims[0]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("Ukrainian troops still held 1.300 km² of the region.", "1.300 km²"),  # German thousands dot
        ("Ukrainian troops still held 1\u2009300 km² of the region.", "1\u2009300 km²"),
        ("Ukrainian troops still held 1\u202f300 km² of the region.", "1\u202f300 km²"),
        ("Ukrainian troops still held 1,300 km² of the region.", "1,300 km²"),
    ],
)
def test_thousands_separators(text: str, written: str) -> None:
    claim = extract_one(text)
    assert claim.kind == "area_held"
    assert text[claim.start : claim.end] == written
    assert (claim.value, claim.km2) == (1300.0, 1300.0)


def test_en_dash_range() -> None:
    claim = extract_one("Ukrainian forces have advanced 28–35 km deep into the Kursk region.")
    assert (claim.kind, claim.low, claim.high, claim.value, claim.km) == ("depth", 28.0, 35.0, 31.5, 31.5)
    assert claim.actor is None  # no mention given: no actor invented


def test_second_unit_is_one_claim_and_flagged_when_it_disagrees() -> None:
    agree = extract_one("Ukraine seized about 1,300 square kilometers (502 square miles) in August.")
    assert (agree.alt_value, agree.alt_unit, agree.flags) == (502.0, "square miles", [])
    text = "Ukraine seized about 1,300 square kilometers (600 square miles) in August."
    claim = extract_one(text)
    assert text[claim.start : claim.end] == "1,300 square kilometers"
    [flag] = claim.flags
    assert flag["code"] == "units_disagree"
    assert flag["pct"] == pytest.approx(19.5, abs=0.1)
    assert "600" in flag["message"] and "1,300" in flag["message"]


def test_counts_of_people_are_counts_and_money_durations_and_sizes_are_not_claims() -> None:
    text = (
        "Up to 800 Russian soldiers crawled through a 56-inch pipe. Kyiv got $260 billion and a 30-day truce. "
        "Some 67,000 troops were lost in 2024, and dozens of miles were marched. The seven-month battle ended."
    )
    claims = extract_claims([Source(id="t", text=text, published=date(2025, 3, 14))], [])
    assert [(c.kind, c.value, c.unit, c.subject) for c in claims] == [
        ("count", 800.0, "Russian soldiers", "Russian soldiers"), ("count", 67000.0, "troops", "troops"),
    ]  # fmt: skip
    assert all((c.km2, c.km, c.share) == (None, None, None) for c in claims)
    assert (claims[1].as_of_start, claims[1].as_of_end) == (date(2024, 1, 1), date(2024, 12, 31))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ukraine says it took 300 prisoners near Sudzha.", ("prisoners", "prisoners")),
        ("The two sides exchanged 175 prisoners of war on Friday.", ("prisoners", "prisoners exchanged")),
        ("At least 12 civilians died in the strike.", ("civilians", "civilians died")),
        ("Some 300 casualties were reported after the battle.", ("casualties", "casualties")),
        ("The death toll rose to 40 overnight.", ("death toll", "death toll")),
        ("Between 500 and 700 soldiers were killed.", ("soldiers", "soldiers killed")),
    ],
)
def test_more_counts_of_people(text: str, expected: tuple[str, str]) -> None:
    claim = extract_one(text)
    assert (claim.kind, claim.unit, claim.subject) == ("count", *expected)
    assert (claim.km2, claim.km, claim.share) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "named", "actor", "subject"),
    [
        ("Russia has massed 50,000 troops near Kharkiv.", [("Russia", "RU"), ("Kharkiv", "706483")],
         "RU", "Russian troops"),
        ("Russian forces surrounded 2,000 troops near Pokrovsk.", [("Russian", "demonym:RU"), ("Pokrovsk", "704422")],
         None, "troops"),  # the agent's enemy: whose troops they are is not said
        ("Russia says it captured 300 Ukrainian soldiers.", [("Russia", "RU"), ("Ukrainian", "demonym:UA")],
         "UA", "Ukrainian soldiers captured"),
        ("Ukraine put Russia's losses at 5,000 last month.", [("Ukraine", "UA"), ("Russia", "RU")],
         "RU", "Russian losses"),
    ],
)
def test_the_actor_of_a_count_of_people_is_whose_people_they_are(
    gazetteer, text: str, named: list[tuple[str, str]], actor: str | None, subject: str
) -> None:
    source = Source(id="t", text=text, published=date(2025, 3, 14))
    [claim] = extract_claims([source], [mention_for(gazetteer, "t", text, s, e) for s, e in named])
    assert (claim.kind, claim.actor, claim.subject) == ("count", actor, subject)


@pytest.mark.parametrize(
    "text",
    [
        "The plant will employ 300 people.",  # people, but neither soldiers, prisoners nor casualties
        "Floods forced 2,000 residents from their homes.",
        "Russia lost 24 fighter jets in the first year.",  # "fighter" is no soldier
        "Hundreds of soldiers and thousands of prisoners were seen.",  # vague plurals are not numbers
        "The 1941 soldiers' memorial was unveiled in 2024.",
    ],
)
def test_other_numbers_of_people_are_not_claims(text: str) -> None:
    assert extract_claims([Source(id="t", text=text, published=date(2025, 3, 14))], []) == []


def test_change_from_to_gives_two_claims() -> None:
    text = "Ukrainian forces saw their territory shrink from 1,368 to 110 square kilometers since last year."
    claims = extract_claims([Source(id="t", text=text, published=date(2025, 3, 16))], [])
    assert [(c.kind, c.value, c.unit, c.km2) for c in claims] == [
        ("area_held", 1368.0, "square kilometers", 1368.0), ("area_held", 110.0, "square kilometers", 110.0),
    ]  # fmt: skip
    assert claims[0].flags[0]["code"] == "unit_shared"


def test_two_lengths_sharing_one_unit_are_two_claims_and_a_range_after_between_is_one() -> None:
    pair = "The rebels took both towns, 30 and 45 kilometres (19 and 28 miles) north of the capital."
    claims = extract_claims([Source(id="t", text=pair, published=date(2025, 3, 14))], [])
    assert [(c.kind, pair[c.start : c.end], c.km, c.alt_value, c.alt_unit) for c in claims] == [
        ("distance", "30", 30.0, 19.0, "miles"), ("distance", "45 kilometres", 45.0, 28.0, "miles"),
    ]  # fmt: skip
    assert claims[0].flags[0]["code"] == "unit_shared"
    between = extract_one("The rebels are now between 30 and 45 kilometres north of the capital.")
    assert (between.kind, between.low, between.high, between.km) == ("distance", 30.0, 45.0, 37.5)


def test_a_further_length_past_a_place_is_a_depth_but_a_bare_further_step_is_none() -> None:
    past = extract_one("Government troops pushed another 40 kilometres past\nthe river crossing before nightfall.")
    assert (past.kind, past.km) == ("depth", 40.0)
    step = "Government troops advanced another 3 kilometres on Tuesday."
    assert extract_claims([Source(id="t", text=step, published=date(2025, 3, 14))], []) == []


def test_ground_taken_under_control_takes_the_act_the_headline_reports() -> None:
    body = ("\n\nThe army said on Monday it had pushed on.\n\n"
            "“The area taken under control was 40 square kilometers,” she said.")
    kinds = {}
    for headline in ("Army says it has liberated four more villages", "Army says it has captured four more villages"):
        text = headline + body
        claims = extract_claims([Source(id="t", text=text, published=date(2025, 3, 14))], [])
        kinds[headline.split()[4]] = [c.kind for c in claims if c.km2 == 40.0]
    assert kinds == {"liberated": ["area_retaken"], "captured": ["area_seized"]}


def test_one_figure_told_as_a_loss_and_as_a_gain_is_one_claim_read_from_the_body() -> None:
    def read(text: str) -> list[tuple[str, int]]:
        claims = extract_claims([Source(id="t", text=text, published=date(2025, 6, 2))], [])
        return [(c.kind, len(c.restated)) for c in claims]

    body_gain = "The army loses 500 square kilometres in May\n\nThe enemy captured about 500 square kilometres in May."
    body_loss = "Enemy captures 500 square kilometres in May\n\nThe army lost about 500 square kilometres in May."
    months = "The army lost 500 square kilometres in April. The enemy captured 500 square kilometres in May."
    assert read(body_gain) == [("area_seized", 1)]
    assert read(body_loss) == [("area_lost", 1)]
    assert read(months) == [("area_lost", 0), ("area_seized", 0)]  # two months, two figures


def test_a_recaps_past_perfect_is_dated_to_the_time_the_article_set_before() -> None:
    recap = "The army launched its offensive in August 2024. Its troops had seized about 1,300 square kilometres."
    claim = extract_one(recap, date(2025, 6, 1))
    assert (claim.as_of_start, claim.as_of_end, claim.as_of_text) == (date(2024, 8, 1), date(2024, 8, 31),
                                                                      "in August 2024")
    present = "The army launched its offensive in August 2024. Its troops now hold about 1,300 square kilometres."
    assert extract_one(present, date(2025, 6, 1)).as_of_start == date(2025, 6, 1)


def test_a_part_named_by_its_side_after_its_is_a_share() -> None:
    claim = extract_one("Troops invaded its northern third in 1974.", date(2024, 7, 10))
    assert (claim.kind, claim.value, claim.as_of_start) == ("region_share", 1 / 3, date(1974, 1, 1))
    assert extract_claims([Source(id="t", text="Its northern third was quiet in 1974.", published=date(2024, 7, 10))],
                          []) == []  # no word of control: a place, no claim


def test_a_holder_that_is_no_country_is_named_as_written_but_a_base_is_not_a_holder() -> None:
    def sides(text: str) -> list[str | None]:
        claims = extract_claims([Source(id="t", text=text, published=date(2025, 3, 14))], [])
        return [next((f["holder"] for f in c.flags if f["code"] == "holder_not_a_country"), None) for c in claims]

    assert sides("The rebels control about 60 percent of the province.") == ["rebels"]
    assert sides("SDF-held areas make up a third of the whole country.") == ["SDF"]
    assert sides("Government troops captured 70 percent of rebel-held areas of the province.") == [None]


def test_the_act_a_since_clause_dates_is_at_that_time_not_a_span_to_publication() -> None:
    published = date(2017, 6, 7)
    when = extract_one("It has been divided since 1974, when troops seized 37 percent of the country.", published)
    inside = extract_one("It has been divided since troops seized 37 percent of the country in 1974.", published)
    held = extract_one("Troops have held 37 percent of the country since 1974.", published)
    assert [(c.as_of_start, c.as_of_end) for c in (when, inside)] == [(date(1974, 1, 1), date(1974, 12, 31))] * 2
    assert (held.as_of_start, held.as_of_end) == (date(1974, 1, 1), published)  # held all along: the span


def test_a_zone_widened_from_one_width_to_another_has_the_new_width() -> None:
    text = "The buffer zone has been widened from 500 metres to about 3 kilometres along the border."
    claims = extract_claims([Source(id="t", text=text, published=date(2025, 3, 14))], [])
    assert ("front_width", 3.0, "about") in [(c.kind, c.km, c.qualifier) for c in claims]


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------


def test_undated_source_gives_no_relative_dates() -> None:
    claim = extract_one("In August, Ukraine launched an offensive, rapidly seizing roughly 386 square miles.", None)
    assert (claim.as_of_start, claim.as_of_end, claim.as_of_text) == (None, None, "In August")
    assert claim.published is None
    present = extract_one("Ukrainian troops now hold about 110 square kilometers.", None)
    assert (present.as_of_start, present.as_of_end) == (None, None)
    absolute = extract_one("In 2024, Russia seized about 4,000 square kilometres of Ukrainian land.", None)
    assert (absolute.as_of_start, absolute.as_of_end) == (date(2024, 1, 1), date(2024, 12, 31))


def test_by_month_is_the_start_of_the_month() -> None:
    claim = extract_one("By March, Russian forces had reduced the Ukrainian salient to about one third of what it was.")
    assert (claim.kind, claim.as_of_start, claim.as_of_end) == ("share_held", date(2025, 3, 1), date(2025, 3, 1))


def test_day_of_the_previous_sentence_dates_a_past_sentence() -> None:
    text = "The assault peaked on Sunday. The soldiers crawled through a pipe, traveling nearly 9 miles."
    claim = extract_one(text, date(2025, 3, 13))
    assert (claim.kind, claim.as_of_start, claim.as_of_text) == ("distance", date(2025, 3, 9), "on Sunday")
    separate = "The assault peaked on Sunday.\nThe soldiers crawled through a pipe, traveling nearly 9 miles."
    assert extract_one(separate, date(2025, 3, 13)).as_of_start == date(2025, 3, 13)  # another paragraph


def test_region_area_has_no_date_but_the_claim_next_to_it_has(gazetteer) -> None:
    text = "Kursk Oblast covers nearly 30,000 km². Ukrainian troops still held about 400 km² of it on Monday."
    source = Source(id="t", text=text, published=date(2025, 3, 14))
    region_area, held = extract_claims([source], [mention_for(gazetteer, "t", text, "Kursk Oblast", "RU-KRS")])
    assert (region_area.kind, region_area.region_id, region_area.as_of_start) == ("region_area", "RU-KRS", None)
    assert (held.kind, held.as_of_start, held.as_of_text) == ("area_held", date(2025, 3, 10), "on Monday")


def test_a_relative_clause_does_not_date_the_claim(gazetteer) -> None:
    text = (
        "Russia occupies about three quarters of the region, including the town of Enerhodar, where the plant "
        "has been under Russian control since March 2022."
    )
    earlier = "The Zaporizhzhia region is on the front. "
    source = Source(id="t", text=earlier + text, published=date(2025, 3, 14))
    mentions = [mention_for(gazetteer, "t", earlier + text, name, entry)
                for name, entry in [("Zaporizhzhia region", "UA-23"), ("Russia", "RU")]]  # fmt: skip
    [claim] = extract_claims([source], mentions)
    assert (claim.kind, claim.region_id, claim.actor) == ("region_share", "UA-23", "RU")
    assert (claim.as_of_start, claim.as_of_end, claim.as_of_text) == (date(2025, 3, 14), date(2025, 3, 14), None)


# --------------------------------------------------------------------------
# Phrases beyond the gold files
# --------------------------------------------------------------------------

MORE = [
    # text, mentions, expected fields
    ("Ukraine said it had lost control of about 1,000 square kilometres in the Kharkiv region.",
     [("Ukraine", "UA"), ("Kharkiv region", "UA-63")],
     {"kind": "area_lost", "actor": "RU", "place_id": "UA-63"}),
    ("Ukrainian units were pushed out of 40 square kilometres near Sudzha last week.",
     [("Ukrainian", "demonym:UA"), ("Sudzha", "486816")],
     {"kind": "area_lost", "actor": "RU", "place_id": "486816", "as_of_start": date(2025, 3, 3)}),
    ("Russian troops have retaken 800 of the roughly 1,300 square kilometres Ukraine captured.",
     [("Russian", "demonym:RU"), ("Ukraine", "UA")],
     {"kind": "area_seized", "actor": "UA", "km2": 1300.0, "qualifier": "roughly", "place_id": "RU"}),
    ("Ukraine has liberated 54% of the territory Russia captured since February 2022.",
     [("Ukraine", "UA"), ("Russia", "RU")],
     {"kind": "share_retaken", "actor": "UA", "place_id": "UA", "as_of_start": date(2025, 3, 14)}),
    ("Ukrainian forces pushed 10 kilometres into Russian territory.",
     [("Ukrainian", "demonym:UA"), ("Russian", "demonym:RU")],
     {"kind": "depth", "actor": "UA", "km": 10.0, "subject": "Ukrainian advance into Russia"}),
    ("Russia occupies 11.2% of Georgia's territory.", [("Russia", "RU"), ("Georgia", "GE")],
     {"kind": "region_share", "actor": "RU", "region_id": "GE", "share": 0.112}),
    ("Kyiv's troops are now within 5 km of Sudzha.", [("Kyiv", "703448"), ("Sudzha", "486816")],
     {"kind": "distance", "actor": "UA", "place_id": "486816", "as_of_text": "now"}),
    ("About 70 percent of Ukrainians support the war, and 500 hectares of forest burned near Kherson.",
     [("Ukrainians", "demonym:UA"), ("Kherson", "706448")], None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "named", "expected"), MORE, ids=[m[0][:40] for m in MORE])
def test_more_phrases(gazetteer, text: str, named: list[tuple[str, str]], expected: dict[str, Any] | None) -> None:
    source = Source(id="t", text=text, published=date(2025, 3, 14))
    claims = extract_claims([source], [mention_for(gazetteer, "t", text, s, e) for s, e in named])
    if expected is None:
        assert claims == []
        return
    [claim] = claims
    for name, value in expected.items():
        assert getattr(claim, name) == value, name


def test_size_comparison_after_an_area_restates_it(gazetteer) -> None:
    text = "Since October, Russia has gained 1,500 sq km in the Donetsk region, twice the size of London."
    mentions = [mention_for(gazetteer, "t", text, s, e)
                for s, e in [("Russia", "RU"), ("Donetsk region", "UA-14"), ("London", "2643743")]]  # fmt: skip
    area, relative = extract_claims([Source(id="t", text=text, published=date(2025, 3, 14))], mentions)
    assert (area.kind, area.place_id, area.actor) == ("area_seized", "UA-14", "RU")
    assert (relative.kind, relative.value, relative.region_id) == ("relative_area", 2.0, "2643743")
    assert (relative.place_id, relative.actor, relative.km2) == ("UA-14", "RU", None)


# --------------------------------------------------------------------------
# Sources with problems, purity, table
# --------------------------------------------------------------------------


def test_bad_manifest_entries_are_reported_and_the_rest_processed(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Ukrainian troops still held about 400 km² of the region.", encoding="utf-8")
    (tmp_path / "undated.txt").write_text("Ukrainian troops now hold about 50 km².", encoding="utf-8")
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nid = "good"\nfile = "good.txt"\ntitle = "t"\noutlet = "o"\npublished = "2025-03-14"\n\n'
        '[[source]]\nid = "baddate"\nfile = "good.txt"\ntitle = "t"\noutlet = "o"\npublished = "14/03/2025"\n\n'
        '[[source]]\nid = "missing"\nfile = "gone.txt"\ntitle = "t"\noutlet = "o"\npublished = "2025-03-14"\n',
        encoding="utf-8",
    )
    result = read_sources([tmp_path])
    problems = {str(p) for p in result.problems}
    assert any("baddate" in p and "published" in p for p in problems), problems
    assert any("missing" in p and "file" in p and "gone.txt" in p for p in problems), problems
    claims = extract_claims(result.sources, [])
    assert sorted({c.source for c in claims}) == ["good", "undated"]
    good = next(c for c in claims if c.source == "good")
    assert (good.km2, good.as_of_start, good.outlet) == (400.0, date(2025, 3, 14), "o")
    undated = next(c for c in claims if c.source == "undated")
    assert (undated.as_of_start, undated.as_of_end) == (None, None)


def test_inputs_are_not_changed_and_ids_follow_text_order(gazetteer) -> None:
    text = "Russia controls 98.5% of the Luhansk region. Russian forces occupy nearly a fifth of Ukraine."
    source = Source(id="s", text=text, published=date(2024, 6, 1))
    mentions = [mention_for(gazetteer, "s", text, "Luhansk region", "UA-09"),
                mention_for(gazetteer, "s", text, "Ukraine", "UA")]  # fmt: skip
    before = (copy.deepcopy(source), copy.deepcopy(mentions))
    claims = extract_claims([source], list(reversed(mentions)))
    assert (source, mentions) == before
    assert [(c.claim_id, c.value, c.region_id) for c in claims] == [("s#1", 98.5, "UA-09"), ("s#2", 0.2, "UA")]


def test_claims_table_is_flat_json_with_iso_dates() -> None:
    claim = extract_one("In August, Ukraine launched an offensive, rapidly seizing roughly 386 square miles.")
    [row] = claims_table([claim])
    assert list(row)[:18] == [
        "source", "claim_id", "kind", "value", "low", "high", "unit", "km2", "km", "share", "qualifier",
        "as_of_start", "as_of_end", "as_of_text", "place", "quote", "start", "end",
    ]  # fmt: skip
    assert set(row) == set(Claim.__dataclass_fields__)
    assert (row["as_of_start"], row["as_of_end"], row["published"]) == ("2024-08-01", "2024-08-31", "2025-03-14")
    assert json.loads(json.dumps(row)) == row


# --------------------------------------------------------------------------
# Robustness
# --------------------------------------------------------------------------

_PIECES = st.sampled_from(
    ["Russia", "Ukrainian forces", "seized", "held", "retook", "about", "386", "1,300", "30%", "one third",
     "square miles", "km²", "km", "deep", "from", "the", "of", "territory", "in", "Kursk", "August", "By March",
     "last year", "now", ",", ".", "(42 square miles)", "the size of", "three times", "Kyiv", "settlements",
     "troops", "since 2022", "down from", "\n", "on Sunday", "between", "and", "–", "had", "been"]
)  # fmt: skip


_CLAIMISH = st.tuples(
    st.sampled_from(["Russia", "Ukrainian forces", "Kyiv's troops", "The army", ""]),
    st.sampled_from(["seized", "still held", "retook", "lost control of", "advanced", "reduced it to", "won back"]),
    st.sampled_from(["", "about", "nearly", "up to", "between"]),
    st.sampled_from(["386", "1,300", "1.300", "28–35", "one third", "30%", "three", "0", "9,999,999"]),
    st.sampled_from(["square miles", "km²", "km", "miles deep", "villages", "% of the region", "times the size of"]),
    st.sampled_from(["", " (42 square miles)", " of Russian territory", " in Kursk", " from the border"]),
    st.sampled_from(["", " in August", " last year", " on Sunday", " since 2022", ", down from 500 km²"]),
).map(lambda parts: " ".join(p for p in parts if p) + ".")
_TEXTS = st.one_of(
    st.lists(_PIECES, max_size=25).map(" ".join),
    st.lists(_CLAIMISH, min_size=1, max_size=4).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.one_of(st.none(), st.dates()))
def test_never_raises_and_records_are_consistent(text: str, published: date | None) -> None:
    claims = extract_claims([Source(id="h", text=text, published=published)], [])
    assert [c.claim_id for c in claims] == [f"h#{n}" for n in range(1, len(claims) + 1)]
    assert [c.start for c in claims] == sorted(c.start for c in claims)
    for claim in claims:
        assert claim.kind in CLAIM_KINDS
        assert claim.quote == text[claim.quote_start : claim.quote_end]
        assert claim.quote_start <= claim.start < claim.end <= claim.quote_end
        normalised = {"km2": claim.km2, "km": claim.km, "share": claim.share}
        assert sum(v is not None for v in normalised.values()) <= 1
        if claim.kind == "count":
            assert set(normalised.values()) == {None}
        assert claim.qualifier in (None, "about", "roughly", "nearly", "more than", "less than", "up to",
                                   "at most", "at least", "exactly")  # fmt: skip
        if claim.as_of_start is not None and claim.as_of_end is not None:
            assert claim.as_of_start <= claim.as_of_end
        if published is None:
            assert claim.as_of_start is None or claim.as_of_text is not None  # never today's date
