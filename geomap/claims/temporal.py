"""Temporal expressions in news sentences, resolved against a publication date.

``find_temporal(sentence)`` finds the expressions (with offsets into the
sentence), ``resolve(expr, published)`` turns one into a ``(start, end)`` pair
of dates, and ``as_of_for_sentence`` picks the date a claim in the sentence
refers to.

Rules
-----
General
    * A relative expression needs the publication date. When ``published`` is
      None, every relative expression resolves to ``(None, None)``; today's date
      is never used. Absolute expressions ("August 2024", "13 March 2025",
      "2022", "2025-03-13") resolve without it.
    * A relative expression never resolves past the publication date, except
      those that say so ("next week", "later this month", "next Thursday"):
      the end of its period is clipped to ``published``.
    * Month and weekday names must be capitalised ("March", not "march"). A bare
      month name needs a preposition or modifier before it ("in August",
      "since August", "By March", "as recently as January", "last August", "mid-August"), so "May" the
      verb and "March" the verb at the start of a sentence are not dates.

Months and dates
    * "in August" (no year): the most recent August on or before the
      publication month (the current month counts): published 2025-03-15 ->
      2024-08-01..2024-08-31; "in March" published 2025-03-15 ->
      2025-03-01..2025-03-15 (clipped).
    * "last August": the most recent August strictly before the publication
      month. "this August": August of the publication year. "next August": the
      first August after the publication month.
    * "in August 2024", "February 2022": that month.
    * "early"/"mid"/"late" and "the start/middle/end of" a month or a year:
      days 1-10, 11-20, 21-end of the month; Jan-Apr, May-Aug, Sep-Dec of the
      year ("at the end of 2023" -> 2023-09-01..2023-12-31).
    * "13 March 2025", "March 13, 2025", "2025-03-13": that day. "March 13"
      without a year: the most recent March 13 on or before publication.
    * "in 2022", "1941": the calendar year.

Relations (``relation``)
    * "since X" / "from X": ``(start of X, published)``; with no publication
      date ``(start of X, None)`` for absolute X. "Since the start of the year"
      (or month) is this year's: "the" stands for "this" there only.
    * "by X" / "until X" / "through X" / "as of X": the single day at the end of
      X, or the publication date if X has not ended by then: "By March" in an
      article of 2025-03-14 -> (2025-03-14, 2025-03-14); published 2025-04-10
      -> (2025-03-31, 2025-03-31).
    * Every other preposition ("in", "on", "during", "for", ...) keeps X.
    * "between X and Y", "from X to Y", "from X until Y" (two dates): one span
      from the start of X to the end of Y ("between January 1, 2024, and April
      29, 2024", "from May 9 to May 15").

Days and weeks (publication date P)
    * "today", "tonight", "this morning/afternoon/evening" -> P;
      "now", "currently", "at present" -> P too: the words a present-tense
      claim is dated by ("are now closing in on the last 50 square miles");
      "yesterday" -> P-1; "the day before yesterday" -> P-2;
      "last night" -> P-1; "overnight" -> P-1..P.
    * "on Thursday", "Thursday", "this Thursday": the most recent Thursday on
      or before P (P itself when P is a Thursday): "on Thursday" in an article
      of Friday 2025-03-14 -> 2025-03-13. "last Thursday": strictly before P.
      "next Thursday": strictly after P.
    * Weeks run Monday to Sunday. "this week" -> Monday..P; "earlier this week"
      -> Monday..P-1 (Monday..Monday when P is a Monday); "last week" -> the
      whole previous week. Likewise "this/last month", "this/last year",
      "earlier this month/year"; "last year" is the previous calendar year.
    * "the past two weeks", "the past few weeks", "in recent weeks", "the last
      three days", "the past week": a range ending at P, starting N units
      earlier (few = several = 3, a couple = 2; "recent weeks" = 3 weeks).
    * "two weeks ago", "just over a week ago": the single day P minus N units.

Events
    * "in the first weeks of the attack" resolves only against ``anchors``, a
      mapping from lower-case event names to their start dates: the full name
      ("attack on kursk") is tried first, then its head word ("attack"). The
      range runs from the anchor for N units (plural without a number = 3,
      singular = 1), ending the day before. Without an anchor, or for "the last
      weeks of ...", it resolves to ``(None, None)``.
    * "in the first 30 days of December", "the last week of November": days or
      weeks of a month (its most recent one at or before P, or the year
      written after it), clipped to the month and to P.

Durations
    * "eight months of fighting", "seven-month-long", "three-year conflict",
      "30-day ceasefire", "for weeks": ``kind == "duration"`` with
      ``duration_days`` (month = 30.4375 days, year = 365.25 days; None when no
      number is given). They are lengths of time, not dates: ``resolve`` returns
      ``(None, None)`` and ``as_of_for_sentence`` never picks them.

Since-phrases
    "Since the beginning of the invasion on February 24, 2022", "since the
    conflict began in 2022", "since Russia's offensive began in October 2023",
    "since launching the start of its counter-assault ... in late August":
    the date of the start is read with the relation ``since``.

Seasons
    "since the spring", "last summer", "in the summer of 2023", "the end of the
    summer", "over the winter": the three months of a meteorological season
    (spring March-May, summer June-August, autumn/fall September-November,
    winter December-February), of the written year, else the most recent one
    begun by P ("last": the most recent one over by P); "early"/"mid"/"late"
    and "the start/middle/end of" are its first, middle and last month. Only
    lower-case names ("the Arab Spring" is an event), and "fall" only as
    "last/this/next fall", with a preposition or a year, not "the fall of
    Aleppo".

Months before an event noun
    "a surprise August incursion", "the October offensive", "Russia's October
    advance": a month name right before incursion, offensive, invasion, attack,
    assault, advance, counteroffensive, operation, push, campaign or raid is a
    date even without a preposition; so is one right before a figure in
    brackets ("in both August (477 sq km)") or coordinated with a month before
    it ("in August and September").

Choosing the as-of date of a sentence (``as_of_for_sentence``)
    * Durations are ignored. With ``focus`` (the quantity's span in the
      sentence), expressions after the quantity separated from it by a
      baseline marker ("down from", "up from", "compared with/to", "than", "of
      what", and with ``participle_baseline`` "taken/seized/captured/occupied/
      held/controlled by") describe a different state and are skipped. An
      expression right before a quantity in brackets ("in both August (477 sq
      km)") dates it. Of the rest, those in the quantity's own clause (no ";",
      ":", ", and", ", but", "whereas" ... between them) come first, then those
      not inside an event phrase ("following the aggravations ... in 2022",
      "after", "amid", "in the wake of"), and the nearest to the quantity wins.
      Without ``focus`` the first expression wins.
    * An expression in a clause before the quantity's that dates another act,
      when the quantity's clause is a present perfect or says "now" ("launched
      an incursion last summer, but Russia has wrested back two-thirds"), is
      skipped: the quantity is of publication.
    * A date alone in brackets after a name ("the annexed Crimea (2014)") is
      that name's, not the quantity's, and is skipped.
    * An expression after the quantity inside a phrase about its cause
      ("following its aggressions in 2021 and 2022"), when the quantity's
      clause says what is ("is under Azeri occupation"), dates the cause: it
      is skipped and the state is of publication.
    * A year naming a line ("from their 2021 positions", "the 1967 borders")
      is no expression.
    * An event expression that cannot be resolved ("in the first months of
      the war" without anchors) gives way to the next expression ("... of the
      war in 2022"); one of a calendar unit ("in the first 30 days of the
      month") is the month (or year) named elsewhere in the sentence, else the
      publication's.
    * No usable expression: ``(P, P)`` with ``text`` None (present tense, the
      default), or ``(None, P)`` when ``tense_hint == "past"`` (some time before
      publication). With no publication date both give ``(None, None)``.
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from geomap.claims.match_starts import with_match_starts
from geomap.claims.quantities import parse_number
from geomap.claims.words import blind_to_case, folds_to_ascii, holds_none, reader_patterns
from geomap.dates import FIRST_YEAR, LAST_YEAR

_PATTERNS = reader_patterns("temporal")

__all__ = ["TemporalExpression", "AsOf", "find_temporal", "resolve", "as_of_for_sentence"]

DAYS_PER_UNIT = {
    "hour": 1 / 24,
    "day": 1.0,
    "week": 7.0,
    "weekend": 2.0,
    "month": 365.25 / 12,
    "year": 365.25,
    "decade": 3652.5,
}
_FEW = 3.0  # "a few", "several", "recent" weeks
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_WEEKDAYS = {
    name: i
    for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}
_RELATIONS = {
    "since": "since", "from": "since",
    "by": "by", "until": "by", "till": "by", "through": "by", "as of": "by",
}  # fmt: skip
_FUTURE_MODIFIERS = frozenset({"next", "coming", "later"})
_TIMES_OF_DAY = frozenset({"morning", "afternoon", "evening", "night", "day"})
_PART_MODIFIERS = {
    "early": "early", "mid": "mid", "late": "late",
    "start": "early", "beginning": "early", "middle": "mid", "end": "late",
}  # fmt: skip
# "the first half of 2025", "the third quarter of 2024": the months of the year they cover
_YEAR_FRACTIONS = {
    "first half": "h1", "second half": "h2", "last half": "h2",
    "first quarter": "q1", "second quarter": "q2", "third quarter": "q3", "fourth quarter": "q4", "last quarter": "q4",
}  # fmt: skip
_YEAR_PART_MONTHS = {
    "early": (1, 4), "mid": (5, 8), "late": (9, 12), "h1": (1, 6), "h2": (7, 12),
    "q1": (1, 3), "q2": (4, 6), "q3": (7, 9), "q4": (10, 12),
}  # fmt: skip

# --------------------------------------------------------------------------
# Regular expressions (compiled once)
# --------------------------------------------------------------------------

_MONTH = (
    r"(?-i:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
# A month in lower case is a month only in a full date ("may 08, 1992"): alone, "may" is a verb.
_LOWER_MONTH_IN_DATE = (
    r"(?-i:january|february|march|april|may|june|july|august|september|october|november|december)"
    r"(?=\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}(?!\d))"
)
_WEEKDAY = r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUM = (
    r"(?:\d{1,3}(?:\.\d+)?|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
    r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy"
    r"|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?)"
)
_VAGUE_NUM = r"(?:a\s+few|few|several|a\s+couple(?:\s+of)?|couple(?:\s+of)?)"
_UNIT = r"(?:hours?|days?|weeks?|weekends?|months?|years?|decades?)"
_NOT_A_YEAR_AFTER = (
    r"(?!\d|\s*(?:%|percent|per\s+cent|square|sq\b|km|kilomet|met(?:er|re)|miles?|hectares?|soldiers|troops"
    r"|people|men|civilians|casualties|tanks|dollars|euros"
    # "from their 2021 positions", "the 1967 borders": a year that names a line, not a time of the figure
    r"|positions|lines?|borders?|frontiers?|boundaries|front\s+lines?))"
)

# "As recently as January, Boko Haram controlled ...": that month, as "in January" (a preposition a bare month needs)
_PREFIX = (r"(?:(?P<prep>since|from|by|until|till|through|as\s+of|as\s+(?:recently|late|early)\s+as|in|on|during|for|"
           r"over|within|throughout)\s+)?")
_ALTERNATIVES = (
    r"(?P<iso>(?<!\d)(?P<iso_y>\d{4})-(?P<iso_m>\d{2})-(?P<iso_d>\d{2})(?!\d))",
    r"(?P<event>(?:the\s+)?(?P<ev_part>first|opening|early|initial|last|final|closing)\s+"
    rf"(?:(?P<ev_n>{_NUM}|{_VAGUE_NUM})\s+)?(?P<ev_unit>hours?|days?|weeks?|months?)\s+of\s+"
    r"(?:the\s+|this\s+|that\s+|its\s+|their\s+)?"
    r"(?P<ev_name>[A-Za-z][A-Za-z\-]*(?:\s+(?:on|in|into|against|of)\s+[A-Z][A-Za-z\-]*)?)"
    r"(?:,?\s+(?P<ev_y>(?:18|19|20)\d{2})(?!\d))?)",
    # "in the war's early days"; "within the first five days" (of the operation the text is about)
    r"(?P<opening>(?=the\s|(?:war|conflict|invasion|offensive|operation|incursion|campaign|assault)['’]s\s)(?:(?:the\s+)?(?P<op_name>war|conflict|invasion|offensive|operation|incursion|campaign|assault)['’]s\s+"
    r"|(?:(?<=\bin\s)|(?<=\bwithin\s)|(?<=\bduring\s)|(?<=\bover\s))the\s+)(?P<op_part>first|opening|early|initial)\s+"
    rf"(?:(?P<op_n>{_NUM}|{_VAGUE_NUM})\s+)?(?P<op_unit>days|weeks|months)\b(?!\s+of\b))",
    # "It's been one year since Turkey launched ...": the start is as long ago as that
    rf"(?P<been>(?<=n\s)(?<=\bbeen\s)(?P<been_n>{_NUM}|{_VAGUE_NUM}|an?)\s+(?P<been_unit>{_UNIT})(?=\s+since\b))",
    r"(?P<ago>(?:(?:just\s+)?(?:over|under|about|nearly|almost|around|some|more\s+than|less\s+than)\s+)?"
    rf"(?P<ago_n>{_NUM}|{_VAGUE_NUM}|an?)\s+(?P<ago_unit>{_UNIT})\s+ago\b)",
    rf"(?P<dmy>(?<!\d)(?P<dmy_d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dmy_m>{_MONTH})"
    r"(?:,?\s+(?P<dmy_y>\d{4})(?!\d))?)",
    rf"(?P<mdy>(?:{_WEEKDAY},?\s+)?(?P<mdy_m>{_MONTH}|{_LOWER_MONTH_IN_DATE})\s+(?P<mdy_d>\d{{1,2}})(?:st|nd|rd|th)?(?![\d])"
    r"(?:,?\s+(?P<mdy_y>\d{4})(?!\d))?)",
    r"(?P<month>(?:(?P<mon_mod>last|this|next|early|mid|late)(?:\s+|-))?"
    r"(?:(?:the\s+)?(?P<mon_part>start|beginning|middle|end)\s+of\s+)?"
    rf"(?P<mon_m>{_MONTH})(?:,?\s+(?P<mon_y>\d{{4}})(?!\d))?)",
    r"(?P<year>(?:(?P<yr_mod>early|mid|late)(?:\s+|-)|(?:the\s+)?(?P<yr_part>start|beginning|middle|end)\s+of\s+"
    r"|(?:the\s+)?(?P<yr_frac>(?:first|second|third|fourth|last)\s+(?:half|quarter))\s+of\s+)?"
    r"(?<![\d,.$€£])(?P<yr_y>(?:18|19|20)\d{2})"
    rf"{_NOT_A_YEAR_AFTER})",
    r"(?P<earlier>(?P<early_mod>earlier|later|early|late)\s+this\s+(?P<early_unit>week|month|year))",
    # "since the spring", "last summer", "the end of the summer", "the autumn of 2023" (seasons in lower case:
    # "the Arab Spring" is an event, not a season)
    r"(?P<season>(?:(?P<sea_mod>last|this|next|early|mid|late)(?:\s+|-)|(?:the\s+)?(?P<sea_part>start|beginning|middle"
    r"|end)\s+of\s+(?:the\s+|this\s+|last\s+)?|the\s+)?(?P<sea_name>(?-i:spring|summer|autumn|winter|fall))"
    r"(?:,?\s+(?:of\s+)?(?P<sea_y>(?:19|20)\d{2})(?!\d))?)",
    # "since the start of the year": the current year, like "since the beginning of this year"
    r"(?P<relative>(?:the\s+)?(?P<rel_mod>past|last|previous|recent|this|next|coming|current"
    r"|(?:(?<=start\sof\s)|(?<=beginning\sof\s)|(?<=outset\sof\s))the)\s+"
    rf"(?:(?P<rel_n>{_NUM}|{_VAGUE_NUM})\s+)?(?P<rel_unit>hours?|days?|weeks?|weekends?|months?|years?)(?![A-Za-z]))",
    r"(?P<dayword>the\s+day\s+before\s+yesterday|yesterday(?:\s+(?:morning|afternoon|evening))?|today"
    r"|tonight|this\s+(?:morning|afternoon|evening)|last\s+night|overnight|now(?!-)|currently|at\s+present)",
    rf"(?P<weekday>(?:(?P<wd_mod>last|this|next|past)\s+)?(?P<wd_name>{_WEEKDAY})"
    r"(?:\s+(?:morning|afternoon|evening|night))?)",
    rf"(?P<duration>(?P<dur_n>{_NUM}|an?)[\s-]+(?P<dur_unit>hours?|days?|weeks?|months?|years?|decades?)"
    r"(?:-long|-old)?)",
    r"(?P<vague_duration>(?:days|weeks|months|years|decades))",
)
# Every expression starts with a digit or with one of these word beginnings (a preposition of _PREFIX,
# "the", a modifier, a number word, a month, a weekday, a unit, a day word). Python's re tries the whole
# alternation at every word start; this lookahead turns most of them away at once. A new word that can
# begin an expression must be added here too.
_TEMPORAL_START = (
    r"(?=[0-9]|a|by|beg|cam|clo|com|con|cou|cur|day|dec|dur|ear|eig|ele|end|fal|fe|fi|fo|fr|hou|in|j|la|les|spr"
    r"|ma|mi|mo|ne|ni|no|oc|off|on|op|ov|pa|pre|rec|s[aeiotu]|t[ehiouw]|und|unt|war|wed|wee|wi|ye)"
)
_TEMPORAL_RE = re.compile(
    rf"(?<![A-Za-z0-9]){_TEMPORAL_START}{_PREFIX}(?:{'|'.join(_ALTERNATIVES)})(?![A-Za-z0-9])", re.IGNORECASE
)
_TEMPORAL_TRIGGER_RE = _PATTERNS.temporal_trigger
# The trigger's plain words (all its alternatives but "\d" today), looked for with str's "in" in the lower-cased
# sentence (words.holds_none), and the rest of it as a pattern: the same answer as the trigger's search in an eighth
# of the time (1.5 against 11.7 us a sentence, the sentences the claims and statuses of 300 synthetic articles date).
# A trigger with groups or classes is not split at its bars: then it is searched whole.
_TRIGGER_PARTS = [] if re.search(r"[()\[\]]", _TEMPORAL_TRIGGER_RE.pattern) else _TEMPORAL_TRIGGER_RE.pattern.split("|")
_TRIGGER_WORDS = tuple(part for part in _TRIGGER_PARTS if part.isascii() and part.isalpha() and part.islower())
_TRIGGER_REST_RE = (re.compile("|".join(part for part in _TRIGGER_PARTS if part not in _TRIGGER_WORDS) or "(?!)",
                               re.IGNORECASE) if _TRIGGER_PARTS else _TEMPORAL_TRIGGER_RE)


@functools.cache
def temporal_finder() -> re.Pattern[str]:
    """_TEMPORAL_RE's search made faster: where this finds a start in the lower-cased sentence (re compares plain
    characters faster than folded ones), _TEMPORAL_RE is tried there on the sentence as written. The look-ahead
    of the beginnings its matches can have (:func:`~geomap.claims.match_starts.with_match_starts`) turns away
    most word starts ("the", "in the") before its alternation is tried. Made on first use (0.07 s of CPU)."""
    return re.compile(with_match_starts(blind_to_case(_TEMPORAL_RE.pattern)))


_KIND_GROUPS = (
    "iso", "event", "opening", "been", "ago", "dmy", "mdy", "month", "year", "earlier", "season", "relative", "dayword",
    "weekday", "duration", "vague_duration",
)  # fmt: skip

_CALENDAR_EVENTS = frozenset({"month", "year", "week"})
_SEASON_FIRST_MONTH = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}  # meteorological seasons
_SINCE_THE_START_RE = re.compile(r"\b(?:since|from)\s+the\s+(?:very\s+)?(?:start|beginning|outset)\s+of\s+$",
                                 re.IGNORECASE)
# "in August and September": a month coordinated with a month before it is a date too.
# "a big slowdown compared to May": a month a figure is compared with is a date, even bare
_COMPARED_WITH_RE = re.compile(r"\bcompared\s+(?:to|with)\s+$", re.IGNORECASE)
_COORDINATED_MONTH_RE = re.compile(rf"{_MONTH}(?:\s+\d{{4}})?\s*(?:,|\band\b|\bor\b)\s*(?:and\s+)?$")

# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class TemporalExpression:
    """One temporal expression in a sentence.

    Attributes
    ----------
    start, end : int
        Offsets in the sentence; ``text == sentence[start:end]`` (the
        preposition included: "since August", "By March", "on Wednesday").
    kind : str
        date | month | year | relative_day | weekday | period | span | ago |
        event | duration.
    relation : str
        at | since | by (see the module docstring).
    modifier : str or None
        last | this | next | past | recent | previous | coming | current |
        early | mid | late | earlier | later | yesterday | today | ... .
    year, month, day, weekday : int or None
        Explicit calendar fields (weekday 0 = Monday).
    unit : str or None
        hour | day | week | weekend | month | year | decade.
    count : float or None
        The number of units ("past two weeks" -> 2).
    event : str or None
        The event named in "the first weeks of the attack".
    """

    start: int
    end: int
    text: str
    kind: str
    relation: str = "at"
    modifier: str | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    unit: str | None = None
    count: float | None = None
    event: str | None = None

    @property
    def is_duration(self) -> bool:
        return self.kind == "duration"

    @property
    def is_relative(self) -> bool:
        """Whether resolving needs the publication date."""
        if self.kind in ("event", "season"):
            return self.month is not None and self.year is None  # "the first 30 days of December", "last summer"
        if self.kind in ("year", "duration"):
            return False
        if self.kind in ("date", "month"):
            return self.year is None
        return True

    @property
    def duration_days(self) -> float | None:
        """Length in days of a duration ("eight months" -> 243.5), else None."""
        if self.kind != "duration" or self.count is None or self.unit is None:
            return None
        return self.count * DAYS_PER_UNIT[self.unit]


@dataclass(frozen=True)
class AsOf:
    """The date range a sentence's claim refers to, and the words that say so."""

    start: date | None
    end: date | None
    text: str | None
    expression: TemporalExpression | None = None


