"""Claim reading on real news sentences, one phenomenon of issue 14 §2 per case, through the real geoparser.

tests/data/claims/real_sentences.jsonl holds passages quoted as published (each with its URL and date) and what
a reader finds in them: each expected claim is named by the words of its quantity (``value_text``) and lists
the fields it must have; ``none`` lists quantities that are no claim. The real development set
(tests/data/claims/real) is scored as a whole by `geomap eval claims` (test_eval_claims.py); the cases at the
end check readings in it that the scoreboard does not look at (actor, region, derived area, quotes).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from geomap.claims import extract_claims
from geomap.records import Claim, Source
from geomap.sources import read_sources

DATA = Path(__file__).resolve().parents[1] / "data" / "claims"
CASES = [json.loads(line) for line in (DATA / "real_sentences.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]


@pytest.fixture(scope="module")
def geoparser():
    from geomap.geoparse import load_geoparser

    return load_geoparser()


def claims_of(geoparser, sources: list[Source]) -> list[Claim]:
    from geomap.geoparse import geocode

    return extract_claims(sources, geocode(sources, geoparser))


def quoted(claim: Claim, text: str) -> list[str]:
    """The words of the claim's quantity, as written wherever the article states it."""
    return [text[claim.start : claim.end]] + [text[q["start"] : q["end"]] for q in claim.restated]


def find(claims: list[Claim], text: str, value_text: str) -> Claim:
    found = [c for c in claims if value_text in quoted(c, text)]
    assert found, f"no claim of {value_text!r}: {[(c.kind, text[c.start:c.end]) for c in claims]}"
    return found[0]


def check(claim: Claim, expected: dict[str, Any]) -> None:
    for name, value in expected.items():
        if name == "value_text":
            continue
        if name == "restated":
            assert len(claim.restated) == value, claim.restated
            continue
        found = getattr(claim, name)
        if isinstance(found, date):
            found = found.isoformat()
        if isinstance(value, float) and found is not None:
            assert found == pytest.approx(value, rel=1e-3), name
        elif isinstance(value, tuple):  # readings that are equally right (a town, or the unit named after it)
            assert found in value, name
        else:
            assert found == value, name


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_real_sentence(geoparser, case: dict[str, Any]) -> None:
    published = date.fromisoformat(case["published"]) if case["published"] else None
    source = Source(id=case["id"], text=case["text"], published=published, url=case["url"])
    claims = claims_of(geoparser, [source])
    for expected in case["expect"]:
        check(find(claims, case["text"], expected["value_text"]), expected)
    for words in case.get("none", []):
        spatial = [c for c in claims if c.kind != "count" and case["text"][c.start : c.end].startswith(words)]
        assert not spatial, f"{words!r} is no territorial claim: {[(c.kind, c.value) for c in spatial]}"


# -- the development set: what the scoreboard does not check ------------------------------------------

