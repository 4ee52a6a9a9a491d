"""Tests for geomap.claims.temporal: dates a reader would assign to each expression."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geomap.claims.temporal import AsOf, TemporalExpression, as_of_for_sentence, find_temporal, resolve

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# Friday 14 March 2025, the day the seed articles about Sudzha's fall appeared.
FRIDAY = date(2025, 3, 14)
SATURDAY_MARCH_15 = date(2025, 3, 15)


def only(sentence: str) -> TemporalExpression:
    found = find_temporal(sentence)
    assert len(found) == 1, [e.text for e in found]
    return found[0]


def resolved(sentence: str, published: date | None, anchors: dict[str, date] | None = None):
    return resolve(only(sentence), published, anchors)


def d(text: str) -> date:
    return date.fromisoformat(text)


# --------------------------------------------------------------------------
# Finding
# --------------------------------------------------------------------------


def test_offsets_and_text() -> None:
    sentence = "By March, Russia had reduced the salient to a third of what it was in August."
    first, second = find_temporal(sentence)
    assert (first.text, first.kind, first.relation) == ("By March", "month", "by")
    assert (second.text, second.relation) == ("in August", "at")
    for expr in (first, second):
        assert sentence[expr.start : expr.end] == expr.text


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia may be seeking to expand",  # "may" the verb
        "Theresa May said nothing",  # a bare capitalised month name without a preposition
        "soldiers forced to march dozens of miles",
        "the last 50 square miles of Ukrainian holdouts",
        "the first invasion of Russia since World War II",
        "possibly taking months",
        "one of the greatest feats of arms",
        "1,368 square kilometers",
    ],
)
def test_not_temporal(sentence: str) -> None:
    assert find_temporal(sentence) == []


# --------------------------------------------------------------------------
# Months and dates
# --------------------------------------------------------------------------


def test_in_august_is_the_most_recent_past_august() -> None:
    assert resolved("In August, Ukraine launched", SATURDAY_MARCH_15) == (d("2024-08-01"), d("2024-08-31"))
    assert resolved("in August", date(2025, 9, 2)) == (d("2025-08-01"), d("2025-08-31"))


def test_the_current_month_counts_and_is_clipped() -> None:
    assert resolved("in March", SATURDAY_MARCH_15) == (d("2025-03-01"), d("2025-03-15"))


def test_month_with_year() -> None:
    assert resolved("in August 2024", SATURDAY_MARCH_15) == (d("2024-08-01"), d("2024-08-31"))
    # "since the war began in February 2022" counts from February 2022 to publication
    assert resolved("since the war began in February 2022", None) == (d("2022-02-01"), None)
    assert resolved("since the war began in February 2022", SATURDAY_MARCH_15) == (d("2022-02-01"), SATURDAY_MARCH_15)
    assert resolved("Since the beginning of the invasion on February 24, 2022", SATURDAY_MARCH_15) == (
        d("2022-02-24"), SATURDAY_MARCH_15)


def test_last_august() -> None:
    assert resolved("last August", SATURDAY_MARCH_15) == (d("2024-08-01"), d("2024-08-31"))
    assert resolved("Last August, the army stunned Russia", date(2025, 9, 10)) == (d("2025-08-01"), d("2025-08-31"))
    # In August itself, "last August" is the year before.
    assert resolved("last August", date(2025, 8, 20)) == (d("2024-08-01"), d("2024-08-31"))


def test_next_and_this_month() -> None:
    assert resolved("next August", SATURDAY_MARCH_15) == (d("2025-08-01"), d("2025-08-31"))
    assert resolved("next March", SATURDAY_MARCH_15) == (d("2026-03-01"), d("2026-03-31"))


@pytest.mark.parametrize(
    ("sentence", "start", "end"),
    [
        ("in early August", "2024-08-01", "2024-08-10"),
        ("by mid-August", "2024-08-20", "2024-08-20"),
        ("in late August", "2024-08-21", "2024-08-31"),
        ("at the end of August", "2024-08-21", "2024-08-31"),
        ("in early 2024", "2024-01-01", "2024-04-30"),
        # halves and quarters of a year: the months they cover, not the whole year
        ("in the first half of 2024", "2024-01-01", "2024-06-30"),
        ("during the second half of 2024", "2024-07-01", "2024-12-31"),
        ("in the third quarter of 2024", "2024-07-01", "2024-09-30"),
        ("in the last quarter of 2024", "2024-10-01", "2024-12-31"),
        # days and weeks of a month (issue 14's "in the first 30 days of December"): of that month, not of an event
        ("in the first 30 days of December", "2024-12-01", "2024-12-30"),
        ("during the first week of October", "2024-10-01", "2024-10-07"),
        ("in the first two weeks of January 2025", "2025-01-01", "2025-01-14"),
        ("in the last week of November", "2024-11-24", "2024-11-30"),
        # the current month's first weeks are clipped at publication
        ("in the first three weeks of March", "2025-03-01", "2025-03-15"),
    ],
)
def test_parts_of_months_and_years(sentence: str, start: str, end: str) -> None:
    assert resolved(sentence, SATURDAY_MARCH_15) == (d(start), d(end))


@pytest.mark.parametrize(
    "sentence", ["on 13 March 2025", "on March 13, 2025", "on 2025-03-13", "13th of March 2025", "March 13th, 2025"]
)
def test_absolute_days(sentence: str) -> None:
    expr = only(sentence)
    assert expr.kind == "date"
    assert not expr.is_relative
    assert resolve(expr, None) == (d("2025-03-13"), d("2025-03-13"))
    assert resolve(expr, FRIDAY) == (d("2025-03-13"), d("2025-03-13"))


def test_day_without_year_is_the_most_recent_on_or_before_publication() -> None:
    assert resolved("March 13", FRIDAY) == (d("2025-03-13"), d("2025-03-13"))
    assert resolved("on March 20", FRIDAY) == (d("2024-03-20"), d("2024-03-20"))
    assert resolved("March 13", None) == (None, None)


def test_impossible_dates_do_not_raise() -> None:
    assert resolved("on 30 February", FRIDAY) == (None, None)
    assert resolved("on 2025-02-30", FRIDAY) == (None, None)


@pytest.mark.parametrize(("sentence", "year"), [("in 2022", 2022), ("the Nazi invasion of 1941", 1941)])
def test_years(sentence: str, year: int) -> None:
    assert resolved(sentence, None) == (date(year, 1, 1), date(year, 12, 31))


# --------------------------------------------------------------------------
# Since / by
# --------------------------------------------------------------------------


def test_since_runs_to_publication() -> None:
    assert resolved("since August", FRIDAY) == (d("2024-08-01"), FRIDAY)
    assert resolved("since 2022", FRIDAY) == (d("2022-01-01"), FRIDAY)
    assert resolved("not trod upon since April 2022", FRIDAY) == (d("2022-04-01"), FRIDAY)


def test_since_without_publication_date() -> None:
    assert resolved("since 2022", None) == (d("2022-01-01"), None)
    assert resolved("since August", None) == (None, None)


def test_by_march_is_the_publication_date_in_march() -> None:
    assert resolved("By March, Russian forces had", FRIDAY) == (FRIDAY, FRIDAY)


def test_by_march_is_the_end_of_march_later() -> None:
    assert resolved("By March, Russian forces had", date(2025, 4, 10)) == (d("2025-03-31"), d("2025-03-31"))
    assert resolved("until August 2024", None) == (d("2024-08-31"), d("2024-08-31"))


@pytest.mark.parametrize(
    ("sentence", "published", "start", "end"),
    [
        # seasons (meteorological): the most recent one begun by publication, "last" the most recent one over
        ("since the spring", "2024-10-15", "2024-03-01", "2024-10-15"),
        ("last summer", "2024-10-15", "2024-06-01", "2024-08-31"),
        ("last summer", "2024-07-10", "2023-06-01", "2023-08-31"),
        ("since the end of the spring", "2024-12-02", "2024-05-01", "2024-12-02"),
        ("in the summer of 2023", "2024-08-13", "2023-06-01", "2023-08-31"),
        ("over the winter", "2025-03-02", "2024-12-01", "2025-02-28"),
        ("in late summer", "2024-10-15", "2024-08-01", "2024-08-31"),
        ("last fall", "2024-10-15", "2023-09-01", "2023-11-30"),
    ],
)
def test_seasons(sentence: str, published: str, start: str, end: str) -> None:
    assert resolved(sentence, d(published)) == (d(start), d(end))


@pytest.mark.parametrize("sentence", ["the fall of Aleppo", "a fall in prices", "the Arab Spring", "summer clothes"])
def test_words_that_are_no_season(sentence: str) -> None:
    assert find_temporal(sentence) == []


def test_a_date_of_an_earlier_clause_does_not_date_a_present_perfect() -> None:
    # issue 14's Kursk example: the launch was last summer, the share retaken is of publication
    sentence = ("Ukraine launched its incursion into Kursk last summer, but Russia has wrested back control of "
                "more than two-thirds of it.")
    focus = (sentence.index("two-thirds"), sentence.index("two-thirds") + len("two-thirds"))
    assert as_of_for_sentence(sentence, d("2025-03-08"), focus=focus) == AsOf(d("2025-03-08"), d("2025-03-08"), None)


# --------------------------------------------------------------------------
# Days and weeks
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("on Thursday", "2025-03-13"),
        ("Putin responded on Thursday", "2025-03-13"),
        ("Thursday", "2025-03-13"),
        ("on Wednesday", "2025-03-12"),
        ("on Sunday", "2025-03-09"),
        ("on Friday", "2025-03-14"),  # the publication day itself
        ("last Friday", "2025-03-07"),
        ("last Thursday", "2025-03-13"),
        ("next Monday", "2025-03-17"),
        ("this morning", "2025-03-14"),
        ("This morning, Russian forces raised their flag", "2025-03-14"),
        ("today", "2025-03-14"),
        ("tonight", "2025-03-14"),
        ("yesterday", "2025-03-13"),
        ("yesterday evening", "2025-03-13"),
        ("the day before yesterday", "2025-03-12"),
        ("two weeks ago", "2025-02-28"),
        ("just over a week ago", "2025-03-07"),
        ("three days ago", "2025-03-11"),
        # the early hours of a day, not the opening hours of an event with no date
        ("in the early hours of the morning", "2025-03-14"),
        ("in the early hours of Sunday", "2025-03-09"),
    ],
)
def test_days(sentence: str, day: str) -> None:
    assert resolved(sentence, FRIDAY) == (d(day), d(day))


@pytest.mark.parametrize(
    ("sentence", "start", "end"),
    [
        ("earlier this week", "2025-03-10", "2025-03-13"),
        ("this week", "2025-03-10", "2025-03-14"),
        ("last week", "2025-03-03", "2025-03-09"),
        ("last weekend", "2025-03-08", "2025-03-09"),
        ("next week", "2025-03-17", "2025-03-23"),
        ("last month", "2025-02-01", "2025-02-28"),
        ("this month", "2025-03-01", "2025-03-14"),
        ("earlier this month", "2025-03-01", "2025-03-13"),
        ("last year", "2024-01-01", "2024-12-31"),
        ("this year", "2025-01-01", "2025-03-14"),
        ("in the past two weeks", "2025-02-28", "2025-03-14"),
        ("for the past few weeks", "2025-02-21", "2025-03-14"),
        ("in recent weeks", "2025-02-21", "2025-03-14"),
        ("the last three days", "2025-03-11", "2025-03-14"),
        ("the past week", "2025-03-07", "2025-03-14"),
        ("the past 24 hours", "2025-03-13", "2025-03-14"),
        ("over the past two months", "2025-01-14", "2025-03-14"),
    ],
)
def test_weeks_months_and_spans(sentence: str, start: str, end: str) -> None:
    assert resolved(sentence, FRIDAY) == (d(start), d(end))


def test_earlier_this_week_on_a_monday() -> None:
    monday = date(2025, 3, 10)
    assert resolved("earlier this week", monday) == (monday, monday)


@pytest.mark.parametrize(
    "sentence",
    [
        "In August",
        "last August",
        "last year",
        "on Thursday",
        "this morning",
        "yesterday",
        "earlier this week",
        "last week",
        "this week",
        "the past two weeks",
        "the past few weeks",
        "two weeks ago",
        "since August",
        "By March",
        "March 13",
    ],
)
def test_relative_expressions_need_a_publication_date(sentence: str) -> None:
    expr = only(sentence)
    assert expr.is_relative
    assert resolve(expr, None) == (None, None)


# --------------------------------------------------------------------------
# Events and durations
# --------------------------------------------------------------------------


def test_event_anchor() -> None:
    sentence = "Russia recaptured about 70% of the territory occupied by Ukraine in the first weeks of the attack on Kursk."
    expr = only(sentence)
    assert (expr.kind, expr.event, expr.unit, expr.count) == ("event", "attack on kursk", "week", 3)
    assert resolve(expr, FRIDAY) == (None, None)  # no anchor given
    anchors = {"attack": date(2024, 8, 6)}
    assert resolve(expr, FRIDAY, anchors) == (d("2024-08-06"), d("2024-08-26"))
    assert resolve(expr, None, {"Attack on Kursk": date(2024, 8, 6)}) == (d("2024-08-06"), d("2024-08-26"))


def test_event_single_unit() -> None:
    anchors = {"offensive": date(2024, 8, 6)}
    assert resolved("in the first week of the offensive", None, anchors) == (d("2024-08-06"), d("2024-08-12"))
    assert resolved("in the first two months of the offensive", None, anchors) == (d("2024-08-06"), d("2024-10-05"))


@pytest.mark.parametrize(
    ("sentence", "days"),
    [
        ("After eight months of fighting on Russian soil", 8 * 365.25 / 12),
        ("after a seven-month-long Ukrainian incursion", 7 * 365.25 / 12),
        ("of the three-year conflict", 3 * 365.25),
        ("a 30-day ceasefire", 30),
        ("Three years of full-scale war", 3 * 365.25),
        ("it fell in about three days", 3),
    ],
)
def test_durations(sentence: str, days: float) -> None:
    expr = only(sentence)
    assert expr.is_duration
    assert expr.duration_days == pytest.approx(days)
    assert resolve(expr, FRIDAY) == (None, None)


def test_vague_duration_needs_for() -> None:
    expr = only("For weeks, his unit made raids")
    assert expr.is_duration and expr.duration_days is None


# --------------------------------------------------------------------------
# as_of_for_sentence
# --------------------------------------------------------------------------


def test_no_expression_is_the_publication_date() -> None:
    assert as_of_for_sentence("Ukraine holds about 30% of its occupied area.", FRIDAY) == AsOf(FRIDAY, FRIDAY, None)
    assert as_of_for_sentence("Ukraine holds 30%.", FRIDAY, tense_hint="present") == AsOf(FRIDAY, FRIDAY, None)


def test_no_expression_in_the_past_tense() -> None:
    assert as_of_for_sentence("Ukraine held 30%.", FRIDAY, tense_hint="past") == AsOf(None, FRIDAY, None)


def test_no_publication_date_never_means_today() -> None:
    assert as_of_for_sentence("Ukraine holds 30%.", None) == AsOf(None, None, None)
    as_of = as_of_for_sentence("In August, Ukraine seized 386 square miles.", None)
    assert (as_of.start, as_of.end, as_of.text) == (None, None, "In August")
    as_of = as_of_for_sentence("In August 2024, Ukraine seized 386 square miles.", None)
    assert (as_of.start, as_of.end) == (d("2024-08-01"), d("2024-08-31"))


def test_durations_are_never_as_of() -> None:
    as_of = as_of_for_sentence("After eight months of fighting, Ukraine holds 50 square miles.", FRIDAY)
    assert as_of == AsOf(FRIDAY, FRIDAY, None)


def test_first_expression_without_focus() -> None:
    as_of = as_of_for_sentence("In August, Ukraine launched the first invasion, seizing roughly 386 square miles.", FRIDAY)
    assert (as_of.start, as_of.end, as_of.text) == (d("2024-08-01"), d("2024-08-31"), "In August")
    assert as_of.expression is not None and as_of.expression.kind == "month"


def focus_of(sentence: str, quantity: str) -> tuple[int, int]:
    start = sentence.index(quantity)
    return start, start + len(quantity)


def test_baseline_after_of_what_is_skipped() -> None:
    sentence = (
        "By March, Russian forces had already reduced the Ukrainian salient in Kursk to about one third "
        "of what it was in August, allegedly with the help of a North Korean expedition force."
    )
    as_of = as_of_for_sentence(sentence, FRIDAY, focus=focus_of(sentence, "one third"))
    assert (as_of.start, as_of.end, as_of.text) == (FRIDAY, FRIDAY, "By March")


def test_participle_by_clause_is_skipped() -> None:
    sentence = "He also reported that 86% of the areas in Kursk taken by Ukraine in August had been retaken."
    as_of = as_of_for_sentence(sentence, FRIDAY, focus=focus_of(sentence, "86%"))
    assert as_of == AsOf(FRIDAY, FRIDAY, None)


def test_down_from_separates_now_and_then() -> None:
    sentence = (
        "Ukrainian forces have been forced to retreat, reducing their occupied territory to just 110 square "
        "kilometers (42 square miles), down from the 1,368 square kilometers (528 square miles) they "
        "controlled last year."
    )
    now = as_of_for_sentence(sentence, FRIDAY, focus=focus_of(sentence, "110 square"))
    assert (now.start, now.end, now.text) == (FRIDAY, FRIDAY, None)
    then = as_of_for_sentence(sentence, FRIDAY, focus=focus_of(sentence, "1,368 square"))
    assert (then.start, then.end, then.text) == (d("2024-01-01"), d("2024-12-31"), "last year")


def test_nearest_expression_wins() -> None:
    sentence = "On Tuesday Ukraine held 200 km², and on Thursday it held 110 km²."
    as_of = as_of_for_sentence(sentence, FRIDAY, focus=focus_of(sentence, "110 km²"))
    assert as_of.text == "on Thursday"
    as_of = as_of_for_sentence(sentence, FRIDAY, focus=focus_of(sentence, "200 km²"))
    assert as_of.text == "On Tuesday"


# --------------------------------------------------------------------------
# Seeds and robustness
# --------------------------------------------------------------------------


def test_seed_004_expressions() -> None:
    [path] = SEEDS.glob("004_*.txt")
    texts = [e.text for e in find_temporal(path.read_text(encoding="utf-8"))]
    for expected in ("on Sunday", "seven-month-long", "three-year", "in August 2024", "1941", "last year",
                     "on Friday", "last week", "On Tuesday", "on Thursday", "in February 2022"):  # fmt: skip
        assert expected in texts


@settings(max_examples=300, deadline=None)
@given(st.text(), st.one_of(st.none(), st.dates()))
def test_never_raises_and_offsets_slice(sentence: str, published: date | None) -> None:
    for expr in find_temporal(sentence):
        assert sentence[expr.start : expr.end] == expr.text
        start, end = resolve(expr, published)
        if start is not None and end is not None:
            assert start <= end or expr.relation == "since"
    as_of = as_of_for_sentence(sentence, published)
    if published is None:
        assert as_of.start is None or as_of.text is not None


_WORDS = st.sampled_from(
    ["in", "since", "by", "last", "next", "this", "past", "the", "first", "weeks", "of", "attack", "August",
     "March", "13", "2024", "9999", "ago", "two", "a", "few", "Thursday", "morning", "week", "year", "month",
     "earlier", "mid-", "end", "days", "999", "hours", "yesterday", ","]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_WORDS, max_size=12).map(" ".join), st.one_of(st.none(), st.dates()))
def test_never_raises_on_date_like_text(sentence: str, published: date | None) -> None:
    for expr in find_temporal(sentence):
        assert sentence[expr.start : expr.end] == expr.text
        resolve(expr, published, {"attack": date(2024, 8, 6)})
    as_of_for_sentence(sentence, published, focus=(0, min(3, len(sentence))))


# Pieces of sentences around the trigger's words: in any case, next to letters that fold to ASCII ones (the Kelvin
# sign, the long s, the dotless i, the capital I with a dot) and digits of other scripts.
_TRIGGER_PIECES = st.sampled_from(
    ["DAY", "Day", "day", "WEEK", "Summer", "now", "NOW", "Night", "mar", "Dec", "fall", "yEAr", "present", "soldiers",
     "Kursk", "the", "\u212a", "\u017fpring", "ye\u0131r", "\u0130", "\u0663", "7", " ", ",", "-"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_TRIGGER_PIECES, max_size=10).map("".join))
def test_quick_trigger_test_answers_as_the_trigger(sentence: str) -> None:
    from geomap.claims import temporal
    from geomap.claims.words import folds_to_ascii

    triggered = temporal._TEMPORAL_TRIGGER_RE.search(sentence) is not None
    # A letter that folds to an ASCII one ("\u212a"): the words are not looked for, the sentence is read whole.
    expected = triggered or folds_to_ascii(sentence)
    assert temporal.may_hold_expression(sentence) == expected


def test_expressions_in_capitals_without_a_digit_are_found() -> None:
    assert [e.text for e in find_temporal("Russian forces withdrew LAST WEEK, the ministry said YESTERDAY.")] == [
        "LAST WEEK", "YESTERDAY"]


@pytest.mark.parametrize(
    ("sentence", "old", "new"),
    [
        ("The regime that was in late 2015 in control of about 22% of Syria has become in control of 38% of it.",
         "22%", "38%"),
        ("The army, which held 20% of the province in January, has since expanded its control to 35%.", "20%", "35%"),
    ],
)
def test_change_in_the_present_perfect_dates_only_its_old_end(sentence: str, old: str, new: str) -> None:
    old_as_of = as_of_for_sentence(sentence, FRIDAY, focus=focus_of(sentence, old))
    assert old_as_of.start is not None and old_as_of.end is not None and old_as_of.end < FRIDAY
    new_as_of = as_of_for_sentence(sentence, FRIDAY, focus=focus_of(sentence, new))
    assert (new_as_of.start, new_as_of.end) == (FRIDAY, FRIDAY)


def test_it_has_been_a_year_since_is_a_year_ago() -> None:
    expression = only("It's been one year since Turkey launched the operation.")
    assert (expression.kind, expression.count, expression.unit) == ("ago", 1.0, "year")
    assert resolve(expression, FRIDAY) == (d("2024-03-14"), d("2024-03-14"))
    assert [e.kind for e in find_temporal("He has been in jail for two years since 2019.")] == ["duration", "year"]


@pytest.mark.parametrize(
    ("sentence", "count", "unit", "event"),
    [
        ("Troops advanced six kilometres at multiple points within the first five days.", 5.0, "day", "operation"),
        ("Russia seized a fifth of Ukraine in the war's early days.", 3.0, "day", "war"),
        ("In the first weeks, the army took the city.", 3.0, "week", "operation"),
    ],
)
def test_the_opening_days_of_an_operation_named_before(sentence: str, count: float, unit: str, event: str) -> None:
    expression = only(sentence)
    assert (expression.kind, expression.modifier, expression.count, expression.unit, expression.event) == (
        "event", "first", count, unit, event)
    started = d("2024-05-10")
    assert resolve(expression, FRIDAY, {event: started})[0] == started


def test_the_first_days_of_a_named_event_keep_their_name() -> None:
    assert only("in the first days of the war").event == "war"


def test_a_figure_before_a_dated_event_is_of_that_time() -> None:
    sentence = ("Shoigu said on Monday that terrorists controlled more than 70 percent of the country before Russia "
                "launched its air operation at the end of 2015.")
    as_of = as_of_for_sentence(sentence, FRIDAY, focus=focus_of(sentence, "70 percent"))
    assert (as_of.start, as_of.end, as_of.text) == (d("2015-09-01"), d("2015-12-31"), "the end of 2015")


# The first words of temporal expressions (prepositions, modifiers, number words, months, weekdays, units, day
# words), words that only look like them, and the glue between; the guards must not change what is found.
_EXPRESSION_WORDS = (
    "since from by until till through as of in on during for over within throughout the this last next past "
    "early mid late earlier later start beginning middle end first opening initial final closing previous "
    "recent coming current just under about nearly almost around some more than less few several couple a an "
    "one two three four five six seven eight nine ten eleven twelve thirteen fifteen twenty thirty forty fifty "
    "ninety twenty-one hours days weeks weekends months years decades ago war's invasion's offensive operation "
    "campaign January Feb. March may May June Sept. October Nov. December Monday Tuesday Wednesday Thursday "
    "Friday Saturday Sunday yesterday today tonight now currently present overnight night morning evening "
    "been it's of Kyiv seized troops ſix ıt"
).split() + ["2024", "1991", "12", "3rd", "2024-03-14", "10%", "1,500"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_EXPRESSION_WORDS), max_size=10).flatmap(
        lambda words: st.sampled_from([" ", "-", ", "]).map(lambda sep: sep.join(words))
    )
)
def test_the_guards_find_what_the_full_pattern_finds(text: str) -> None:
    from geomap.claims import temporal

    unguarded = re.compile(temporal._TEMPORAL_RE.pattern.replace(temporal._TEMPORAL_START, "", 1), re.IGNORECASE)
    assert unguarded.pattern != temporal._TEMPORAL_RE.pattern
    for position in range(len(text) + 1):
        guarded, full = temporal._TEMPORAL_RE.search(text, position), unguarded.search(text, position)
        assert (guarded and (guarded.span(), guarded.lastgroup)) == (full and (full.span(), full.lastgroup))
    if not temporal._TEMPORAL_TRIGGER_RE.search(text):
        assert unguarded.search(text) is None