# --------------------------------------------------------------------------
# Finding
# --------------------------------------------------------------------------


def _count_value(written: str | None, *, plural: bool) -> float | None:
    """Number of units from "two", "12", "a few", "a", or nothing."""
    if written is None:
        return _FEW if plural else 1.0
    lower = " ".join(written.lower().split())
    if lower in ("a", "an"):
        return 1.0
    if lower.startswith(("a couple", "couple")):
        return 2.0
    if lower in ("a few", "few", "several"):
        return _FEW
    return parse_number(lower)


def _unit_name(written: str) -> str:
    lower = written.lower()
    return lower[:-1] if lower.endswith("s") else lower


def _expression_from_match(m: re.Match[str]) -> TemporalExpression | None:
    """Build the record for a match, or None when the match is not a date after all."""
    kind_group = next(name for name in _KIND_GROUPS if m.group(name) is not None)
    prep = m.group("prep")
    prep_key = " ".join(prep.lower().split()) if prep else None
    relation = _RELATIONS.get(prep_key, "at") if prep_key else "at"
    fields: dict[str, object] = {}
    if kind_group == "iso":
        fields = dict(kind="date", year=int(m.group("iso_y")), month=int(m.group("iso_m")), day=int(m.group("iso_d")))
    elif kind_group == "dmy":
        fields = _day_fields(m, "dmy")
    elif kind_group == "mdy":
        fields = _day_fields(m, "mdy")
    elif kind_group == "month":
        modifier = _lower_or_none(m.group("mon_mod"))
        part = _lower_or_none(m.group("mon_part"))
        year = _int_or_none(m.group("mon_y"))
        if year is None and modifier is None and part is None and prep is None and not _PATTERNS.event_noun_after.match(
                m.string, m.end()) and not re.match(r"\s*\(\s*[\d~≈]", m.string[m.end() : m.end() + 6]) and not (
                _COORDINATED_MONTH_RE.search(m.string, max(0, m.start() - 40), m.start())) and not (
                m.group("mon_m").lower() != "may" and _PATTERNS.month_subject_after.match(m.string, m.end())) and not (
                _COMPARED_WITH_RE.search(m.string, max(0, m.start() - 20), m.start())):
            return None  # a bare "May"/"March" is too often a verb; "the August incursion" is a date
        if part is not None:
            modifier = _PART_MODIFIERS[part] if modifier in (None, "early", "mid", "late") else modifier
        fields = dict(kind="month", month=_month_number(m.group("mon_m")), year=year, modifier=modifier)
    elif kind_group == "year":
        part = _lower_or_none(m.group("yr_part"))  # "the end of 2023" -> late 2023
        modifier = _PART_MODIFIERS[part] if part else _lower_or_none(m.group("yr_mod"))
        if m.group("yr_frac"):  # "the first half of 2025" -> h1, "the last quarter of 2024" -> q4
            modifier = _YEAR_FRACTIONS[" ".join(m.group("yr_frac").lower().split())]
        fields = dict(kind="year", year=int(m.group("yr_y")), modifier=modifier)
    elif kind_group == "earlier":
        modifier = {"early": "earlier", "late": "later"}.get(m.group("early_mod").lower(), m.group("early_mod").lower())
        fields = dict(kind="period", modifier=modifier, unit=m.group("early_unit").lower())
    elif kind_group == "season":
        name = m.group("sea_name")
        modifier = _lower_or_none(m.group("sea_mod"))
        part = _lower_or_none(m.group("sea_part"))
        year = _int_or_none(m.group("sea_y"))
        determined = m.group().lower().startswith(("the ", "the\n")) or part is not None
        if modifier is None and year is None and not determined and prep is None:
            return None  # "summer clothes": no time without "the", "last", a year or a preposition
        if name == "fall" and (modifier not in ("last", "this", "next") and year is None and prep is None
                               or re.match(r"\s+(?:of\s+[A-Z]|to\b|in\b|from\b|back\b)", m.string[m.end():])):
            return None  # "the fall of Aleppo", "a fall in prices"
        if part is not None:
            modifier = _PART_MODIFIERS[part]
        fields = dict(kind="season", month=_SEASON_FIRST_MONTH[name], year=year, modifier=modifier)
    elif kind_group == "relative":
        if m.group("rel_mod").lower() == "the":
            if not _SINCE_THE_START_RE.search(m.string, max(0, m.start() - 40), m.start()) or m.group(
                    "rel_n") or m.group("rel_unit").lower() not in ("year", "month"):
                return None  # "at the start of the year" may be any year's; "since" it, only this one's
        fields = _relative_fields(m)
    elif kind_group == "dayword":
        fields = dict(kind="relative_day", modifier=_dayword_key(m.group("dayword")))
    elif kind_group == "weekday":
        weekday = _WEEKDAYS[m.group("wd_name").lower()]
        fields = dict(kind="weekday", weekday=weekday, modifier=_lower_or_none(m.group("wd_mod")))
    elif kind_group in ("ago", "been"):
        unit = _unit_name(m.group(f"{kind_group}_unit"))
        fields = dict(kind="ago", unit=unit, count=_count_value(m.group(f"{kind_group}_n"), plural=False))
    elif kind_group == "event":
        unit_written = m.group("ev_unit").lower()
        plural = unit_written.endswith("s")
        part = m.group("ev_part").lower()
        event = " ".join(m.group("ev_name").lower().split())
        fields = dict(
            kind="event",
            modifier="last" if part in ("last", "final", "closing") else "first",
            unit=_unit_name(unit_written),
            count=_count_value(m.group("ev_n"), plural=plural),
            event=event,
        )
        if event in _MONTHS:  # "in the first 30 days of December": days of a month, not of an event
            fields.update(month=_MONTHS[event], year=_int_or_none(m.group("ev_y")))
        elif fields["unit"] == "hour" and event in _WEEKDAYS:  # "in the early hours of Sunday": that day
            fields = dict(kind="weekday", weekday=_WEEKDAYS[event], modifier=None)
        elif fields["unit"] == "hour" and event in _TIMES_OF_DAY:
            # "in the early hours of the morning": a time of a day the text does not name, the day it reports
            fields = dict(kind="relative_day", modifier="today")
        elif m.group("ev_y"):
            return None  # a year after an event's name ("the first days of the war 2022") is no date of it
    elif kind_group == "opening":
        fields = dict(
            kind="event",
            modifier="first",
            unit=_unit_name(m.group("op_unit").lower()),
            count=_count_value(m.group("op_n"), plural=True),
            event=(m.group("op_name") or "operation").lower(),
        )
    elif kind_group == "duration":
        count = _count_value(m.group("dur_n"), plural=False)
        fields = dict(kind="duration", unit=_unit_name(m.group("dur_unit")), count=count)
        relation = "at"
    elif kind_group == "vague_duration":
        if prep_key not in ("for", "over", "within", "throughout"):
            return None  # "taking months" is not an expression we can use
        fields = dict(kind="duration", unit=_unit_name(m.group("vague_duration")), count=None)
        relation = "at"
    return TemporalExpression(
        start=m.start(), end=m.end(), text=m.group(), relation=relation, **fields  # type: ignore[arg-type]
    )