DEVSET = [
    # Who holds it: "liberated" by Russia's defence ministry in Ukraine is Russia retaking ground
    ("sputnik-2025-09-25", "4,714 square kilometers", {"kind": "area_retaken", "actor": "RU"}),
    # A retaking of an earlier gain with its peak in the article: the area still held, derived
    ("ytn-2024-11-20", "593 square kilometers", {"kind": "area_retaken", "actor": "RU", "held_km2": 578.0}),
    # The same figure in a headline and a quoted statement: one claim
    ("nation-2022-06-03", "20 percent", {"kind": "region_share", "region_id": "UA", "share": 0.2}),
    # "larger than X, Y and Z combined": the sum of their areas
    ("nation-2022-06-03", "greater” than", {"kind": "relative_area", "qualifier": "more than"}),
    # The figure in a quotation, not the plan after it
    ("ifpnews-2025-05-25", "77%", {"kind": "region_share", "region_id": "PS-GZZ", "actor": "IL"}),
    # A list whose verb is in its heading line
    ("newspravda-2025-01-09", "311 sqkm", {"kind": "area_seized", "actor": "RU", "as_of_start": "2025-01-09"}),
    # A titled list ("The Occupation in Figures") of ;-separated items: the noun of the title is the verb, each
    # item's own date (a month in lower case) and label date and place it
    ("virtualkarabakh-2016-05-18", "289 km2", {"kind": "area_seized", "place": ("Shusha", "Shusha City"),
                                                "as_of_start": "1992-05-08"}),
    ("virtualkarabakh-2016-05-18", "707 km2", {"kind": "area_seized", "as_of_start": "1993-10-29"}),
    # A named part of a territory as a fraction of it
    ("jellypages-2022-11-17", "south-eastern quarter", {"kind": "region_share", "share": 0.25}),
    # The earlier end of a change, dated to its own time
    ("urdupoint-2024-12-31", "59 percent", {"kind": "region_share", "as_of_end": "2023-12-31"}),
    # A peak dated to the peak
    ("urdupoint-2024-12-31", "1,320 square kilometres", {"actor": "UA", "as_of_start": "2024-08-20"}),
    # Two depths of 2 km on different fronts (the Kharkiv region, the Kramatorsk direction): two claims
    ("uawire-2022-09-08", "2 km", {"kind": "depth", "place": "Kramatorsk", "restated": 0}),
    # "liberated more than 2,000 hectares ..., the ministry said in a message May 18": the liberation the next
    # paragraph tells, from "On the night of April 2, 2016", not the day of the statement
    ("virtualkarabakh-2016-05-18", "2,000 hectares", {"kind": "area_retaken", "actor": "AZ",
                                                     "as_of_start": "2016-04-02"}),
    # "This means the group have now lost 62% ..., and 30% in Syria": what the January losses before brought about
    ("4threvolutionarywar-2017-02-18", "30%", {"kind": "share_retaken", "as_of_start": "2017-01-01",
                                              "as_of_end": "2017-01-31"}),
    # "after occupying some 51,000 square miles ..., Russia has lost a fifth": the participle's subject is the
    # main clause's (Russia held it), the fifth was retaken from that undated earlier holding, what is left derived
    ("breakinglatest-2023-02-21", "51,000 square miles", {"kind": "area_held", "actor": "RU"}),
    ("breakinglatest-2023-02-21", "a fifth", {"kind": "share_retaken", "actor": "UA",
                                              "held_km2": 105671.515}),
    # A total of a whole war is anchored to the country, not to the region the article names most (Donetsk
    # Oblast, 26,500 km²) or a town of the sentences before (Albu Kamal): it could not fit in either
    ("breakinglatest-2023-02-21", "40,000 square miles", {"kind": "area_held", "place_id": "UA"}),
    ("theallineed-2017-10-23", "97,540 square kilometers", {"kind": "area_held", "place_id": "SY"}),
    # ... while a month's gain stays on the front the article names (below twice its region's area)
    ("urdupoint-2024-12-31", "725 square kilometres", {"place": "Pokrovsk"}),
]


@pytest.fixture(scope="module")
def devset_claims(geoparser) -> tuple[dict[str, str], list[Claim]]:
    sources = read_sources([DATA / "real" / "corpus.jsonl"]).sources
    return {s.id: s.text for s in sources}, claims_of(geoparser, sources)


@pytest.mark.parametrize(("source", "value_text", "expected"), DEVSET, ids=[f"{s}:{v}" for s, v, _ in DEVSET])
def test_devset_reading(devset_claims, source: str, value_text: str, expected: dict[str, Any]) -> None:
    texts, claims = devset_claims
    check(find([c for c in claims if c.source == source], texts[source], value_text), expected)


def test_devset_plans_and_proposals_are_no_claims(devset_claims) -> None:
    texts, claims = devset_claims
    for source, words in (("ifpnews-2025-05-25", "70-75%"), ("famagustagazette-2022-05-24", "30-km"),
                          ("thelamonitor-2024-02-02", "60 square kilometers")):
        assert not [c for c in claims if c.source == source and texts[source][c.start : c.end] == words], words


