"""When a claim was true: ``as_of_start``/``as_of_end`` on top of :mod:`geomap.claims.temporal`.

Internal to :mod:`geomap.claims`. :func:`claim_dates` asks
:func:`geomap.claims.temporal.as_of_for_sentence` with the quantity's span as
focus, after blanking the base of a held or retaken share ("40% of the area it
captured in August": August dates the capture, not the claim) and a relative
clause after the quantity (", where the plant has been under Russian control
since March 2022"). On top of it:

* "By March" (a month without a day) is the first day of that month: what was
  true by the time March began (the claims gold's convention).
* A past-tense sentence with no time expression at all takes the day named at
  the end of the sentence before it in the same paragraph ("... reached a fever
  pitch on Sunday. ... soldiers crawled ..., traveling nearly 9 miles").
* "In a week" / "within two days" / "over three months" with nothing else to
  date the sentence: the period of that length that ends at publication.
* "That represents just 0.2 percent of Ukraine's territory in 2014": the year in
  the of-phrase of a figure restated as a share names the base, not the time.
* "This means the group have now lost 62% ...", "The power vacuum allowed Tuareg
  rebels ... to seize", "The result gave control of": the time of the sentence
  before, whose events brought the state about.
* A figure set "before" an event the text does not date ("reported on Friday
  that before the Astana 4 peace talks, ... controlled"), and the past-tense
  sentence that goes on quoting it: the start of the change the article dates
  ("Since May 2017, ... have gained ..., currently"); "before the start of" a war:
  its start from how long it has lasted ("After five weeks of fighting"); else
  publication, flagged ``past_undated`` by :mod:`geomap.claims.extract`.
* An act dated only by the day it was reported ("liberated more than 2,000
  hectares ..., the ministry said in a message May 18"): the first date of the
  paragraph that tells the act ("On the night of April 2, 2016, ... which led to
  liberation"), when it is before the statement.
* A sentence with no date of its own that refers to a definite event ("seized
  60.06 square kilometers ... during the attack"): the date an earlier sentence
  writes in that event's phrase ("during the September 2022 attack").
* A peak no operation dates ("At the height of its power, the group controlled
  about 40 percent", opening its sentence): the last year the two sentences
  before name ("since 2014").
* Two figures either side of an "after"/"before" + "-ing" clause ("shrank by 12%
  in the first six months of this year after losing 14% in 2015"): each is
  dated without the other side.
* ``region_area`` is a fact about the region: no dates.
* No publication date: relative expressions give None, never today's date.

A date after publication ("since 2022" in an article dated 2000) keeps its start
here; :mod:`geomap.claims.extract` drops the end and flags it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from geomap.claims.article import Article, Interpretation, Reading, Sentence, bulleted_list_heading
from geomap.claims.temporal import (
    DAYS_PER_UNIT,
    TemporalExpression,
    as_of_for_sentence,
    find_temporal,
    resolve,
)
from geomap.claims.words import reader_patterns

_PATTERNS = reader_patterns("dating")

__all__ = ["claim_dates", "undated_past"]

_FIGURE_RE = re.compile(r"\d[\d,.]*")
_OPERATION_LOOKBACK = 3  # sentences back to the one that says when the operation began
_PEAK_YEAR_LOOKBACK = 2  # sentences back to a year that dates a peak no operation dates
_YEAR_RE = re.compile(r"(?<![\d,.])(?:19|20)\d\d(?!\d|[,.]\d)")
_EVENT_LOOKBACK = 4  # sentences back to the one that dates "the attack" a sentence refers to
_RECAP_LOOKBACK = 3  # sentences back to the one that names the time a past perfect recaps
_EVENT_PHRASE_GAP = 30  # characters between an event's noun and the date written in its phrase
_PAST_RE = re.compile(r"\b(?:was|were|had|did)\b|\b[a-z]{3,}ed\b")
_DAY_LEVEL_KINDS = frozenset({"weekday", "date", "ago", "relative_day"})


def claim_dates(
    article: Article, sentence: Sentence, reading: Reading, result: Interpretation
) -> tuple[date | None, date | None, str | None]:
    """``(as_of_start, as_of_end, as_of_text)`` of the claim ``result`` makes of ``reading``.

    The dates may be None (no publication date, or a ``region_area``); the text
    is the time expression that dated the claim, None when none did.
    """
    if result.kind == "region_area":
        return None, None, None
    published = article.source.published
    text = sentence.text
    masked = text
    for start, end in result.mask:
        local_start, local_end = max(0, start - sentence.start), min(len(text), end - sentence.start)
        if local_start < local_end:
            masked = masked[:local_start] + " " * (local_end - local_start) + masked[local_end:]
    dated = result.dated_with or reading  # a quantity restating another is dated with it
    if result.heading is not None:  # "Shusha: may 08, 1992, territory 289 km2; Lachin: ...": each item its own date
        masked = _own_item(masked, dated.span_start - sentence.start)
    focus_end = result.focus_end if result.focus_end is not None else dated.span_end
    focus = (dated.span_start - sentence.start, focus_end - sentence.start)
    change = _PATTERNS.changed_from_old.search(masked, max(0, focus[0] - 160), focus[0])
    if change is not None:  # "from around 70 per cent at the time of the Geneva meeting 11 days ago to 50 per cent":
        # the time after the old value is the old value's
        masked = masked[: change.start("old")] + " " * len(change.group("old")) + masked[change.end("old") :]
    # ", where the plant has been under Russian control since March 2022" dates something else; so does
    # "the buffer zone ... that had been established after the 1973 war".
    relative = _PATTERNS.relative_clause.search(masked, focus[1]) or _PATTERNS.creation_clause.search(masked, focus[1])
    if relative is not None:
        masked = masked[: relative.start()] + " " * (len(masked) - relative.start())
    noun_relative = _PATTERNS.noun_relative.search(masked, focus[1])
    if noun_relative is not None:
        cut = noun_relative.start("relative")
        masked = masked[:cut] + " " * (len(masked) - cut)
    if _PATTERNS.equivalence.search(masked, max(0, focus[0] - 40), focus[0]):
        base = _PATTERNS.base_year.match(masked, focus[1])
        if base is not None:  # "represents just 0.2 percent of Ukraine's territory in 2014": the base's year
            masked = masked[: focus[1]] + " " * (base.end() - focus[1]) + masked[base.end() :]
    # So does an aside before it: "The Observatory, which has tracked the conflict since 2011, and ...".
    masked = _PATTERNS.aside.sub(lambda aside: " " * len(aside.group()) if aside.end() <= focus[0] else aside.group(),
                           masked)
    if " after " in masked or " before " in masked:
        masked = _own_figure_clause(masked, focus)
    paired = _respectively(masked, focus, published)
    if paired is not None:  # "in August and September (477 and 459 square km, respectively)"
        return paired
    # The sentence's expressions, read once per sentence, less those a mask blanked out.
    kept = [_span_start(masked, e) for e in find_temporal(text) if masked[e.start : e.end] == e.text]
    kept = [_event_of_since(masked, e, focus) for e in kept]
    own_span = _span_in_clause(masked, focus, kept)
    if own_span is not None:  # "bringing the total to 169 square kilometers ... since the campaign began about five
        kept = [own_span]  # weeks ago": the figure's own span, not the "last week" of the gain before it
    as_of = as_of_for_sentence(masked, published, focus=focus, participle_baseline=reading.family == "share",
                               expressions=kept)
    expression = as_of.expression
    if (_PATTERNS.peak.search(masked, max(0, focus[0] - 60), focus[0]) or _PATTERNS.peak_after.match(
            masked, focus[1]) or (_PATTERNS.peak_opening.match(masked) and not _FIGURE_RE.search(
            masked, 0, focus[0]))) and (expression is None or (
            expression.kind == "relative_day" and expression.modifier == "now")):
        # "which initially controlled 1,376 km²", "At most, we controlled about 531 square miles": the peak
        # was when the operation began, whatever the sentence says of today
        start = _event_start(article, published) or _year_before(article, sentence, published)
        if start is not None:
            return start[0], start[1], start[2]
    if expression is not None and expression.kind == "event" and as_of.start is None:
        # "within the first five days", "in the war's early days": from the start of the operation just named
        began = _operation_start_before(article, sentence, published) or _event_start(article, published)
        if began is not None:
            start, end = resolve(expression, published, {expression.event or "": began[0]})
            if start is not None:
                return start, end, as_of.text
    if expression is None or (expression.kind == "relative_day" and expression.modifier == "now"):
        consequence = _consequence_of_previous(article, sentence, published)
        if consequence is not None:
            return consequence
    frame = _event_frame(article, sentence, masked, focus, expression, published)
    if frame is not None:
        return frame
    if expression is not None and _reported_after(masked, expression, focus):
        narrated = _narrated_act(article, sentence, masked, focus, as_of.start, published)
        if narrated is not None:
            return narrated
    if expression is None and result.heading is None:
        listed = _list_heading_date(article, sentence, published)
        if listed is not None:
            return listed
    if expression is None:
        same = (_same_period_as_before(article, sentence, masked[: focus[0]], published)
                or _period_before_that(article, sentence, published) or _named_period_before(
                    article, sentence, masked, published))
        if same is not None:
            return same
    neighbour = _as_of_neighbour(article, sentence, published)
    if neighbour is not None and (expression is None or _weakly_dated(masked, expression, focus)):
        return neighbour
    if expression is not None:
        start, end = as_of.start, as_of.end
        if expression.relation == "by" and expression.kind == "month" and expression.modifier is None:
            month_start, _ = resolve(dataclasses.replace(expression, relation="at"), published)
            if month_start is not None:
                start = end = month_start  # "By March": by the time March began
        return start, end, as_of.text
    own = [e for e in find_temporal(text) if not e.is_duration]
    if not own and result.heading is not None:  # an item of a list: the heading line dates it
        heading = result.heading.text
        as_of = as_of_for_sentence(heading, published, focus=(len(heading), len(heading)))
        return as_of.start, as_of.end, as_of.text
    if not own:
        referred = _referred_event(article, sentence, masked, published)
        if referred is not None:
            return referred
        recap = _recapped_time(article, sentence, masked[: focus[0]], published)
        if recap is not None:
            return recap
        inherited = _inherited(article, sentence, published)
        if inherited is not None:
            return inherited
        span = _duration_span(text, published)
        if span is not None:
            return span
    return as_of.start, as_of.end, None


def _list_heading_date(
    article: Article, sentence: Sentence, published: date | None
) -> tuple[date | None, date | None, str | None] | None:
    """The date of the heading line of the bulleted list the undated sentence is an item of ("At a meeting on Dec.
    29, 2025, Putin was briefed on the following claimed achievements:" then "• control over nearly half of ...";
    "Here is the situation on Monday, August 12, 2024." then "Fighting" and "- Moscow said ... 25km (16 miles) ...
    from the border"): what the list reports is of that day. None off a list or when the heading has no date."""
    heading = bulleted_list_heading(article.text, sentence.start)
    if heading is None:
        return None
    words = article.text[heading[0] : heading[1]]
    if not [e for e in find_temporal(words) if not e.is_duration]:
        return None
    as_of = as_of_for_sentence(words, published, focus=(len(words), len(words)))
    if as_of.start is None:
        return None
    return as_of.start, as_of.end, as_of.text


def undated_past(sentence: Sentence, reading: Reading) -> str | None:
    """The words that put a figure the text does not date in the past ("after occupying some 51,000 square
    miles", "having shrunk from some 500 square miles", "before the start of what Moscow calls a military
    operation", "at its peak"), or None: such a figure dated to publication is flagged, not silently dated."""
    focus = reading.span_start - sentence.start
    before = sentence.text[max(0, focus - 160) : focus]
    found = _PATTERNS.past_state.search(before) or _PATTERNS.peak.search(before)
    return found.group().strip() if found else None


def _consequence_of_previous(
    article: Article, sentence: Sentence, published: date | None
) -> tuple[date | None, date | None, str | None] | None:
    """The time of the sentence before, for one that says what it means ("In January, Daesh lost a further
    1000sq kilometres ... This means the group have now lost 62% ..."): the state it brought about."""
    if sentence.index == 0 or not _PATTERNS.consequence.match(sentence.text):
        return None
    previous = article.sentences[sentence.index - 1]
    as_of = as_of_for_sentence(previous.text, published, focus=(0, 0))
    expression = as_of.expression
    if expression is None or as_of.start is None or expression.is_duration or (
            expression.kind == "relative_day" and expression.modifier == "now"):
        return None
    return as_of.start, as_of.end, as_of.text


def _event_frame(
    article: Article, sentence: Sentence, masked: str, focus: tuple[int, int],
    expression: TemporalExpression | None, published: date | None,
) -> tuple[date | None, date | None, str | None] | None:
    """The time of a figure set "before" an event the text does not date ("reported on Friday that before the
    Astana 4 peace talks, Syrian regime forces controlled ..."), and of the past-tense sentence that goes on
    quoting the same report: the start of the change the article dates from then ("Since May 2017, regime
    forces have gained more territories, currently ..."), else the publication date without a text (flagged
    ``past_undated``). None when the figure has no such frame, or a date of its own beside it."""
    own = _PATTERNS.before_event_frame.search(masked, 0, focus[0]) or _PATTERNS.before_start.search(
        masked, 0, focus[0])
    if own is not None and expression is not None and expression.start >= focus[1] and _PATTERNS.later_clause.search(
            masked, focus[1], expression.start):
        expression = None  # "before the ceasefire was estimated at 53%, but it has now risen to 60%": not its date
    if own is None:
        if not _continues_frame(article, sentence, expression):
            return None
    elif any(own.start() <= e.start < own.end() for e in find_temporal(masked[: own.end()])):
        return None  # "before the February 2022 invasion": dated in the phrase itself
    elif expression is not None and not (expression.end <= own.start() and _reporting_date(masked, expression)):
        return None  # a date of the figure's own, not the day the report came out
    else:
        article.date_cache[f"frame:{sentence.index}"] = True
    since = _change_since(article, published)
    if since is not None:
        return since
    began = _war_start(article, published) if own is not None and _PATTERNS.before_start.match(
        masked, own.start()) else None
    if began is not None:
        return began
    return published, published, None


def _continues_frame(article: Article, sentence: Sentence, expression: TemporalExpression | None) -> bool:
    """Whether a sentence with no date of its own goes on, in the past tense, from the sentence before it that
    was set before an undated event ("“ISIS was the most powerful force with more than 72,300 km² ...")."""
    if expression is not None or sentence.index == 0 or not article.date_cache.get(f"frame:{sentence.index - 1}"):
        return False
    text = sentence.text
    if _PATTERNS.present.search(text) or not _PAST_RE.search(text):
        return False
    article.date_cache[f"frame:{sentence.index}"] = True
    return True


def _war_start(article: Article, published: date | None) -> tuple[date, date, str] | None:
    """When the war began, from how long it has lasted at publication ("After five weeks of fighting")."""
    if published is None:
        return None
    for sentence in article.sentences:
        lasted = _PATTERNS.war_duration.search(sentence.text)
        if lasted is None:
            continue
        for expression in find_temporal(sentence.text):
            if expression.is_duration and expression.count is not None and expression.unit in DAYS_PER_UNIT and (
                    lasted.start() <= expression.start < lasted.end()):
                began = published - timedelta(days=round(expression.count * DAYS_PER_UNIT[expression.unit]))
                return began, began, lasted.group()
    return None


def _reporting_date(masked: str, expression: TemporalExpression) -> bool:
    """Whether the expression is the day a report came out, before the clause it reports ("reported on
    Friday that ...")."""
    return bool(_PATTERNS.reported.search(masked, max(0, expression.start - 25), expression.start)) and bool(
        _PATTERNS.report_that.match(masked, expression.end))


def _change_since(article: Article, published: date | None) -> tuple[date, date, str] | None:
    """The first "since <month or year>" of the article that starts a change running up to now."""
    cached = article.date_cache.get("change_since", False)
    if cached is not False:
        return cached  # type: ignore[return-value]
    found = next(_dated_expressions(article, _PATTERNS.change_since, published, lambda expression: (
        expression.relation == "since" and expression.kind in ("month", "year", "date"))), None)
    article.date_cache["change_since"] = found
    return found


def _dated_expressions(
    article: Article, pattern: re.Pattern[str], published: date | None,
    wanted: Callable[[TemporalExpression], bool],
) -> Iterator[tuple[date, date, str]]:
    """``(start, end, text)`` of the expressions ``wanted`` keeps in the sentences ``pattern`` finds, each read as
    a point in time ("since May 2017" as May 2017), in text order; none that starts after publication."""
    for sentence in article.sentences:
        if not pattern.search(sentence.text):
            continue
        for expression in find_temporal(sentence.text):
            if not wanted(expression):
                continue
            start, end = resolve(dataclasses.replace(expression, relation="at"), published)
            if start is not None and end is not None and (published is None or start <= published):
                yield start, end, expression.text


def _same_period_as_before(
    article: Article, sentence: Sentence, before: str, published: date | None
) -> tuple[date, date, str] | None:
    """The month or year "that month" / "the same year" points back at, before the figure: the last one the
    sentence before names ("... a big slowdown compared to May, when ... In that month, Russian forces seized
    449 square kilometers")."""
    same = _PATTERNS.same_period.search(before)
    if same is None or sentence.index == 0:
        return None
    unit = same.group("unit").lower()
    previous = article.sentences[sentence.index - 1]
    named = [e for e in find_temporal(previous.text) if e.kind == unit and e.relation == "at"]
    if not named:
        return None
    start, end = resolve(named[-1], published)
    return (start, end, same.group()) if start is not None and end is not None else None


def _named_period_before(
    article: Article, sentence: Sentence, masked: str, published: date | None
) -> tuple[date, date, str] | None:
    """The period "during this period" / "in the same timeframe" points back at: the last time the sentence before
    names ("... maintained a high tempo ... throughout the summer. ... captured 1,548 square kilometers (597 square
    miles) during this period"), with its own relation ("since the beginning of 2024" stays a span to publication)."""
    named = _PATTERNS.named_period.search(masked)
    if named is None or sentence.index == 0:
        return None
    previous = article.sentences[sentence.index - 1]
    times = [e for e in find_temporal(previous.text) if not e.is_duration and e.kind != "relative_day"]
    if not times:
        return None
    start, end = resolve(times[-1], published)
    return (start, end, named.group()) if start is not None and end is not None else None


def _span_start(masked: str, expression: TemporalExpression) -> TemporalExpression:
    """``expression``, read as the start of a span when "since" governs it from a few words before ("since resuming
    ground operations five months ago, the military announced Wednesday": from then to publication, not then)."""
    if expression.kind != "ago" or expression.relation != "at" or not _PATTERNS.since_before.search(
            masked, max(0, expression.start - 80), expression.start):
        return expression
    return dataclasses.replace(expression, relation="since")


def _span_in_clause(
    masked: str, focus: tuple[int, int], expressions: list[TemporalExpression]
) -> TemporalExpression | None:
    """The "since ... N ago" span (:func:`_span_start`) that follows the figure in its own clause, if any."""
    for expression in expressions:
        if expression.kind != "ago" or expression.relation != "since" or expression.start < focus[1]:
            continue
        since = _PATTERNS.since_before.search(masked, max(0, expression.start - 80), expression.start)
        if since is not None and since.start() >= focus[1] and not re.search(r"[,;:()]", masked[
                focus[1] : since.start()]):
            return expression
    return None


def _period_before_that(article: Article, sentence: Sentence, published: date | None) -> tuple[date, date, str] | None:
    """The period "Before that" opens a sentence with: as long as the earliest period the sentence before names,
    and ending the day before it ("... with 32 square kilometers the previous week. Before that, Russia occupied
    less than 10 square kilometers")."""
    opening = _PATTERNS.before_that.match(sentence.text)
    if opening is None or sentence.index == 0:
        return None
    previous = article.sentences[sentence.index - 1]
    periods = [resolve(e, published) for e in find_temporal(previous.text) if not e.is_duration]
    periods = [(start, end) for start, end in periods if start is not None and end is not None]
    if not periods:
        return None
    start, end = min(periods)
    before_end = start - timedelta(days=1)
    return before_end - (end - start), before_end, opening.group().strip()


def _as_of_neighbour(article: Article, sentence: Sentence, published: date | None) -> tuple[date, date, str] | None:
    """The date of an "As of <date>" that opens a neighbouring sentence of the paragraph and states the time of
    this one's figure: the sentence before, when this one goes on about it ("As of September 1, Russia occupied
    66,266 km². This ... represents approximately 18% of Ukraine"); the sentence after, when this one reports a
    source whose words it quotes next ("... controls just over half of the country's territory, the Inspector
    General released a report on Thursday. "As of July 2018, the Afghan government's control ...")."""
    index = sentence.index
    candidates = []
    # adjacent sentences, on a line of their own or not: news pages often put each sentence on one
    if index > 0 and _PATTERNS.continuing.match(sentence.text):
        candidates.append(article.sentences[index - 1])
    if index + 1 < len(article.sentences) and _PATTERNS.reported.search(sentence.text):
        candidates.append(article.sentences[index + 1])
    for other in candidates:
        opening = _PATTERNS.as_of_opening.match(other.text)
        if opening is None:
            continue
        for expression in find_temporal(other.text):
            if expression.start <= opening.end() and not expression.is_duration:
                start, end = resolve(expression, published)
                if start is not None:
                    return start, end, expression.text
    return None


def _reported_after(masked: str, expression: TemporalExpression, focus: tuple[int, int]) -> bool:
    """Whether the expression is the day a statement of the figure was made, after it ("... liberated more than
    2,000 hectares, Azerbaijani defense ministry said in a message May 18")."""
    return expression.start >= focus[1] and _PATTERNS.reported.search(masked, focus[1], expression.start) is not None


def _narrated_act(
    article: Article, sentence: Sentence, masked: str, focus: tuple[int, int], said: date | None,
    published: date | None,
) -> tuple[date, date, str] | None:
    """When the act a figure was reached by happened, where another paragraph tells it: the first date of that
    paragraph, before the statement ("On the night of April 2, 2016, ... Azerbaijan responded with a
    counter-attack, which led to liberation of several strategic heights"). ``said`` is the day of the
    statement."""
    act = _PATTERNS.act_stem.search(masked, 0, focus[0])
    if act is None:
        return None
    for paragraph, start, end, text in _act_dates(article, act.group("stem").lower(), published):
        if paragraph != sentence.paragraph and (said is None or end < said):
            return start, end, text
    return None


def _act_dates(article: Article, stem: str, published: date | None) -> list[tuple[int, date, date, str]]:
    """``(paragraph, start, end, text)``: the first date of each paragraph, up to a sentence that tells an act
    of ``stem`` ("liberat"), in text order; worked out once per article and stem."""
    key = f"act:{stem}"
    cached = article.date_cache.get(key)
    if cached is not None:
        return cached  # type: ignore[return-value]
    dates: list[tuple[int, date, date, str]] = []
    first: dict[int, tuple[date, date, str] | None] = {}
    for other in article.sentences:
        if other.paragraph not in first:
            first[other.paragraph] = None
        launch = _PATTERNS.campaign_launch.search(other.text) is not None  # the campaign's start, no act in it
        if first[other.paragraph] is None and not launch:
            first[other.paragraph] = next(_dated_in(other.text, published), None)
        told = not launch and any(
            found.group("stem").lower() == stem for found in _PATTERNS.act_stem.finditer(other.text))
        dated = first[other.paragraph]
        if told and dated is not None and (not dates or dates[-1][0] != other.paragraph):
            dates.append((other.paragraph, *dated))
    article.date_cache[key] = dates
    return dates


def _dated_in(text: str, published: date | None) -> Iterator[tuple[date, date, str]]:
    """The dates of a sentence that name a time (not "now", a duration or an event), each as a point in time."""
    for expression in find_temporal(text):
        if expression.is_duration or expression.kind in ("relative_day", "event"):
            continue
        start, end = resolve(dataclasses.replace(expression, relation="at"), published)
        if start is not None and end is not None:
            yield start, end, expression.text


def _weakly_dated(masked: str, expression: TemporalExpression, focus: tuple[int, int]) -> bool:
    """Whether the expression a sentence gave its figure says less than an "As of" next to it: "now", the day a
    report came out ("released a report on Thursday"), or an event the figure came after ("before the 2022
    invasion")."""
    if expression.kind == "relative_day" and expression.modifier == "now":
        return True
    if expression.start >= focus[1] and _PATTERNS.reported.search(masked, focus[1], expression.start):
        return True
    return re.search(r"\bbefore\s+(?:the\s+)?$", masked[max(0, expression.start - 12) : expression.start]) is not None


def _year_before(article: Article, sentence: Sentence, published: date | None) -> tuple[date, date, str] | None:
    """The last year the sentences just before name, for a peak no operation dates ("ISIS has lost most of the
    territory it has held in Iraq since 2014. ... At the height of its power, the extreme Muslim group controlled
    about 40 percent of Iraq": 2014), or None."""
    start = article.sentences[max(0, sentence.index - _PEAK_YEAR_LOOKBACK)].start
    years = [m for m in _YEAR_RE.finditer(article.text, start, sentence.start)
             if published is None or int(m.group()) <= published.year]
    if not years:
        return None
    year = int(years[-1].group())
    return date(year, 1, 1), date(year, 12, 31), years[-1].group()


def _own_figure_clause(masked: str, focus: tuple[int, int]) -> str:
    """``masked`` without the other side of an "after"/"before" participle clause when both sides have a figure of
    their own ("shrank by 12% in the first six months of this year after losing 14% in 2015": each figure has its own
    time; not "retook 500 km² after launching its counteroffensive in August", where the time is the figure's)."""
    for clause in _PATTERNS.figure_clause.finditer(masked):
        cut = clause.start()
        if cut >= focus[1] and _FIGURE_RE.search(masked, clause.end()):
            return masked[:cut] + " " * (len(masked) - cut)
        if cut <= focus[0] and _FIGURE_RE.search(masked, 0, cut):
            masked = " " * cut + masked[cut:]
    return masked


def _own_item(text: str, position: int) -> str:
    """``text`` with every ;-separated item but the one at ``position`` blanked out."""
    start = text.rfind(";", 0, position) + 1
    end = text.find(";", position)
    end = len(text) if end < 0 else end
    return " " * start + text[start:end] + " " * (len(text) - end)


def _respectively(text: str, focus: tuple[int, int], published: date | None) -> tuple[date, date, str] | None:
    """The date of the k-th figure of "in August and September (477 and 459 square km, respectively)": the
    k-th of the dates coordinated right before the bracket."""
    bracket = text.rfind("(", 0, focus[0])
    close = text.find(")", focus[1])
    if bracket < 0 or close < 0 or "respectively" not in text[focus[1] : close]:
        return None
    figures = _FIGURE_RE.findall(text[bracket + 1 : close])
    position = len(_FIGURE_RE.findall(text[bracket + 1 : focus[0]]))
    dates = [e for e in find_temporal(text[:bracket]) if not e.is_duration]
    if len(figures) < 2 or len(dates) < len(figures) or position >= len(figures):
        return None
    chosen = dates[len(dates) - len(figures) + position]
    start, end = resolve(dataclasses.replace(chosen, relation="at"), published)
    return (start, end, chosen.text) if start is not None else None


def _event_start(article: Article, published: date | None) -> tuple[date, date, str] | None:
    """The earliest date (before publication) the article gives an operation: when a peak was reached."""
    cached = article.date_cache.get("event_start", False)
    if cached is not False:
        return cached  # type: ignore[return-value]
    best = min(_dated_expressions(article, _PATTERNS.operation, published, lambda expression: (
        not expression.is_duration and expression.kind != "relative_day")), key=lambda found: found[0], default=None)
    article.date_cache["event_start"] = best
    return best


def _operation_start_before(
    article: Article, sentence: Sentence, published: date | None
) -> tuple[date, date, str] | None:
    """The first date of the nearest sentence up to this one that is about an operation's start."""
    for index in range(sentence.index, max(-1, sentence.index - _OPERATION_LOOKBACK - 1), -1):
        text = article.sentences[index].text
        if not _PATTERNS.operation.search(text):
            continue
        for expression in find_temporal(text):
            if expression.is_duration or expression.kind in ("relative_day", "event"):
                continue
            start, end = resolve(dataclasses.replace(expression, relation="at"), published)
            if start is not None and end is not None and (published is None or start <= published):
                return start, end, expression.text
    return None


def _event_of_since(masked: str, expression: TemporalExpression, focus: tuple[int, int]) -> TemporalExpression:
    """``expression``, read at its time rather than as a span to publication when the figure is the act that
    "since" dates: inside the since-clause ("divided since Turkish troops invaded its northern third in 1974") or
    in a when-clause right after it ("divided since 1974, when Turkish troops invaded its northern third")."""
    if expression.relation != "since":
        return expression
    since = masked.rfind("since", 0, expression.start + len("since"))
    inside = since != -1 and since < focus[0] and focus[1] <= expression.start
    when = _PATTERNS.when_clause.match(masked, expression.end) if expression.end <= focus[0] else None
    after = when is not None and when.end() >= focus[1]
    return dataclasses.replace(expression, relation="at") if inside or after else expression


def _recapped_time(
    article: Article, sentence: Sentence, before: str, published: date | None
) -> tuple[date, date, str] | None:
    """The time a recap's past perfect tells of ("Ukraine launched its incursion ... in August 2024. Its troops had
    seized about 1,300 square kilometres before being pushed back"): the last time named in the nearest of the
    :data:`_RECAP_LOOKBACK` sentences before that names one, when it ended before publication."""
    if published is None or not _PATTERNS.past_perfect_before.search(before):
        return None
    for index in range(sentence.index - 1, max(-1, sentence.index - _RECAP_LOOKBACK - 1), -1):
        times = [e for e in find_temporal(article.sentences[index].text)
                 if not e.is_duration and e.kind not in ("relative_day", "event")]
        if not times:
            continue
        start, end = resolve(dataclasses.replace(times[-1], relation="at"), published)
        if start is None or end is None or end >= published:
            return None
        return start, end, times[-1].text
    return None


def _inherited(
    article: Article, sentence: Sentence, published: date | None
) -> tuple[date | None, date | None, str | None] | None:
    """The day named at the end of the previous sentence of the paragraph, for a past-tense sentence."""
    if sentence.index == 0 or published is None:
        return None
    previous = article.sentences[sentence.index - 1]
    if previous.paragraph != sentence.paragraph:
        return None
    text = sentence.text
    if _PATTERNS.present.search(text) or _PATTERNS.future.search(text) or not _PAST_RE.search(text):
        return None
    if _PATTERNS.earlier_than_before.search(text):
        return None  # "... on March 31, 2017 is 29,903 kilometers. Previously Islamic State controlled about 40%"
    as_of = as_of_for_sentence(previous.text, published, focus=(len(previous.text), len(previous.text)))
    expression = as_of.expression
    if expression is None or expression.kind not in _DAY_LEVEL_KINDS or expression.modifier == "now":
        return None
    if as_of.start is None:
        return None
    return as_of.start, as_of.end, as_of.text


def _referred_event(
    article: Article, sentence: Sentence, masked: str, published: date | None
) -> tuple[date, date, str] | None:
    """The date of "the attack" a sentence with no date of its own refers back to ("Asryan said Azeri troops seized
    60.06 square kilometers ... during the attack"): the date written in the same event's phrase in an earlier
    sentence ("during the September 2022 attack", "the offensive launched on 6 August"), the nearest one first."""
    referred = _PATTERNS.event_reference.search(masked)
    if referred is None or published is None:
        return None
    noun = referred.group("noun").lower()
    named = re.compile(rf"\b{re.escape(noun)}\b", re.IGNORECASE)
    for index in range(sentence.index - 1, max(-1, sentence.index - _EVENT_LOOKBACK - 1), -1):
        text = article.sentences[index].text
        for found in named.finditer(text):
            for expression in find_temporal(text):
                # the date inside the event's own phrase: right before its noun, or right after it
                before = 0 <= found.start() - expression.end <= _EVENT_PHRASE_GAP and not re.search(
                    r"[,;:.]", text[expression.end : found.start()])
                after = 0 <= expression.start - found.end() <= _EVENT_PHRASE_GAP and not re.search(
                    r"[,;:.]", text[found.end() : expression.start])
                if expression.is_duration or expression.kind in ("relative_day", "event") or not (before or after):
                    continue
                start, end = resolve(dataclasses.replace(expression, relation="at"), published)
                if start is not None and end is not None and start <= published:
                    return start, end, expression.text
    return None


def _duration_span(text: str, published: date | None) -> tuple[date, date, str] | None:
    """'In a week, Ukraine seized ...': the period of that length ending at publication."""
    if published is None or _PATTERNS.future.search(text):
        return None
    for expression in find_temporal(text):
        if not _is_in_duration(expression):
            continue
        assert expression.count is not None and expression.unit is not None
        days = round(expression.count * DAYS_PER_UNIT[expression.unit])
        return published - timedelta(days=days), published, expression.text
    return None


def _is_in_duration(expression: TemporalExpression) -> bool:
    return (
        expression.is_duration
        and expression.count is not None
        and expression.unit in DAYS_PER_UNIT
        and re.match(r"(?:in|within|over)\s", expression.text, re.IGNORECASE) is not None
        and not expression.text.lower().endswith(("-long", "-old"))
    )