def _day_fields(m: re.Match[str], prefix: str) -> dict[str, object]:
    """Fields of "13 March 2025" (prefix dmy) or "March 13, 2025" (prefix mdy)."""
    return dict(
        kind="date",
        day=int(m.group(f"{prefix}_d")),
        month=_month_number(m.group(f"{prefix}_m")),
        year=_int_or_none(m.group(f"{prefix}_y")),
    )


def _relative_fields(m: re.Match[str]) -> dict[str, object]:
    modifier = m.group("rel_mod").lower()
    modifier = "this" if modifier == "the" else modifier  # "since the start of the year"
    unit_written = m.group("rel_unit").lower()
    plural = unit_written.endswith("s")
    unit = _unit_name(unit_written)
    written_count = m.group("rel_n")
    calendar_modifiers = ("last", "previous", "this", "next", "coming", "current")
    if written_count is None and not plural and modifier in calendar_modifiers:
        return dict(kind="period", modifier=modifier, unit=unit)
    count = _count_value(written_count, plural=plural)
    return dict(kind="span", modifier=modifier, unit=unit, count=count)


def _dayword_key(written: str) -> str:
    lower = " ".join(written.lower().split())
    if lower.startswith("the day before"):
        return "day before yesterday"
    if lower.startswith("yesterday"):
        return "yesterday"
    if lower in ("last night", "overnight"):
        return lower
    if lower in ("now", "currently", "at present"):
        return "now"
    return "today"


