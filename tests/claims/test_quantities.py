"""Tests for geomap.claims.quantities: what a reader of the article would check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.claims.quantities import (
    KM2_PER_SQUARE_MILE,
    KM_PER_MILE,
    QUALIFIERS,
    Quantity,
    find_quantities,
    parse_number,
)

from ..work import growth

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def only(text: str) -> Quantity:
    """The single quantity in ``text`` (fails when there are none or several)."""
    found = find_quantities(text)
    assert len(found) == 1, [q.surface for q in found]
    return found[0]


def find_surface(quantities: list[Quantity], surface: str) -> Quantity:
    matches = [q for q in quantities if q.surface == surface]
    assert len(matches) == 1, (surface, [q.surface for q in quantities])
    return matches[0]


def seed_text(prefix: str) -> str:
    [path] = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------
# Number formats
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,300 km", 1300),
        ("1,368 km", 1368),
        ("1 300 km", 1300),
        ("1\u2009300 km", 1300),  # thin space
        ("1\u202f300 km", 1300),  # narrow no-break space
        ("1\u00a0300 km", 1300),  # no-break space
        ("1.300 km", 1300),  # German thousands dot
        ("1.300.000 km", 1_300_000),
        ("0.300 km", 0.3),  # a leading zero is never a thousands group
        ("1,300.5 km", 1300.5),
        ("98.5 km", 98.5),
        ("1.5 km", 1.5),
        ("12 km", 12),
    ],
)
def test_digit_formats(text: str, value: float) -> None:
    q = only(text)
    assert q.value == pytest.approx(value)
    assert q.dimension == "length"
    assert q.surface == text


def test_scale_word_after_a_german_dot_makes_it_a_decimal() -> None:
    q = only("1.300 million people")
    assert q.value == pytest.approx(1_300_000)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("twelve soldiers", 12),
        ("twenty-five soldiers", 25),
        ("one hundred and twenty soldiers", 120),
        ("two thousand five hundred soldiers", 2500),
        ("a hundred soldiers", 100),
        ("a dozen soldiers", 12),
        ("five hundred thousand people", 500_000),
        ("three million people", 3_000_000),
    ],
)
def test_number_words(text: str, value: float) -> None:
    q = only(text)
    assert q.value == value
    assert q.dimension == "count"
    assert q.counted in ("soldiers", "people")


def test_number_words_with_units() -> None:
    assert only("twelve miles").km == pytest.approx(12 * KM_PER_MILE)
    assert only("one hundred and twenty square kilometres").km2 == pytest.approx(120)
    assert only("one mile").km == pytest.approx(KM_PER_MILE)


@pytest.mark.parametrize(
    ("text", "surface", "km2"),
    [
        ("surrounding them in a triangle-shaped single square kilometre", "single square kilometre", 1.0),
        ("hold only about a square mile of territory", "a square mile", KM2_PER_SQUARE_MILE),
        ("controls less than a quarter of a square mile", "a quarter of a square mile", KM2_PER_SQUARE_MILE / 4),
    ],
)
def test_one_of_a_unit_written_with_an_article(text: str, surface: str, km2: float) -> None:
    quantity = only(text)
    assert quantity.surface == surface
    assert quantity.km2 == pytest.approx(km2)


@pytest.mark.parametrize("text", ["300 people per square mile", "not a single village", "of a square kilometre"])
def test_an_article_before_a_unit_is_no_quantity_after_of_or_per_or_without_a_unit(text: str) -> None:
    assert [q for q in find_quantities(text) if q.km2 is not None] == []


@pytest.mark.parametrize(
    "text",
    ["One video showed", "one by one", "One of Ukraine's goals", "the blog Two Majors said", "two, three"],
)
def test_bare_number_words_are_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    ("text", "value", "counted"),
    [
        ("dozens of videos", 24, "videos"),
        ("hundreds of soldiers", 200, "soldiers"),
        ("tens of thousands of troops", 20_000, "troops"),
        ("hundreds of thousands of people", 200_000, "people"),
    ],
)
def test_vague_counts_are_lower_bounds(text: str, value: float, counted: str) -> None:
    q = only(text)
    assert q.dimension == "count"
    assert q.vague
    assert q.value == value
    assert q.counted == counted


def test_vague_lengths() -> None:
    q = only("forced to march dozens of miles on foot")
    assert q.dimension == "length"
    assert q.vague
    assert q.km == pytest.approx(24 * KM_PER_MILE)
    assert only("traveling dozens of kilometers").km == pytest.approx(24)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1.2 million people", 1_200_000), ("260 billion people", 260e9), ("5 thousand people", 5000), ("3bn people", 3e9)],
)
def test_scale_words_after_digits(text: str, value: float) -> None:
    q = only(text)
    assert q.value == pytest.approx(value)
    assert q.dimension == "count"


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,368", 1368), ("1 300", 1300), ("two thousand five hundred", 2500), ("one third", 1 / 3), ("dozens", 24)],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "Sudzha", "1,368 km", "2025-03-13", "one of"])
def test_parse_number_rejects_non_numbers(text: str) -> None:
    assert parse_number(text) is None


# --------------------------------------------------------------------------
# Ranges
# --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["28 to 35 km", "28-35 km", "28–35 km", "28 km to 35 km", "28 - 35 km"])
def test_ranges(text: str) -> None:
    q = only(text)
    assert (q.low, q.high) == (28, 35)
    assert q.value == pytest.approx(31.5)
    assert q.is_range
    assert q.dimension == "length"
    assert (q.normalised_low, q.normalised_high) == (28, 35)
    assert q.surface == text


def test_between_range_includes_between_in_the_span() -> None:
    q = only("between 10 and 12 miles")
    assert q.surface == "between 10 and 12 miles"
    assert (q.low, q.high) == (10, 12)
    assert q.normalised_low == pytest.approx(10 * KM_PER_MILE)
    assert q.normalised_high == pytest.approx(12 * KM_PER_MILE)


def test_word_and_count_ranges() -> None:
    q = only("two or three kilometres")
    assert (q.low, q.high) == (2, 3)
    q = only("between 10,000 and 12,000 troops")
    assert q.dimension == "count"
    assert (q.low, q.high) == (10_000, 12_000)
    assert q.counted == "troops"


def test_scale_of_a_range_applies_to_both_ends() -> None:
    q = only("10-12 billion dollars")
    assert q.dimension == "money"
    assert (q.low, q.high) == (10e9, 12e9)
    assert q.currency == "USD"


def test_and_without_between_is_not_a_range() -> None:
    found = find_quantities("10 soldiers and 12 miles")
    assert [q.dimension for q in found] == ["count", "length"]


def test_from_to_is_a_change_with_a_shared_unit() -> None:
    first, second = find_quantities("from 1,368 to 110 square kilometers")
    assert (first.value, second.value) == (1368, 110)
    assert first.unit == second.unit == "square kilometers"
    assert first.km2 == 1368 and second.km2 == 110
    assert first.unit_shared and not second.unit_shared
    assert first.surface == "1,368"


def test_descending_to_is_a_change_too() -> None:
    first, second = find_quantities("shrank 500 to 50 square miles")
    assert first.km2 == pytest.approx(500 * KM2_PER_SQUARE_MILE)
    assert second.km2 == pytest.approx(50 * KM2_PER_SQUARE_MILE)
    assert not first.is_range


def test_changed_by_an_amount_to_a_total_is_a_change() -> None:
    # "had shrunk by 12,800 sq km to 78,000 sq km": the amount lost, then what was left, each with its own unit
    amount, total = find_quantities("By December, that had shrunk by 12,800 sq km to 78,000 sq km")
    assert (amount.km2, total.km2) == (12800, 78000)
    assert not amount.is_range and not amount.unit_shared and amount.surface == "12,800 sq km"
    first, second = find_quantities("from 55% to 60%")
    assert first.surface == "55%" and not first.unit_shared  # its own unit, not shared


def test_advanced_from_to_is_a_range_of_how_far() -> None:
    # heldout5: "Our assault units advanced from 100 meters to 1,400 meters in certain directions"
    [found] = find_quantities("Our assault units advanced from 100 meters to 1,400 meters in certain directions")
    assert found.is_range and (found.low, found.high) == (100, 1400)
    first, second = find_quantities("the area shrank from 1,368 to 110 square kilometers")  # still a change
    assert (first.km2, second.km2) == (1368, 110)


@pytest.mark.parametrize("text", ["advanced by 3 to 15 km", "expanded the zone by 10 to 15 km", "by 12 km to 20 km"])
def test_a_range_after_by_stays_a_range(text: str) -> None:
    [found] = find_quantities(text)
    assert found.is_range


def test_two_quantities_up_to_along_a_front() -> None:
    depth, front = find_quantities("advanced up to 12 km along a 40-km front")
    assert (depth.value, depth.km, depth.qualifier) == (12, 12, "up to")
    assert (front.value, front.km, front.hyphenated) == (40, 40, True)
    assert front.qualifier is None


# --------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("110 square kilometers", "square kilometers"),
        ("110 square kilometres", "square kilometres"),
        ("110 square km", "square km"),
        ("110 km²", "km²"),
        ("110 km2", "km2"),
        ("110 sq km", "sq km"),
        ("110 sq. km", "sq. km"),
        ("11,000 hectares", "hectares"),
        ("11000 ha", "ha"),
    ],
)
def test_square_kilometre_spellings(text: str, unit: str) -> None:
    q = only(text)
    assert q.dimension == "area"
    assert q.unit == unit
    assert q.km2 == pytest.approx(110)
    assert q.normalised_unit == "km2"


@pytest.mark.parametrize("unit", ["square miles", "sq mi", "sq. mi", "sq miles", "square mile", "mi²"])
def test_square_mile_spellings(unit: str) -> None:
    q = only(f"50 {unit}")
    assert q.unit == unit
    assert q.km2 == pytest.approx(50 * 2.589988110336)


def test_conversions_are_exact() -> None:
    assert KM_PER_MILE == 1.609344
    assert KM2_PER_SQUARE_MILE == 2.589988110336
    assert only("1 hectare").km2 == 0.01
    assert only("100 miles").km == pytest.approx(160.9344, abs=1e-12)


@pytest.mark.parametrize(
    ("text", "km"),
    [
        ("5 km", 5),
        ("5 kilometers", 5),
        ("5 kilometres", 5),
        ("5km", 5),
        ("nearly 9 miles", 9 * 1.609344),
        ("9 mi", 9 * 1.609344),
        ("500 meters", 0.5),
        ("500 metres", 0.5),
        ("500 m", 0.5),
        ("500m", 0.5),
        ("20 nautical miles", 37.04),
        ("1,000 feet", 0.3048),
        ("12 inches", 12 * 2.54e-5),
    ],
)
def test_lengths(text: str, km: float) -> None:
    q = only(text)
    assert q.dimension == "length"
    assert q.km == pytest.approx(km)


@pytest.mark.parametrize("text", ["a 40-kilometer front", "a 40-km front", "a 40-kilometre front"])
def test_hyphenated_length_adjectives(text: str) -> None:
    q = only(text)
    assert q.hyphenated
    assert q.km == 40
    assert q.surface == text[2:-6]


def test_pipe_diameter_in_inches_is_a_length_not_an_area() -> None:
    q = only("crawled through a 56-inch diameter gas pipeline")
    assert q.dimension == "length"
    assert q.unit == "inch"
    assert q.km == pytest.approx(56 * 0.0254 / 1000)
    assert q.km2 is None


def test_m_is_metres_only_after_a_number() -> None:
    assert find_quantities("m and mm are units") == []
    assert only("a 5 m wall").km == pytest.approx(0.005)


# --------------------------------------------------------------------------
# Shares
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "share", "unit"),
    [
        ("30%", 0.30, "%"),
        ("30 %", 0.30, "%"),
        ("86 percent", 0.86, "percent"),
        ("86 per cent", 0.86, "per cent"),
        ("98.5%", 0.985, "%"),
        ("one third of the land", 1 / 3, "one third"),
        ("a third of the land", 1 / 3, "a third"),
        ("two-thirds of the land", 2 / 3, "two-thirds"),
        ("two thirds of the land", 2 / 3, "two thirds"),
        ("a fifth of the land", 0.2, "a fifth"),
        ("a quarter of the land", 0.25, "a quarter"),
        ("three quarters of the land", 0.75, "three quarters"),
        ("three-quarters of the land", 0.75, "three-quarters"),
        ("half of the land", 0.5, "half"),
        ("half the land", 0.5, "half"),
        ("it controls the south-eastern quarter, bordering Uganda", 0.25, "south-eastern quarter"),
        ("the army holds the northern third of the country", 1 / 3, "northern third"),
    ],
)
def test_shares(text: str, share: float, unit: str) -> None:
    q = only(text)
    assert q.dimension == "share"
    assert q.share == pytest.approx(share)
    assert q.unit == unit
    assert q.normalised_unit == "share"


def test_more_than_half() -> None:
    q = only("Russia retook more than half.")
    assert (q.share, q.qualifier, q.unit) == (0.5, "more than", "half")


@pytest.mark.parametrize(
    "text",
    [
        "a year and a half.",
        "for a third time",
        "the second half of 2024",
        "half an hour",
        "a 30-day ceasefire",
        "a quarter century",
        "on behalf of Kyiv",
        "south of the third bridge",
    ],
)
def test_not_shares(text: str) -> None:
    assert all(q.dimension != "share" for q in find_quantities(text))


def test_percentage_points_are_a_share_difference() -> None:
    q = only("up 5 percentage points")
    assert (q.dimension, q.unit_key, q.share) == ("share", "percentage_point", 0.05)


# --------------------------------------------------------------------------
# Qualifiers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("about", "about"),
        ("roughly", "about"),
        ("around", "about"),
        ("approximately", "about"),
        ("some", "about"),
        ("an estimated", "about"),
        ("nearly", "nearly"),
        ("almost", "nearly"),
        ("just under", "nearly"),
        ("more than", "more than"),
        ("over", "more than"),
        ("just over", "more than"),
        ("less than", "less than"),
        ("under", "less than"),
        ("up to", "up to"),
        ("as many as", "up to"),
        ("at most", "at most"),
        ("no more than", "at most"),
        ("at least", "at least"),
        ("just", "only"),
        ("only", "only"),
        ("exactly", "exactly"),
    ],
)
def test_qualifiers(written: str, normalised: str) -> None:
    text = f"Ukraine held {written} 500 square miles."
    q = only(text)
    assert q.qualifier == normalised
    assert q.qualifier in QUALIFIERS
    assert q.qualifier_text == written
    assert text[q.qualifier_start : q.qualifier_end] == written
    assert q.surface == "500 square miles"  # the qualifier is not part of the span


def test_qualifier_must_touch_the_number() -> None:
    assert only("about the 500 square miles").qualifier is None
    assert only("at least part of the 20% of the territory").qualifier is None


def test_qualifier_before_a_currency_sign_and_a_number_word() -> None:
    assert only("more than $260 billion in aid").qualifier == "more than"
    assert only("about a hundred soldiers").qualifier == "about"
    assert only("nearly a fifth of its territory").qualifier == "nearly"


# --------------------------------------------------------------------------
# Second unit in parentheses
# --------------------------------------------------------------------------


def test_parenthesised_second_unit_is_one_quantity() -> None:
    text = "to just 110 square kilometers (42 square miles), down from"
    q = only(text)
    assert q.surface == "110 square kilometers (42 square miles)"
    assert (q.value, q.unit, q.km2) == (110, "square kilometers", 110)
    assert (q.alt_value, q.alt_unit, q.alt_unit_key) == (42, "square miles", "mi2")
    assert q.alt_normalised == pytest.approx(42 * KM2_PER_SQUARE_MILE)
    assert text[q.alt_start : q.alt_end] == "42 square miles"
    assert q.units_disagree_pct == pytest.approx(abs(42 * KM2_PER_SQUARE_MILE - 110) / 110 * 100)
    assert q.units_disagree_pct < 3
    assert q.qualifier == "only"


def test_second_unit_disagreement_is_reported() -> None:
    q = only("1,300 square kilometers (600 square miles)")
    assert q.units_disagree_pct == pytest.approx((600 * KM2_PER_SQUARE_MILE - 1300) / 1300 * 100)
    assert q.units_disagree_pct > 3


def test_second_unit_of_another_dimension_stays_separate() -> None:
    area, share = find_quantities("110 km² (30%)")
    assert area.alt_value is None and area.surface == "110 km²"
    assert share.share == pytest.approx(0.3)


def test_second_unit_forms() -> None:
    q = only("110 km² (about 42 sq mi)")
    assert q.alt_value == 42 and q.alt_unit == "sq mi"
    q = only("28-35 km (17-22 miles)")
    assert (q.low, q.high) == (28, 35)
    assert q.alt_value == pytest.approx(19.5)


# --------------------------------------------------------------------------
# Counts, money, durations, dates: never areas or shares
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "counted"),
    [
        ("800 Russian soldiers", 800, "Russian soldiers"),
        ("11,000 North Korean troops", 11_000, "North Korean troops"),
        ("60,000 Russian troops", 60_000, "Russian troops"),
        ("over 400 Ukrainian soldiers", 400, "Ukrainian soldiers"),
        ("100,000 Russian troops", 100_000, "Russian troops"),
        ("four regions", 4, "regions"),
        ("2000 soldiers", 2000, "soldiers"),
    ],
)
def test_counts(text: str, value: float, counted: str) -> None:
    q = only(text)
    assert q.dimension == "count"
    assert q.value == value
    assert q.counted == counted
    assert q.km2 is None and q.share is None and q.km is None


def test_bare_digit_counts() -> None:
    q = only("put the total losses at 67,000, though")
    assert (q.dimension, q.value, q.counted) == ("count", 67_000, None)
    assert only("100,000").dimension == "count"


@pytest.mark.parametrize(
    ("text", "value", "currency", "unit"),
    [
        ("$260 billion", 260e9, "USD", "$"),
        ("US$5 million", 5e6, "USD", "US$"),
        ("$1.2m", 1.2e6, "USD", "$"),
        ("€5bn", 5e9, "EUR", "€"),
        ("260 billion dollars", 260e9, "USD", "dollars"),
        ("3 million euros", 3e6, "EUR", "euros"),
    ],
)
def test_money(text: str, value: float, currency: str, unit: str) -> None:
    q = only(text)
    assert q.dimension == "money"
    assert q.value == pytest.approx(value)
    assert q.currency == currency == q.normalised_unit
    assert q.unit == unit
    assert q.km2 is None


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("a 30-day ceasefire", 30),
        ("the three-year conflict", 3 * 365.25),
        ("a seven-month-long incursion", 7 * 365.25 / 12),
        ("eight months of fighting", 8 * 365.25 / 12),
        ("about three days", 3),
        ("24-hour truce", 1),
    ],
)
def test_durations(text: str, days: float) -> None:
    q = only(text)
    assert q.dimension == "duration"
    assert q.normalised == pytest.approx(days)
    assert q.normalised_unit == "days"


@pytest.mark.parametrize(
    "text",
    [
        "since 1941",
        "in 2022",
        "since April 2022",
        "in April 2022",
        "on March 13",
        "on 13 March 2025",
        "March 13, 2025",
        "2025-03-13",
        "from 2022-2023",
        "1941-45",
        "World War II",
        "the second world war",
        "at 10:30",
        "at 3 p.m.",
        "the 21st century",
        "24/7",
        "F-16 and Su-34 jets",
        "T-72B3 tanks",
        "5G",
        "MH17",
        "Kursk-2",
    ],
)
def test_dates_times_and_names_are_not_quantities(text: str) -> None:
    assert find_quantities(text) == []


def test_ratio() -> None:
    q = only("territory three times the size of Kyiv")
    assert (q.dimension, q.value, q.unit) == ("ratio", 3, "times")
    assert only("twice the size of Kyiv").value == 2


# --------------------------------------------------------------------------
# The seed articles
# --------------------------------------------------------------------------


def test_seed_000() -> None:
    found = find_quantities(seed_text("000"))
    area = find_surface(found, "386 square miles")
    assert area.qualifier == "about"
    assert area.km2 == pytest.approx(999.7, abs=0.05)
    third = find_surface(found, "one third")
    assert (third.share, third.qualifier) == (pytest.approx(1 / 3), "about")
    retaken = find_surface(found, "86%")
    assert retaken.share == pytest.approx(0.86)
    pipe = find_surface(found, "56-inch")
    assert pipe.dimension == "length"
    distance = find_surface(found, "9 miles")
    assert (distance.qualifier, round(distance.km, 2)) == ("nearly", 14.48)
    soldiers = find_surface(found, "800")
    assert (soldiers.dimension, soldiers.qualifier, soldiers.counted) == ("count", "up to", "Russian soldiers")
    prisoners = find_surface(found, "400")
    assert (prisoners.qualifier, prisoners.counted) == ("more than", "Ukrainian soldiers")
    assert find_surface(found, "67,000").dimension == "count"
    # Exactly one area and two shares in this article; no year became a quantity.
    assert [q.surface for q in found if q.dimension == "area"] == ["386 square miles"]
    assert [q.surface for q in found if q.dimension == "share"] == ["one third", "86%"]
    assert not any("2022" in q.surface for q in found)


def test_seed_001() -> None:
    found = find_quantities(seed_text("001"))
    assert [q.surface for q in found if q.dimension == "area"] == ["50 square miles", "500 square miles"]
    assert find_surface(found, "60,000").counted == "Russian troops"
    hundred = find_surface(found, "a hundred")
    assert (hundred.value, hundred.qualifier, hundred.counted) == (100, "about", "soldiers")
    assert find_surface(found, "three times").dimension == "ratio"
    assert find_surface(found, "eight months").dimension == "duration"


def test_seed_002() -> None:
    found = find_quantities(seed_text("002"))
    area = find_surface(found, "1,300 square kilometers")
    assert (area.km2, area.qualifier) == (1300, "about")
    assert find_surface(found, "30%").qualifier == "about"
    assert find_surface(found, "70%").share == pytest.approx(0.7)
    assert find_surface(found, "20%").share == pytest.approx(0.2)
    assert find_surface(found, "30-day").dimension == "duration"
    assert [q.surface for q in found if q.dimension == "share"] == ["30%", "20%", "70%"]


def test_seed_003_has_no_quantities() -> None:
    assert find_quantities(seed_text("003")) == []


def test_seed_004() -> None:
    found = find_quantities(seed_text("004"))
    now = find_surface(found, "110 square kilometers (42 square miles)")
    assert (now.km2, now.alt_value, now.qualifier) == (110, 42, "only")
    assert now.units_disagree_pct < 3
    before = find_surface(found, "1,368 square kilometers (528 square miles)")
    assert (before.km2, before.alt_value) == (1368, 528)
    assert before.units_disagree_pct < 0.1
    assert find_surface(found, "11,000").counted == "North Korean troops"
    assert find_surface(found, "100,000").qualifier == "more than"
    fifth = find_surface(found, "a fifth")
    assert (fifth.share, fifth.qualifier) == (0.2, "nearly")
    money = find_surface(found, "$260 billion")
    assert (money.dimension, money.value) == ("money", 260e9)
    assert {q.surface for q in found if q.dimension == "duration"} == {"seven-month", "three-year", "30-day"}
    assert [q.dimension for q in found if q.dimension in ("area", "share")] == ["area", "area", "share"]


# --------------------------------------------------------------------------
# Robustness
# --------------------------------------------------------------------------


def check_offsets(text: str, found: list[Quantity]) -> None:
    previous_end = 0
    for q in found:
        assert 0 <= q.start < q.end <= len(text)
        assert text[q.start : q.end] == q.surface
        assert q.start >= previous_end  # sorted, no overlaps
        previous_end = q.end
        if q.qualifier is not None:
            assert q.qualifier in QUALIFIERS
            assert 0 <= q.qualifier_start < q.qualifier_end <= q.start
            assert text[q.qualifier_start : q.qualifier_end] == q.qualifier_text
        if q.alt_start is not None:
            assert q.start <= q.alt_start < q.alt_end <= q.end


_TOKENS = st.sampled_from(
    [" ", "1,300", "1 300", "1.300", "98.5", "-", "–", "to", "and", "between", "about", "over", "(", ")",
     "square miles", "sq km", "km²", "km", "m", "%", "percent", "one", "third", "a", "half", "hundred",
     "thousand", "million", "$", "soldiers", "March", "2022", "13", "of", "dozens", "-inch", "30-day",
     "F-16", ":", "/", "\u2009", "\u202f", "\u00a0", ",", ".", "2025-03-13"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_offsets_slice_the_text(text: str) -> None:
    check_offsets(text, find_quantities(text))


@settings(max_examples=500, deadline=None)
@given(st.lists(_TOKENS, max_size=25).map(" ".join))
def test_never_raises_on_quantity_like_text(text: str) -> None:
    check_offsets(text, find_quantities(text))


def test_seed_offsets_slice_the_text() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        check_offsets(text, find_quantities(text))


def test_long_text_is_read_in_linear_work() -> None:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))) * 5
    assert len(find_quantities(text)) > 25
    assert growth(find_quantities, text, text * 4) < 4.5


# Long runs of digits, words and separators. Those the regular expressions take whole cannot be counted in
# calls: they must simply finish (benchmarks/bench_hot_paths.py times them all).
PATHOLOGICAL = ("1 000 ", "one ", "9", "a third ", "1,000,")


@pytest.mark.parametrize("unit", PATHOLOGICAL)
def test_pathological_runs_are_read_in_linear_work(unit: str) -> None:
    text = unit * (12_000 // len(unit))
    assert growth(find_quantities, text, text * 4) < 4.5, unit
    check_offsets(text * 4, find_quantities(text * 4))


# --------------------------------------------------------------------------
# The scan's first-letter guard (a speed-up) must not lose any number
# --------------------------------------------------------------------------

_STARTING_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety twenty-one"
).split() + ["a hundred", "an eighth", "a third", "one third", "two-thirds", "half", "dozens", "hundreds",
             "thousands", "millions", "billions", "tens of thousands", "hundreds of thousands"]  # fmt: skip


@pytest.mark.parametrize("words", _STARTING_WORDS)
def test_every_word_that_starts_a_number_is_read_in_any_case(words: str) -> None:
    for written in (words, words.upper(), words.title()):
        assert parse_number(written) is not None, written
        fraction = words in ("an eighth", "a third", "one third", "two-thirds", "half")
        [q] = find_quantities(f"Officials said {written} {'of the area' if fraction else 'km of road'} was mined.")
        assert q.surface.lower().startswith(words.split()[0].lower())
    assert find_quantities("Twice the size of Kyiv.")[0].dimension == "ratio"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(_STARTING_WORDS + ["twice", "thrice", "the", "as", "1,300", "2025-03-13", "F-16", "x",
                                           "é", "ſix", "é1", "_2", "ANother", "tenant", "often", "a-", "an"]),
        max_size=12,
    ).flatmap(lambda words: st.sampled_from([" ", "", "-", ", "]).map(lambda sep: sep.join(words)))
)
def test_the_first_letter_guard_finds_what_the_full_pattern_finds(text: str) -> None:
    from geomap.claims import quantities

    unguarded = re.compile(quantities._ATOM_BODY, re.IGNORECASE)
    for position in range(len(text) + 1):
        guarded, full = quantities._ATOM_RE.search(text, position), unguarded.search(text, position)
        assert (guarded and (guarded.span(), guarded.lastgroup)) == (full and (full.span(), full.lastgroup))