@pytest.mark.parametrize(
    ("text", "value_text", "share"),
    [
        # a share of the rest of a place, beside a share of one part of it
        ("The RSF dominates 80% of Darfur and 4% of the rest of Sudan.", "4%", 0.04),
        # regions pointed back at by a plural: still land, not a count of regions
        ("Donetsk and Luhansk were contested. Separatists controlled nearly a third of those regions.", "a third", 1 / 3),
    ],
)
def test_shares_of_parts_of_places(geoparser, text: str, value_text: str, share: float) -> None:
    source = Source(id="part", text=text, published=date(2025, 3, 14), url=None)
    claim = find(claims_of(geoparser, [source]), text, value_text)
    assert claim.kind == "region_share"
    assert claim.share == pytest.approx(share)


def test_districts_of_a_country_stay_no_share_of_land(geoparser) -> None:
    text = "The government controls 32.4% of Afghanistan's districts."
    source = Source(id="districts", text=text, published=date(2025, 3, 14), url=None)
    assert not [c for c in claims_of(geoparser, [source]) if c.kind != "count" and c.share is not None]


@pytest.mark.parametrize(
    "text",
    ['A source said Russia had advanced into Ukraine by "one kilometre", trying to create a buffer zone.',
     "Russian troops advanced into the Kharkiv region by 2 kilometres on Friday."],
)
def test_depth_measured_after_the_place_advanced_into(geoparser, text: str) -> None:
    source = Source(id="depth", text=text, published=date(2024, 5, 10), url=None)
    depths = [c for c in claims_of(geoparser, [source]) if c.kind == "depth"]
    assert len(depths) == 1 and depths[0].km in (1.0, 2.0)


def test_the_opening_days_date_from_the_operation_named_before(geoparser) -> None:
    text = ("On 10 May, 2024, Russian forces initiated an assault on Kharkiv, the first breach since the invasion in "
            "2022. Russian troops advanced approximately six kilometres within the first five days.")
    source = Source(id="opening", text=text, published=date(2024, 5, 28), url=None)
    depth = find(claims_of(geoparser, [source]), text, "six kilometres")
    assert (depth.kind, depth.as_of_start, depth.as_of_end) == ("depth", date(2024, 5, 10), date(2024, 5, 14))


@pytest.mark.parametrize(
    ("text", "value_text", "kind", "km"),
    [
        # a zone's width given with "measures", the zone named just before
        ("Israel has extended the buffer zone around the strip. Previously 300 meters wide, it now measures between "
         "800 and 1,500 meters.", "800 and 1,500 meters", "front_width", 1.15),
        # an appositive distance after a place, the compass point last
        ("The army retook Wad Madani. It is the nearest town to the capital Khartoum, 200 kilometres north.",
         "200 kilometres", "distance", 200.0),
    ],
)
def test_widths_and_distances_written_loosely(geoparser, text: str, value_text: str, kind: str, km: float) -> None:
    source = Source(id="loose", text=text, published=date(2025, 4, 12), url=None)
    claim = find(claims_of(geoparser, [source]), text, value_text)
    assert claim.kind == kind and claim.km == pytest.approx(km)


@pytest.mark.parametrize(
    ("text", "value_text", "kind", "km"),
    [
        # a length "outside" a town: how far from it, the town named or just mentioned
        ("Army officers in Kassala say the rebels are 12-kilometers outside town.", "12-kilometers", "distance", 12.0),
        ("A patrol was stopped at a roadblock some eight kilometers (five miles) outside the northern city of Kunduz.",
         "eight kilometers", "distance", 8.0),
        ("Shelling hit positions about 10 km on the outskirts of Donetsk.", "10 km", "distance", 10.0),
        # a move to a named place with its length
        ("Other units have withdrawn 30-kilometers to the town of Tessenei.", "30-kilometers", "distance", 30.0),
        # a length across ground one side holds: how deep into it
        ("Convoys bring supplies some 80 kilometres across rebel-held Darfur.", "80 kilometres", "depth", 80.0),
    ],
)
def test_distances_from_outside_and_moves_to_a_place(geoparser, text: str, value_text: str, kind: str,
                                                      km: float) -> None:
    source = Source(id="moves", text=text, published=date(2001, 3, 2), url=None)
    claim = find(claims_of(geoparser, [source]), text, value_text)
    assert claim.kind == kind and claim.km == pytest.approx(km)