def _month_number(written: str) -> int:
    return _MONTHS[written.lower().rstrip(".")]


def _int_or_none(written: str | None) -> int | None:
    return int(written) if written else None


def _lower_or_none(written: str | None) -> str | None:
    return written.lower() if written else None


def find_temporal(sentence: str) -> list[TemporalExpression]:
    """Every temporal expression in ``sentence``, in order, without overlaps.

    Examples
    --------
    >>> [e.text for e in find_temporal("By March, Russia had retaken most of what Ukraine held in August.")]
    ['By March', 'in August']
    """
    return list(_temporal_in(sentence))


@functools.lru_cache(maxsize=2048)
def _temporal_in(sentence: str) -> tuple[TemporalExpression, ...]:
    """:func:`find_temporal`, remembered: a sentence with several claims is dated once per claim, and the
    expressions (frozen records) depend on the sentence alone."""
    if not may_hold_expression(sentence):
        return ()
    found: list[TemporalExpression] = []
    pos = 0
    has_since = "since" in sentence.lower()  # most sentences have none: skip the since-phrase search
    lowered = None if folds_to_ascii(sentence) else sentence.lower()
    while True:
        m = _next_match(sentence, lowered, pos)
        if m is None:
            break
        expression = _expression_from_match(m)
        if expression is None:
            pos = m.start() + 1
            continue
        if (has_since and expression.relation == "at" and expression.kind != "duration"
                and _PATTERNS.since_phrase.search(sentence, max(0, expression.start - 120), expression.start)):
            expression = dataclasses.replace(expression, relation="since")
        found.append(expression)
        pos = max(m.end(), m.start() + 1)
    return tuple(found)


def may_hold_expression(sentence: str) -> bool:
    """Whether ``sentence`` has what every expression needs (a digit, a unit, a month, a day word): the answer of
    the trigger's search (``temporal_trigger``), found faster; True also for a sentence with a letter that folds to
    an ASCII one (:func:`geomap.claims.words.holds_none`), which is then read whole."""
    return _TRIGGER_REST_RE.search(sentence) is not None or not holds_none(sentence, _TRIGGER_WORDS)


def _next_match(sentence: str, lowered: str | None, pos: int) -> re.Match[str] | None:
    """``_TEMPORAL_RE.search(sentence, pos)``, through the lower-cased sentence when there is one."""
    if lowered is None:
        return _TEMPORAL_RE.search(sentence, pos)
    finder = temporal_finder()
    while (candidate := finder.search(lowered, pos)) is not None:
        m = _TEMPORAL_RE.match(sentence, candidate.start())
        if m is not None:
            return m
        pos = candidate.start() + 1
    return None


# --------------------------------------------------------------------------
# Resolving
# --------------------------------------------------------------------------

Period = tuple[date | None, date | None]


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    years, month_index = divmod(day.month - 1 + months, 12)
    year = day.year + years
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _shift(day: date, count: float, unit: str) -> date:
    """``day`` moved ``count`` units into the past (negative count: the future)."""
    if unit in ("month", "year", "decade"):
        months = round(count * {"month": 1, "year": 12, "decade": 120}[unit])
        return _add_months(day, -months)
    days = count * DAYS_PER_UNIT[unit]
    return day - timedelta(days=math.ceil(days) if days > 0 else math.floor(days))


def _sub_period(start: date, end: date, modifier: str | None, *, unit: str) -> tuple[date, date]:
    """Early/mid/late part of a month (days 1-10, 11-20, 21-end) or year (thirds), or a half or quarter of a
    year."""
    if modifier not in _YEAR_PART_MONTHS or (unit == "month" and modifier not in ("early", "mid", "late")):
        return start, end
    if unit == "month":
        bounds = {"early": (1, 10), "mid": (11, 20), "late": (21, end.day)}[modifier]
        return start.replace(day=bounds[0]), start.replace(day=bounds[1])
    months = _YEAR_PART_MONTHS[modifier]
    return _month_bounds(start.year, months[0])[0], _month_bounds(start.year, months[1])[1]


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _period(expr: TemporalExpression, published: date | None, anchors: Mapping[str, date] | None) -> Period:
    """The period the expression names, before its relation (since/by) is applied."""
    kind = expr.kind
    if kind == "duration":
        return None, None
    if kind == "season" and expr.month is not None:
        return _season_period(expr, published)
    if kind == "event" and expr.month is not None:
        return _month_part_period(expr, published)
    if kind == "event":
        return _event_period(expr, anchors)
    if kind == "year" and expr.year is not None:
        start, end = date(expr.year, 1, 1), date(expr.year, 12, 31)
        return _sub_period(start, end, expr.modifier, unit="year")
    if kind == "date" and expr.month is not None and expr.day is not None:
        return _date_period(expr, published)
    if kind == "month" and expr.month is not None:
        return _month_period(expr, published)
    if published is None:
        return None, None
    if kind == "relative_day":
        offsets = {
            "today": (0, 0), "now": (0, 0), "yesterday": (1, 1), "day before yesterday": (2, 2),
            "last night": (1, 1), "overnight": (1, 0),
        }  # fmt: skip
        back_start, back_end = offsets.get(expr.modifier or "today", (0, 0))
        return published - timedelta(days=back_start), published - timedelta(days=back_end)
    if kind == "weekday" and expr.weekday is not None:
        return _weekday_period(expr.weekday, expr.modifier, published)
    if kind == "period" and expr.unit is not None:
        return _calendar_period(expr.modifier, expr.unit, published)
    if kind == "span" and expr.unit is not None and expr.count is not None:
        return _shift(published, expr.count, expr.unit), published
    if kind == "ago" and expr.unit is not None and expr.count is not None:
        day = _shift(published, expr.count, expr.unit)
        return day, day
    return None, None