@pytest.mark.parametrize(
    "text",
    [
        # a distance demanded, not reached
        "Mediators called for the rebels to pull back to 15 kilometers outside of Bukavu.",
        # a zone's width, whatever it lies outside of
        "The army set up a 10-kilometre buffer zone outside the city.",
    ],
)
def test_outside_a_place_in_demands_and_zones_is_no_distance(geoparser, text: str) -> None:
    source = Source(id="lookalike", text=text, published=date(2012, 11, 28), url=None)
    assert [c.kind for c in claims_of(geoparser, [source]) if c.kind == "distance"] == []


def test_a_plan_for_a_place_leaves_its_size_by_comparison(geoparser) -> None:
    text = ("The militants say they want to seize all of Adamawa, a state of some 4 million people roughly the size of "
            "Belgium or Haiti.")
    source = Source(id="plan", text=text, published=date(2014, 11, 11), url=None)
    sizes = [c for c in claims_of(geoparser, [source]) if c.kind == "relative_area"]
    assert [(c.place, c.region_id) for c in sizes] == [("Adamawa", "BE")]


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        # the taker named in the relative clause
        ("The army pushed into the 20 percent of Azerbaijan that Armenian forces seized in 1993.", "AM"),
        # "they": no side the text names, and not the country the sentence is about
        ("Azerbaijan began the assault on the 20 percent of Azerbaijan they seized in a 1993 war.", None),
    ],
)
def test_a_share_of_a_country_taken_in_a_year_the_relative_clause_names(geoparser, text: str,
                                                                        actor: str | None) -> None:
    source = Source(id="taken", text=text, published=date(2020, 10, 5), url=None)
    share = find(claims_of(geoparser, [source]), text, "20 percent")
    assert (share.kind, share.region_id, share.share, share.actor) == ("region_share", "AZ", 0.2, actor)
    assert (share.as_of_start, share.as_of_end) == (date(1993, 1, 1), date(1993, 12, 31))


def test_the_old_value_of_a_change_takes_the_time_written_after_it(geoparser) -> None:
    text = ("Serb rebels once held most of Bosnia. The share of territory held by the Serbs has fallen from about 70 "
            "per cent two weeks ago to 50 per cent, a UN officer said.")
    source = Source(id="change", text=text, published=date(1995, 9, 19), url=None)
    claims = claims_of(geoparser, [source])
    old, new = find(claims, text, "70 per cent"), find(claims, text, "50 per cent")
    assert (old.share, old.as_of_end < date(1995, 9, 19)) == (pytest.approx(0.7), True)
    assert (new.share, new.as_of_start, new.as_of_end) == (pytest.approx(0.5), date(1995, 9, 19), date(1995, 9, 19))


def test_a_region_size_in_a_bracketed_relative_clause(geoparser) -> None:
    text = "The regime held about 22% of the total area of Syria (which is 185180 square kilometers) in late 2015."
    source = Source(id="size", text=text, published=date(2017, 7, 25), url=None)
    size = find(claims_of(geoparser, [source]), text, "185180 square kilometers")
    assert (size.kind, size.region_id, size.as_of_start) == ("region_area", "SY", None)


def test_a_time_clause_after_a_share_is_no_owner_of_its_land(geoparser) -> None:
    text = ("Daesh now controls 5 percent of Syria. Shoigu said terrorists controlled more than 70 percent of Syria "
            "before Russia launched its air operation at the end of 2015.")
    source = Source(id="time", text=text, published=date(2017, 10, 24), url=None)
    share = find(claims_of(geoparser, [source]), text, "70 percent")
    assert (share.kind, share.region_id, share.as_of_end) == ("region_share", "SY", date(2015, 12, 31))