def _date_period(expr: TemporalExpression, published: date | None) -> Period:
    assert expr.month is not None and expr.day is not None
    try:
        if expr.year is not None:
            day = date(expr.year, expr.month, expr.day)
            return day, day
        if published is None:
            return None, None
        day = date(published.year, expr.month, expr.day)
        if day > published:
            day = date(published.year - 1, expr.month, expr.day)
        return day, day
    except ValueError:  # "February 30", "29 February" in a common year
        return None, None


def _month_period(expr: TemporalExpression, published: date | None) -> Period:
    assert expr.month is not None
    year = expr.year
    if year is None:
        if published is None:
            return None, None
        month, current = expr.month, published.month
        if expr.modifier == "last":
            year = published.year if month < current else published.year - 1
        elif expr.modifier == "next":
            year = published.year if month > current else published.year + 1
        elif expr.modifier == "this":
            year = published.year
        else:
            year = published.year if month <= current else published.year - 1
    start, end = _month_bounds(year, expr.month)
    return _sub_period(start, end, expr.modifier, unit="month")


def _weekday_period(weekday: int, modifier: str | None, published: date) -> Period:
    if modifier == "next":
        ahead = (weekday - published.weekday()) % 7 or 7
        day = published + timedelta(days=ahead)
    else:
        back = (published.weekday() - weekday) % 7
        if modifier in ("last", "past") and back == 0:
            back = 7
        day = published - timedelta(days=back)
    return day, day


def _calendar_period(modifier: str | None, unit: str, published: date) -> Period:
    """'last week', 'this month', 'earlier this year', 'next week' ..."""
    if unit == "weekend":
        return _weekend_period(modifier, published)
    if unit == "week":
        start = _week_start(published)
        end = start + timedelta(days=6)
    elif unit == "month":
        start, end = _month_bounds(published.year, published.month)
    elif unit == "year":
        start, end = date(published.year, 1, 1), date(published.year, 12, 31)
    else:  # day, hour: the publication day
        start = end = published
    if modifier in ("last", "previous"):
        end = start - timedelta(days=1)
        return _calendar_start(end, unit), end
    if modifier in ("next", "coming"):
        start = end + timedelta(days=1)
        return start, _calendar_end(start, unit)
    if modifier == "earlier":
        return start, max(start, published - timedelta(days=1))
    if modifier == "later":
        return published, end
    return start, min(end, published)  # this / current


def _weekend_period(modifier: str | None, published: date) -> Period:
    """Saturday and Sunday: "last weekend" is the latest one that is over."""
    saturday = _week_start(published) + timedelta(days=5)
    if modifier in ("last", "previous"):
        if saturday + timedelta(days=1) >= published:
            saturday -= timedelta(days=7)
    elif modifier in ("next", "coming"):
        if saturday <= published:
            saturday += timedelta(days=7)
    return saturday, saturday + timedelta(days=1)


def _calendar_start(day: date, unit: str) -> date:
    if unit == "week":
        return _week_start(day)
    if unit == "month":
        return day.replace(day=1)
    if unit == "year":
        return date(day.year, 1, 1)
    return day


def _calendar_end(day: date, unit: str) -> date:
    if unit == "week":
        return day + timedelta(days=6)
    if unit == "month":
        return _month_bounds(day.year, day.month)[1]
    if unit == "year":
        return date(day.year, 12, 31)
    return day


def _season_period(expr: TemporalExpression, published: date | None) -> Period:
    """The three months of a season: its written year's ("the autumn of 2023"; winter runs into the next year), else
    the most recent one begun by publication ("since the spring"), for "last" the most recent one ended before it
    ("last summer" in October is this year's), for "next" the next to begin; "early"/"mid"/"late": its months."""
    assert expr.month is not None
    first = expr.month
    if expr.year is not None:
        year = expr.year
    elif published is None:
        return None, None
    elif expr.modifier == "next":
        year = published.year if date(published.year, first, 1) > published else published.year + 1
    else:
        year = published.year if date(published.year, first, 1) <= published else published.year - 1
        if expr.modifier == "last" and _add_months(date(year, first, 1), 3) > published:
            year -= 1  # not over yet: the one before
    start = date(year, first, 1)
    end = _add_months(start, 3) - timedelta(days=1)
    part = {"early": 0, "mid": 1, "late": 2}.get(expr.modifier or "")
    if part is not None:
        start = _add_months(start, part)
        end = _add_months(start, 1) - timedelta(days=1)
    return start, end


def _month_part_period(expr: TemporalExpression, published: date | None) -> Period:
    """The first (or last) days, weeks of a month: "in the first 30 days of December" -> 1-30 December of the
    month's most recent year (its own year when written), "the last week of March" -> 25-31 March."""
    assert expr.month is not None
    month_start, month_end = _month_period(
        TemporalExpression(start=expr.start, end=expr.end, text=expr.text, kind="month", relation="at",
                           month=expr.month, year=expr.year), published)
    if month_start is None or month_end is None or expr.unit is None or expr.count is None:
        return month_start, month_end
    if expr.modifier == "last":
        return max(month_start, _shift(month_end, expr.count, expr.unit) + timedelta(days=1)), month_end
    return month_start, min(month_end, _shift(month_start, -expr.count, expr.unit) - timedelta(days=1))


def _event_period(expr: TemporalExpression, anchors: Mapping[str, date] | None) -> Period:
    if not anchors or expr.event is None or expr.modifier != "first" or expr.unit is None or expr.count is None:
        return None, None
    folded = {key.lower(): value for key, value in anchors.items()}
    anchor = folded.get(expr.event) or folded.get(expr.event.split()[0])
    if anchor is None:
        return None, None
    end = _shift(anchor, -expr.count, expr.unit) - timedelta(days=1)
    return anchor, max(anchor, end)


def resolve(
    expr: TemporalExpression,
    published: date | None,
    anchors: Mapping[str, date] | None = None,
) -> tuple[date | None, date | None]:
    """The ``(start, end)`` dates (inclusive) an expression refers to.

    Parameters
    ----------
    expr : TemporalExpression
        From :func:`find_temporal`.
    published : datetime.date or None
        The article's publication date; relative expressions need it.
    anchors : mapping of str to datetime.date, optional
        Start dates of named events ("attack": date(2024, 8, 6)) for
        "the first weeks of the attack".

    Returns
    -------
    (date or None, date or None)
        ``(None, None)`` when the expression cannot be resolved (a relative
        expression without a publication date, an unknown event, a duration).
    """
    if expr.is_relative and published is None:
        return None, None
    try:
        start, end = _period(expr, published, anchors)
    except (ValueError, OverflowError):  # a date outside datetime's range ("900 years ago")
        return None, None
    if start is None or end is None:
        return None, None
    if start.year < FIRST_YEAR or end.year > LAST_YEAR:  # "1 January 0001": a slip, and no date of the news
        return None, None
    future = expr.modifier in _FUTURE_MODIFIERS
    if expr.is_relative and not future and published is not None:
        end = min(end, published)
        start = min(start, end)
    if expr.relation == "since":
        return start, published
    if expr.relation == "by":
        point = min(end, published) if published is not None else end
        return point, point
    return start, end