def test_devset_past_figures_the_text_does_not_date_are_flagged(devset_claims) -> None:
    """A peak or an earlier state with no date in the text falls back to publication, and says so."""
    texts, claims = devset_claims
    for source, words in (("breakinglatest-2023-02-21", "51,000 square miles"),
                          ("newsforall-2025-03-16", "500 square miles")):
        claim = find([c for c in claims if c.source == source], texts[source], words)
        assert [f["code"] for f in claim.flags if f["code"] == "past_undated"] == ["past_undated"], claim.flags
    dated = find([c for c in claims if c.source == "urdupoint-2024-12-31"], texts["urdupoint-2024-12-31"],
                 "1,320 square kilometres")  # a peak the article dates is not flagged
    assert "past_undated" not in [f["code"] for f in dated.flags]


def figures_of(geoparser, text: str, published: date, *value_texts: str) -> list[Claim]:
    """The claims of one passage named by the words of their quantities, in the order asked."""
    claims = claims_of(geoparser, [Source(id="passage", text=text, published=published, url=None)])
    return [find(claims, text, words) for words in value_texts]


def test_a_figure_before_an_undated_event_is_not_dated_by_the_report_or_the_later_clause(geoparser) -> None:
    """https://en.althawranews.net/?p=439599 (Quds Press): the report's day ("explained on Friday evening that")
    and the "now" of the change's other end (", but it has now risen to") do not date the earlier figure."""
    text = ("According to Quds Press, al-Shawa explained on Friday evening that the enemy’s control before the "
            "ceasefire was estimated at approximately 53% of the Strip’s area, but it has now risen to more than 60%, "
            "amidst ongoing territorial expansion.")
    before, now = figures_of(geoparser, text, date(2026, 1, 17), "53%", "60%")
    assert [f["code"] for f in before.flags if f["code"] == "past_undated"] == ["past_undated"], before.flags
    assert before.as_of_text is None
    assert now.as_of_start == date(2026, 1, 17) and not now.flags


def test_the_figure_a_change_started_from_is_flagged_as_undated(geoparser) -> None:
    """https://northboundasia.com/maute-now-confined-much-smaller-area-afp/ (Philippine News Agency, October 2017):
    the figure the next sentences compare the claim with is the same ground at an earlier, undated time."""
    text = ("MANILA — Areas controlled by the Maute Group terrorists in Marawi City has now shrunk to around 5 to 7 "
            "hectares.\n\nThis was disclosed by AFP public affairs Col. Edgard Arevalo in press briefing late "
            "Wednesday.\n\nThis is smaller compared to the 8 to 9 hectares previously reported and is indicative that "
            "the military is steadily pushing and constricting the enemy into a much smaller and tigher space.")
    now, before = figures_of(geoparser, text, date(2017, 10, 5), "5 to 7 hectares", "8 to 9 hectares")
    assert (now.kind, before.kind, before.place_id) == ("area_held", "area_held", now.place_id)
    assert "past_undated" in [f["code"] for f in before.flags] and "past_undated" not in [f["code"] for f in now.flags]


def test_a_figure_said_to_come_before_takes_no_date_from_the_sentence_before(geoparser) -> None:
    """https://www.tv7israelnews.com/iraq-islamic-state-lost-most-of-the-territory-it-held-in-since-2014/ (April
    2017): "Previously" puts the 40 percent before the day the sentence before gives for the 6.8 percent; it is
    a past figure the text does not date, not a figure of 31 March."""
    text = ("”The area which Daesh (Islamic state) has still been controlling on March 31, 2017 is 29,903 kilometers, "
            "so it is 6.8 percent of Iraq’s total area. Previously Islamic State controlled about 40 percent of Iraq’s "
            "area.")
    now, before = figures_of(geoparser, text, date(2017, 4, 11), "6.8 percent", "40 percent")
    assert now.as_of_start == date(2017, 3, 31)
    assert before.as_of_start != date(2017, 3, 31) and before.as_of_text is None