def as_of_for_sentence(
    sentence: str,
    published: date | None,
    tense_hint: str | None = None,
    *,
    anchors: Mapping[str, date] | None = None,
    focus: tuple[int, int] | None = None,
    participle_baseline: bool = True,
    expressions: Sequence[TemporalExpression] | None = None,
) -> AsOf:
    """The as-of date range of a claim in ``sentence``.

    Parameters
    ----------
    sentence : str
        The sentence holding the claim.
    published : datetime.date or None
        Publication date of the article.
    tense_hint : {None, "present", "past"}
        What to return when the sentence has no usable expression: the
        publication date (None, "present") or "some time up to publication"
        ("past").
    anchors : mapping, optional
        Named event dates, see :func:`resolve`.
    focus : (int, int), optional
        Offsets of the quantity in ``sentence``; picks the expression that
        belongs to it (see the module docstring).
    participle_baseline : bool
        Skip expressions after "taken/seized/... by" (they date a share's base).
    expressions : sequence of TemporalExpression, optional
        The sentence's expressions when the caller has them already.

    Examples
    --------
    >>> as_of_for_sentence("In August, Ukraine seized 386 square miles.", date(2025, 3, 15))  # doctest: +ELLIPSIS
    AsOf(start=datetime.date(2024, 8, 1), end=datetime.date(2024, 8, 31), text='In August', ...)
    """
    found = find_temporal(sentence) if expressions is None else expressions
    candidates = [e for e in found if not e.is_duration]
    while True:
        chosen = _choose(sentence, candidates, focus, participle_baseline)
        if chosen is None:
            if published is None:
                return AsOf(None, None, None)
            if tense_hint == "past":
                return AsOf(None, published, None)
            return AsOf(published, published, None)
        if chosen.kind == "event" and chosen.event in _CALENDAR_EVENTS:
            # "in the first 30 days of the month": the month the sentence names, else the current one
            named = [e for e in candidates if e.kind in ("month", "year", "date") and e is not chosen]
            unit = "month" if chosen.event == "month" else chosen.event
            target = named[-1] if named else TemporalExpression(chosen.start, chosen.end, chosen.text, "period",
                                                                modifier="this", unit=unit)
            start, end = resolve(dataclasses.replace(target, relation="at"), published, anchors)
            return AsOf(start, end, chosen.text, chosen)
        if focus is not None and published is not None and _dates_the_event_a_present_state_followed(
                sentence, chosen, focus):
            return AsOf(published, published, None)  # whatever else the sentence dates is another event's
        if focus is not None and (_dates_another_start(sentence, chosen, focus)
                                  or _dates_an_earlier_clause(sentence, chosen, focus)
                                  or _dates_an_event_after_a_present_holding(sentence, chosen, focus)
                                  or _dates_a_noun_in_brackets(sentence, chosen, focus)
                                  or _dates_the_cause_of_a_state(sentence, chosen, focus)):
            candidates = [e for e in candidates if e is not chosen]  # "have pushed 6km ... launched in September"
            continue
        bounds = _between_pair(sentence, candidates, chosen)
        if bounds is not None:  # "between January 1, 2024, and April 29, 2024": one span from the first to the second
            first, last = bounds
            start, end = resolve(first, published, anchors)[0], resolve(last, published, anchors)[1]
            if start is not None and end is not None and start <= end:
                return AsOf(start, end, sentence[first.start : last.end], first)
        start, end = resolve(chosen, published, anchors)
        if start is None and end is None and chosen.kind == "event" and len(candidates) > 1:
            candidates = [e for e in candidates if e is not chosen]  # "the first months of the war in 2022"
            continue
        return AsOf(start, end, chosen.text, chosen)


_EVENT_WORD_RE = re.compile(r"\b(?:following|after|amid|in\s+the\s+(?:wake|aftermath)\s+of)\b", re.IGNORECASE)
_STATE_NOW_RE = re.compile(r"\b(?:is|are|remains?)\b", re.IGNORECASE)
# "40-45 square kilometer territories of Armenia under Azerbaijani control after ...": a headline's verbless state
_UNDER_CONTROL_RE = re.compile(r"\bunder\s+(?:[\w’'-]+\s+){0,2}(?:control|occupation)\b", re.IGNORECASE)
# a verb that makes "under ... control" a change, not a state ("came under Russian control after the attack")
_CHANGE_VERB_RE = re.compile(r"\b(?:came|come|fell|fallen|brought|was|were|taken|passed|placed|put)\b", re.IGNORECASE)
# "after November 10, 2020, ...", "After the Turkish invasion in 1974, ...": the date of what the state followed
_AFTER_BEFORE_RE = re.compile(r"\b(?:after|following)\s+(?:[^,;:.()\s]+\s+){0,6}$", re.IGNORECASE)
# a holding in the present ("are under Azerbaijan's control", "remain in Russian hands", "Russia controls")
_PRESENT_HOLDING_RE = re.compile(r"\b(?:is|are|remains?)\s+(?:[\w’'-]+\s+){0,3}?(?:under|in)\s+(?:[\w’'-]+\s+){0,2}"
                                 r"(?:control|occupation|hands)\b|\b(?:is|are|remains?)\s+(?:[\w’'-]+\s+){0,2}?"
                                 r"(?:occupied|held|controlled)\b|\b(?:controls|holds|occupies)\b", re.IGNORECASE)


def _dates_the_cause_of_a_state(sentence: str, expr: TemporalExpression, focus: tuple[int, int]) -> bool:
    """An expression after the figure, inside a phrase about what brought the state about, when the figure's
    clause says what is ("150 square kilometers ... is under Azeri occupation following its aggressions in 2021
    and 2022"): it dates the cause, the state is of publication."""
    if expr.start < focus[1] or expr.relation != "at":
        return False
    event = None
    for event in _EVENT_WORD_RE.finditer(sentence, focus[1], expr.start):
        pass
    if event is None or not _PATTERNS.event_phrase.search(sentence, max(0, expr.start - 80), expr.start):
        return False
    clause = sentence[focus[1] : event.start()]
    if _PATTERNS.clause_break.search(clause) is not None:
        return False
    return _STATE_NOW_RE.search(clause) is not None or (
        _UNDER_CONTROL_RE.search(clause) is not None and _CHANGE_VERB_RE.search(clause) is None)


def _dates_the_event_a_present_state_followed(sentence: str, expr: TemporalExpression, focus: tuple[int, int]) -> bool:
    """A date in a phrase of "after" or "following" before the figure, when the figure's clause holds it in the
    present ("after November 10, 2020, those territories, more than 40-45 square kilometers ..., are under
    Azerbaijan's control"): it dates the event the state followed, the state is of the day of writing."""
    if expr.end > focus[0] or expr.relation != "at":
        return False
    if _AFTER_BEFORE_RE.search(sentence, max(0, expr.start - 60), expr.start) is None:
        return False
    broken = _PATTERNS.clause_break.search(sentence, focus[1])
    clause = sentence[expr.end : broken.start() if broken is not None else len(sentence)]
    return _PRESENT_HOLDING_RE.search(clause) is not None and _PATTERNS.clause_break.search(
        sentence, expr.end, focus[0]) is None


_BETWEEN_BEFORE_RE = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_AND_BETWEEN_RE = re.compile(r",?\s+and\s+")
_FROM_TO_RE = re.compile(r",?\s*(?:to|[-–])\s*|,?\s+(?=(?:until|till|through)\s)", re.IGNORECASE)


def _between_pair(
    sentence: str, candidates: Sequence[TemporalExpression], chosen: TemporalExpression
) -> tuple[TemporalExpression, TemporalExpression] | None:
    """The two ends of "between X and Y" or "from X to Y" when ``chosen`` is one of them, else None."""
    index = next(i for i, e in enumerate(candidates) if e is chosen)
    for first_index in (index, index - 1):
        if first_index < 0 or first_index + 1 >= len(candidates):
            continue
        first, last = candidates[first_index], candidates[first_index + 1]
        between = first.relation == "at" and last.relation == "at" and _BETWEEN_BEFORE_RE.search(
            sentence, max(0, first.start - 10), first.start) and _AND_BETWEEN_RE.fullmatch(sentence, first.end,
                                                                                          last.start)
        joined = _FROM_TO_RE.match(sentence, first.end)
        from_to = first.relation == "since" and first.text[:4].lower() == "from" and last.relation in (
            "at", "by") and joined is not None and joined.end() == last.start
        if between or from_to:
            return first, last
    return None


def _dates_a_noun_in_brackets(sentence: str, expr: TemporalExpression, focus: tuple[int, int]) -> bool:
    """A date alone in brackets after a name ("Together with the annexed Crimea (2014) and the zones ..., Russia
    has seized 108,070 sq. km"): when that name was annexed, founded or taken, not the time of the figure (a
    bracket right after the figure, "in both August (477 sq km)", is another matter: the figure is inside)."""
    opening = sentence.rfind("(", 0, expr.start)
    if opening < 0 or sentence[opening + 1 : expr.start].strip() or focus[0] <= expr.start < focus[1]:
        return False
    closing = sentence.find(")", expr.end)
    if closing < 0 or sentence[expr.end : closing].strip():
        return False
    return re.search(r"[A-Za-z]\s*$", sentence[:opening]) is not None and not opening <= focus[0] <= closing


def _dates_an_earlier_clause(sentence: str, expr: TemporalExpression, focus: tuple[int, int]) -> bool:
    """An expression in a clause before the claim's, when the claim's own clause is a present perfect, says
    "now" or holds "still" in the present ("launched an offensive in Kursk last summer but Russia has wrested back
    control of more than two-thirds", "at May 9 parade, but Ukraine still controls 100km²"): it dates the other
    clause's act, the claim is of publication."""
    if expr.end > focus[0] or expr.relation == "since":
        return False
    between = sentence[expr.end : focus[0]]
    broken = _PATTERNS.clause_break.search(between)
    if broken is None:
        return False
    clause_start = expr.end + broken.end()
    return bool(_PATTERNS.perfect.search(sentence, clause_start, focus[0]) or re.search(
        r"\b(?:now|currently)\b", sentence[clause_start : focus[0]], re.IGNORECASE)
        or _PATTERNS.still_present.search(sentence, clause_start, focus[0]))


def _dates_an_event_after_a_present_holding(sentence: str, expr: TemporalExpression, focus: tuple[int, int]) -> bool:
    """An expression in a phrase about another event after a holding its clause puts in the present with "still"
    ("it still occupies a critical 90 sq km ..., following a significant incursion last August"): it dates that
    event, the holding is of the day of writing (as "at May 9 parade, but Ukraine still controls 100km²" before it)."""
    if expr.start < focus[1] or expr.relation == "since":
        return False
    if not _PATTERNS.event_phrase.search(sentence, max(focus[1], expr.start - 80), expr.start):
        return False
    clause_start = 0
    for broken in _PATTERNS.clause_break.finditer(sentence, 0, focus[0]):
        clause_start = broken.end()
    return _PATTERNS.still_present.search(sentence, clause_start, focus[0]) is not None


def _dates_another_start(sentence: str, expr: TemporalExpression, focus: tuple[int, int]) -> bool:
    """An expression after a present-perfect claim that dates when something else began ("Israeli troops
    have pushed around 6km into Lebanon in a series of ground incursions launched in September")."""
    if expr.start < focus[1] or expr.relation == "since":
        return False
    if not re.search(r"\b(?:launched|started|begun|began|erupted)\s+(?:\w+\s+){0,2}$", sentence[:expr.start],
                     re.IGNORECASE):
        return False
    return _PATTERNS.perfect.search(sentence, 0, focus[0]) is not None




def _choose(
    sentence: str, candidates: list[TemporalExpression], focus: tuple[int, int] | None,
    participle_baseline: bool = True,
) -> TemporalExpression | None:
    if not candidates:
        return None
    if focus is None:
        return candidates[0]
    focus_start, focus_end = focus
    opening = _PATTERNS.subordinate_opening.match(sentence)
    opening_end = opening.end() if opening is not None and opening.end() <= focus_start else -1
    best: tuple[tuple[bool, bool, bool, int, int], TemporalExpression] | None = None
    for order, expr in enumerate(candidates):
        # "the deepest incursion ... since the full-scale war began in February 2022": the comparison's "since"
        since = sentence.lower().rfind("since", max(0, expr.start - 40), expr.start) if expr.relation == "since" else -1
        compared = since if since >= 0 else expr.start
        if expr.relation == "since" and _PATTERNS.superlative_before.search(sentence, max(0, compared - 50), compared):
            continue  # "December accounted for the smallest gain since March, at 244 km²": no period of the figure
        if expr.end <= focus_start:
            between = sentence[expr.end : focus_start]
            if _PATTERNS.new_state.search(between):
                continue  # "that was in late 2015 in control of 22% ... has become in control of 38%": the old end's
        elif expr.start >= focus_end:
            between = sentence[focus_end : expr.start]
            # "of the areas taken by Ukraine in August" dates the base; "31% held by separatists before the
            # invasion" (the participle right after the figure) dates the figure itself
            if _PATTERNS.baseline.search(between) or (
                    participle_baseline and _PATTERNS.participle_baseline.search(between)
                    and not _PATTERNS.participle_baseline.match(between.lstrip())):
                continue  # "down from ... last year", "of the areas taken by Ukraine in August"
        else:
            between = ""
        bracketed = expr.end <= focus_start and re.fullmatch(r"\s*\(\s*", between) is not None
        # "controlled 70 percent of the country before Russia launched its air operation at the end of 2015": the
        # figure is of the time of what it came before, whatever else the sentence dates
        before_event = expr.start >= focus_end and _PATTERNS.before_event.search(between) is not None
        in_event_phrase = _PATTERNS.event_phrase.search(sentence, max(0, expr.start - 80), expr.start) is not None
        other_clause = _PATTERNS.clause_break.search(between) is not None or expr.end <= opening_end
        key = (not before_event and not bracketed, other_clause, in_event_phrase, len(between), order)
        if best is None or key < best[0]:
            best = (key, expr)
    return None if best is None else best[1]
