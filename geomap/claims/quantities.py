"""Find quantities in English news text and normalise them.

``find_quantities(text)`` returns one :class:`Quantity` per quantity, in text
order, with character offsets (Python ``str`` indices): ``text[q.start:q.end]
== q.surface`` always holds. The span covers the number and its unit (plus a
currency sign, the word "between" of a range, and a parenthesised second unit);
a qualifier ("about", "more than", ...) is reported separately with its own
offsets.

Rules
-----
Numbers
    * Digits with comma groups (``1,300``, ``1,300.5``), decimals (``98.5``),
      and groups of exactly three digits separated by a space, no-break space
      (U+00A0), thin space (U+2009) or narrow no-break space (U+202F):
      ``1 300``. The first group has one to three digits, so "In 1941 200
      people" stays two numbers.
    * A comma followed by one or two digits and a unit is a decimal comma:
      ``55,7%``, ``1,5 km`` (a thousands comma has three digits after it).
    * German thousands dots: a dot is a thousands separator only when the
      number starts with a non-zero group of one to three digits, every dot is
      followed by exactly three digits, no digit, decimal point or decimal
      comma follows, and no scale word follows (``1.300`` = 1300, ``1.300.000``
      = 1300000, but ``1.300 million`` = 1.3 million, ``0.300`` = 0.3). English
      news hardly ever writes three decimals, so the rule costs little.
    * Scale words after digits multiply: ``1.2 million``, ``260 billion``,
      ``5bn``, ``3 thousand``. After a currency sign ``m``, ``k`` and ``b`` are
      scales too (``$5m``); elsewhere ``m`` after a number is metres.
    * Number words up to the billions: "twelve", "twenty-five", "a hundred",
      "one hundred and twenty", "two thousand five hundred", "a dozen". A bare
      number word is reported only with a unit or a counted noun
      ("four regions"), and "one" only with a unit, because "one of", "one by
      one" and "One video" are not quantities a claim is made of.
    * "half a(n)" before an area or length unit is half of one unit: "half a
      square kilometre", "half a mile" (a measure, not the share "half"); so
      is "half-mile", an adjective ("a roughly half-mile buffer zone"), and a
      fraction before "(of) a(n)" and such a unit ("one-third a square mile",
      "a quarter of a square mile"). "a single square kilometre" and "a square
      mile" are one of the unit.
    * Vague plurals are lower bounds, flagged ``vague=True``: "dozens" = 24,
      "hundreds" = 200, "thousands" = 2,000, "tens of thousands" = 20,000,
      "hundreds of thousands" = 200,000, "millions" = 2,000,000 (two of the
      unit: the least the word can mean). "dozens of miles" is a length,
      "dozens of videos" a count.
    * Not quantities, skipped: numbers glued to letters (``F-16``, ``Su-34``,
      ``T-72B3``, ``5G``, ``MH17``), ordinals (``21st``), clock times
      (``10:30``, ``3 p.m.``), slashed numbers (``24/7``), ISO dates
      (``2025-03-13``), day and year numbers next to a month name ("March 13",
      "13 March 2025", "April 2022"), and bare years: four plain digits from
      1800 to 2100 with no unit, currency or known counted noun ("1941",
      "since 2022", "2022-2023"). Roman numerals ("World War II") and ordinal
      words ("second") are never numbers. Dates belong to
      :mod:`geomap.claims.temporal`.

Ranges
    "28 to 35 km", "28-35 km", "28–35 km" (en dash), "between 10 and 12 miles",
    "two or three km", "28 km to 35 km": one quantity with ``low``/``high`` and
    ``value`` the midpoint (``normalised`` likewise). A scale on the second
    number applies to both ("10-12 billion"). "X to Y" with X > Y, or after
    "from" ("from 1,368 to 110 square kilometers") or "by" ("shrunk by 12,800 sq km to 78,000 sq km"), is a
    change, not a range: two quantities, and the first takes the second's unit when it has none
    (``unit_shared``).

Units and normalised values (``normalised`` and ``normalised_unit``)
    * area -> km²: square kilometers/kilometres/km, sq km, sq. km, km², km2;
      square miles, sq mi, sq. mi, sq miles, mi²; hectares, ha; acres; square
      metres, m²; "kilometer grid square" (a military map's square, 1 km²).
      1 sq mi = 2.589988110336 km² (exact), 1 ha = 0.01 km²,
      1 acre = 0.0040468564224 km².
    * length -> km: km, kilometers/kilometres; miles, mi (statute,
      1.609344 km); nautical miles/nmi (1.852 km) only when written so;
      metres, m (a bare "m" only straight after a number); cm, mm; inches,
      feet/ft, yards. Hyphenated adjectives count: "40-km front",
      "40-kilometer", "a 56-inch diameter pipe" (``hyphenated=True``).
    * share -> fraction 0..1: "%", "percent", "per cent", "pct", and fraction
      words "one third", "a third", "two-thirds", "a fifth", "a quarter",
      "three quarters", "half". A singular fraction needs "of"/"the" after it,
      punctuation after it, or a qualifier before it ("about one third",
      "more than half"), so "a third time" and "a year and a half" are not
      shares. "percentage points" are a share difference (unit key
      ``percentage_point``). Nothing else is a share: "30-day" is a duration.
    * money -> amount in the currency (``currency`` = ISO code): $, US$, €, £,
      ₽, ₴ before the number, or dollars/euros/roubles/hryvnias/USD/EUR/... after
      it. ``value`` includes the scale: "$260 billion" -> 2.6e11. Money is
      never an area.
    * duration -> days: hours, days, weeks, months (30.4375 d), years
      (365.25 d), decades; "30-day", "three-year", "seven-month".
    * ratio: "three times the size", "twice the size" (``normalised_unit``
      "times").
    * count: a number without a unit; ``counted`` holds the counted noun phrase
      when a known noun (soldiers, troops, villages, ...) follows within four
      words, or a plain lower-case plural follows at once ("800 Russian
      soldiers" -> "Russian soldiers"). Counts are never areas or shares.

Qualifiers (``qualifier``, normalised; ``qualifier_text`` as written)
    =========== ==========================================================
    about       about, roughly, around, approximately, approx., some,
                (an) estimated, circa, ~, ≈
    nearly      nearly, almost, close to, just under, just shy of, not quite
    more than   more than, over, above, in excess of, upwards of, exceeding,
                just over, well over
    less than   less than, fewer than, under, below, well under
    up to       up to, as many as, as much as, as high as
    at most     at most, no more than, not more than, a maximum of
    at least    at least, no less than, no fewer than, not less than,
                a minimum of
    only        just, only, merely, a mere
    exactly     exactly, precisely
    =========== ==========================================================

Second unit in parentheses
    "110 square kilometers (42 square miles)", "one square kilometer (around
    one-third a square mile)" are one quantity each: ``alt_value``,
    ``alt_unit``, ``alt_normalised`` (same dimension only) and
    ``units_disagree_pct`` = |alt - primary| / primary * 100 on the normalised
    values (midpoints for ranges), so a caller can flag > 3 %. The span then
    runs to the closing parenthesis; ``alt_start``/``alt_end`` give the inner
    number and unit.

All regular expressions are compiled at import; one pass over the text with
bounded look-around per number keeps the work linear in the text length.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Any

from geomap.claims.words import folds_to_ascii, reader_patterns

_PATTERNS = reader_patterns("quantities")

__all__ = [
    "DIMENSIONS",
    "QUALIFIERS",
    "UNITS",
    "KM_PER_MILE",
    "KM2_PER_SQUARE_MILE",
    "KM2_PER_HECTARE",
    "Quantity",
    "find_quantities",
    "parse_number",
]

DIMENSIONS = ("area", "length", "share", "count", "money", "duration", "ratio")
QUALIFIERS = ("about", "nearly", "more than", "less than", "up to", "at most", "at least", "only", "exactly")

KM_PER_MILE = 1.609344
KM2_PER_SQUARE_MILE = 2.589988110336  # 1.609344 ** 2, written out to stay exact
KM2_PER_HECTARE = 0.01
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12

# Canonical unit key -> (dimension, factor to the normalised unit).
UNITS: dict[str, tuple[str, float]] = {
    "km2": ("area", 1.0),
    "mi2": ("area", KM2_PER_SQUARE_MILE),
    "ha": ("area", KM2_PER_HECTARE),
    "acre": ("area", 0.0040468564224),
    "m2": ("area", 1e-6),
    "km": ("length", 1.0),
    "mi": ("length", KM_PER_MILE),
    "nmi": ("length", 1.852),
    "m": ("length", 1e-3),
    "cm": ("length", 1e-5),
    "mm": ("length", 1e-6),
    "in": ("length", 2.54e-5),
    "ft": ("length", 3.048e-4),
    "yd": ("length", 9.144e-4),
    "percent": ("share", 0.01),
    "percentage_point": ("share", 0.01),
    "fraction": ("share", 1.0),
    "hour": ("duration", 1 / 24),
    "day": ("duration", 1.0),
    "week": ("duration", 7.0),
    "month": ("duration", DAYS_PER_MONTH),
    "year": ("duration", DAYS_PER_YEAR),
    "decade": ("duration", 10 * DAYS_PER_YEAR),
    "times": ("ratio", 1.0),
    "USD": ("money", 1.0),
    "EUR": ("money", 1.0),
    "GBP": ("money", 1.0),
    "RUB": ("money", 1.0),
    "UAH": ("money", 1.0),
    "CNY": ("money", 1.0),
}

_NORMALISED_UNIT = {
    "area": "km2",
    "length": "km",
    "share": "share",
    "count": "count",
    "duration": "days",
    "ratio": "times",
}


@dataclass(frozen=True)
class Quantity:
    """One quantity found in a text.

    Attributes
    ----------
    start, end : int
        Offsets of the quantity in the text; ``surface == text[start:end]``.
    value : float
        The number as written, scale included ("1.2 million" -> 1200000.0),
        in ``unit``; the midpoint for ranges; the fraction for fraction words.
    dimension : str
        One of :data:`DIMENSIONS`.
    unit, unit_key : str or None
        The unit as written ("square miles", "km²", "%", "one third", "$") and
        its canonical key in :data:`UNITS` (None for counts).
    normalised : float or None
        km² for areas, km for lengths, 0..1 for shares, days for durations, the
        amount for money and the number for counts and ratios.
    low, high, normalised_low, normalised_high : float or None
        Range ends (None unless the quantity is a range).
    qualifier : str or None
        One of :data:`QUALIFIERS`; ``qualifier_text``/``qualifier_start``/
        ``qualifier_end`` locate the words in the text.
    alt_value, alt_unit, alt_unit_key, alt_normalised, alt_start, alt_end
        The same quantity in a second unit, from parentheses.
    units_disagree_pct : float or None
        |alt_normalised - normalised| / normalised * 100.
    counted : str or None
        For counts, the counted noun phrase ("Russian soldiers").
    currency : str or None
        ISO 4217 code for money.
    hyphenated : bool
        Written as an adjective: "40-km front".
    vague : bool
        "dozens", "hundreds", ...: ``value`` is a lower bound.
    unit_shared : bool
        The unit was taken from the next number ("from 1,368 to 110 km²").
    """

    start: int
    end: int
    surface: str
    value: float
    dimension: str
    unit: str | None = None
    unit_key: str | None = None
    normalised: float | None = None
    low: float | None = None
    high: float | None = None
    normalised_low: float | None = None
    normalised_high: float | None = None
    qualifier: str | None = None
    qualifier_text: str | None = None
    qualifier_start: int | None = None
    qualifier_end: int | None = None
    alt_value: float | None = None
    alt_unit: str | None = None
    alt_unit_key: str | None = None
    alt_normalised: float | None = None
    alt_start: int | None = None
    alt_end: int | None = None
    units_disagree_pct: float | None = None
    counted: str | None = None
    currency: str | None = None
    hyphenated: bool = False
    vague: bool = False
    unit_shared: bool = False

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.high is not None

    @property
    def normalised_unit(self) -> str | None:
        """The unit of ``normalised``: km2, km, share, days, count, times or a currency code."""
        if self.dimension == "money":
            return self.currency
        return _NORMALISED_UNIT.get(self.dimension)

    @property
    def km2(self) -> float | None:
        return self.normalised if self.dimension == "area" else None

    @property
    def km(self) -> float | None:
        return self.normalised if self.dimension == "length" else None

    @property
    def share(self) -> float | None:
        return self.normalised if self.dimension == "share" else None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_BIG_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_DIGIT_SCALES = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "mln": 1e6, "mn": 1e6, "bn": 1e9, "tn": 1e12, "trn": 1e12,
}  # fmt: skip
_MONEY_SCALES = {"k": 1e3, "m": 1e6, "b": 1e9}
_VAGUE = {
    "dozens": 24.0, "hundreds": 200.0, "thousands": 2000.0, "millions": 2e6, "billions": 2e9,
    "tens of thousands": 2e4, "hundreds of thousands": 2e5,
}  # fmt: skip
_DENOMINATORS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
    "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
    "tenth": 10, "tenths": 10,
}  # fmt: skip
_NUMERATORS = {"a": 1, "an": 1, **{w: v for w, v in _ONES.items() if 1 <= v <= 10}}

# Nouns that make a bare number a head count. Singular forms are accepted too.
_COUNT_NOUNS = frozenset(
    """soldiers troops servicemen servicemembers personnel fighters militants mercenaries
    conscripts recruits volunteers reservists prisoners pows hostages civilians people persons
    residents inhabitants refugees evacuees casualties deaths dead killed wounded injured men
    women children villages settlements towns cities hamlets localities communities positions
    tanks vehicles drones missiles rockets shells rounds bombs aircraft planes jets helicopters
    guns howitzers launchers systems artillery videos photos images units brigades battalions
    divisions regiments companies regions oblasts districts provinces pockets strikes attacks
    assaults sorties countries nations states members officials commanders generals sides
    infantry police staff marines paratroopers combatants captives""".split()
)
_IRREGULAR_SINGULAR = {"man": "men", "woman": "women", "child": "children", "person": "people"}
# Words that end a counted-noun search.
_COUNT_STOP = frozenset(
    """of in on at from to by with for the a an that which who whom whose were was had have
    has is are been be will would could should may might can did do does not than as into""".split()
)
# Plural-looking words that are not counted nouns.
_NOT_PLURAL = frozenset(
    """this thus its is was has as his hers ours yours theirs across always perhaps unless
    whereas besides news less towards afterwards nevertheless various previous serious
    famous numerous enormous obvious dangerous""".split()
)

_MONTH_NAMES = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)

# --------------------------------------------------------------------------
# Regular expressions (compiled once)
# --------------------------------------------------------------------------

_HSPACE = r"[ \t\u00a0\u2009\u202f]"
_GROUP_SPACE = r"[ \u00a0\u2009\u202f]"

# A digit number that is not the tail of an identifier (F-16, MH17) or of another number.
_DIGITS_LOOKBEHIND = r"(?<![0-9A-Za-z_])(?<![A-Za-z]-)(?<![0-9][.,/:\-–])"
_DIGITS_CORE = (
    r"(?:(?P<d_decimal_comma>[0-9]{1,3},[0-9]{1,2}(?=\s?(?:%|per\s?cent|percent|sq|square|km|kilomet|mile)))"
    r"|(?P<d_comma>[0-9]{1,3}(?:,[0-9]{3}){1,8}(?:\.[0-9]+)?)"
    rf"|(?P<d_space>[0-9]{{1,3}}(?:{_GROUP_SPACE}[0-9]{{3}}){{1,8}}(?:\.[0-9]+)?)"
    r"|(?P<d_dot>[1-9][0-9]{0,2}(?:\.[0-9]{3}){1,8}(?![.,][0-9]))"
    r"|(?P<d_plain>[0-9]{1,30}(?:\.[0-9]{1,30})?))"
    r"(?![0-9])"
)
_WORD_NUMBER = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen"
    r"|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:-(?:one|two|three|four|five|six|seven|eight|nine))?)"
)
_WORD_SCALE = r"(?:hundred|thousand|million|billion|trillion|dozen)"
_WORDS_CORE = (
    rf"\b(?:(?:a|an)\s+{_WORD_SCALE}|{_WORD_NUMBER})"
    rf"(?:(?:\s+and\s+|[\s-]+)(?:{_WORD_NUMBER}|{_WORD_SCALE})){{0,8}}\b"
)
_FRACTION_CORE = (
    r"\b(?P<f_num>a|an|one|two|three|four|five|six|seven|eight|nine|ten)[\s-]+"
    r"(?P<f_den>half|halves|thirds?|quarters?|fourths?|fifths?|sixths?|sevenths?|eighths?"
    r"|ninths?|tenths?)\b"
)
# "the south-eastern quarter", "the northern third", "invaded its northern third": a named part of a place, as a
# fraction of it.
_PART_CORE = (
    r"(?<=\b(?:the|its)\s)(?:(?:north|south)(?:[\s\-]?(?:east|west))?(?:ern)?|east(?:ern)?|west(?:ern)?|central)\s+"
    r"(?P<p_den>half|third|quarter)\b"
)
_NAMED_PART_RE = re.compile(r"(?:north|south|east|west|central)", re.IGNORECASE)
# "a single square kilometre", "one single mile", "less than a square kilometre": one of a unit, written with an article
# (not "of a square mile", a part of one: "a quarter of a square mile"; nor "per square mile", a density)
_SINGLE_UNIT_AHEAD = r"(?=\s+(?:square|sq\b|sq\.|kilomet|kms?\b|miles?\b|hectares?\b|acres?\b))"
_SINGLE_CORE = (
    rf"(?<!of\s)(?<!per\s)\b(?:(?:an?|one)\s+)?single\b{_SINGLE_UNIT_AHEAD}"
    r"|(?<!of\s)(?<!per\s)\ban?\b(?=\s+square\s+(?:kilomet|kms?\b|miles?\b))"
)
_ATOM_ALTERNATIVES = (
    r"(?P<iso>(?<![0-9])[12][0-9]{3}-[01][0-9]-[0-3][0-9](?![0-9]))"
    r"|(?P<vague>\b(?:(?:tens|hundreds)\s+of\s+thousands|dozens|hundreds|thousands|millions|billions)\b)"
    rf"|(?P<single>{_SINGLE_CORE})"
    rf"|(?P<fraction>{_FRACTION_CORE})"
    rf"|(?P<part>{_PART_CORE})"
    r"|(?P<half>\bhalf\b)"
    r"|(?P<twice>\b(?:twice|thrice)\b(?=\s+(?:the|as)\b))"
)
_ATOM_BODY = rf"{_ATOM_ALTERNATIVES}|(?P<digits>{_DIGITS_LOOKBEHIND}{_DIGITS_CORE})|(?P<words>{_WORDS_CORE})"
# Every atom starts with a digit or, at a word start, with the first letters of a word that can
# begin one (a, an, billions, dozens, eight, eleven, ..., single, twice, zero; "northern third" as a whole).
# Python's re tries the whole alternation at every position of the text; this lookahead turns most
# positions away at once and makes the scan about twice as fast. A new word that can begin an atom
# must be added here too.
_ATOM_START = (
    r"(?=[0-9]|\b(?:an?[\s\-]|bil|doz|eig|ele|fi[fv]|fo[ru]|hal|hun|mil|nin|one|sev|single|six|ten|th[ior]|tw[eio]|zer"
    r"|(?:north|south|east|west|central)[\w\-]*\s+(?:half|third|quarter)\b))"
)
_ATOM_RE = re.compile(rf"{_ATOM_START}(?:{_ATOM_BODY})", re.IGNORECASE)
# The same pattern without IGNORECASE, to search the lower-cased text: every part of _ATOM_RE ignores case, so it
# finds the same starts there, 40 % faster (re compares plain characters faster than folded ones, and the
# look-ahead that turns most positions away is most of the work). Each start is then matched in the text as written.
_ATOM_FINDER_RE = re.compile(rf"{_ATOM_START}(?:{_ATOM_BODY})")
# The second number of a range, read right after "-", "to" or "and": no look-behind.
_PART_OF_ONE_RE = re.compile(rf"(?P<fraction>{_FRACTION_CORE})|(?P<half>\bhalf\b)", re.IGNORECASE)
_SECOND_ATOM_RE = re.compile(rf"(?P<digits>{_DIGITS_CORE})|(?P<words>{_WORDS_CORE})", re.IGNORECASE)
_WORD_TOKEN_RE = re.compile(r"[A-Za-z]+")
# "half a mile", "half-mile", "less than a quarter of a square mile"
_HALF_A_RE = re.compile(r"[ \t\u00a0]+(?:of[ \t\u00a0]+)?an?[ \t\u00a0]+|-(?=[A-Za-z])", re.IGNORECASE)
_EXPONENT_AFTER_RE = re.compile(r"[eE](?P<exponent>[+-]?[0-9]{1,5})(?![0-9A-Za-z])")
_POWER_AFTER_RE = re.compile(r"[ \t]?(?:\^|\*\*)[ \t]?(?P<exponent>[0-9]{1,5})(?![0-9])")

_UNIT_SPECS: tuple[tuple[str, str], ...] = (
    ("km2", r"square[\s-]+kilomet(?:er|re)s?"),
    ("km2", r"square[\s-]+kms?"),
    ("km2", r"sq\.?\s?kilomet(?:er|re)s?"),
    ("km2", r"sq\.?\s?kms?"),
    ("km2", r"sq\s?/\s?kms?"),  # "100sq/km of land", a slash for the space
    ("km2", r"kilomet(?:er|re)s?\s+squared"),
    ("km2", r"kilomet(?:er|re)\s+grid\s+squares?"),  # "half a kilometer grid square": a military map's 1 km square
    ("km2", r"km\s?²|km2(?![0-9])|km\^2"),
    ("mi2", r"square[\s-]+miles?"),
    ("mi2", r"square[\s-]+mi"),
    ("mi2", r"sq\.?\s?miles?"),
    ("mi2", r"sq\.?\s?mi"),
    ("mi2", r"mi\s?²|mi2(?![0-9])"),
    ("m2", r"square[\s-]+met(?:er|re)s?"),
    ("m2", r"sq\.?\s?(?-i:m)"),
    ("m2", r"(?-i:m)²"),
    ("ha", r"hectares?|(?-i:ha)"),
    ("acre", r"acres?"),
    ("nmi", r"nautical\s+miles?|nmi"),
    ("km", r"kilomet(?:er|re)s?|kms?"),
    ("mi", r"miles?|mi"),
    ("cm", r"centimet(?:er|re)s?|cm"),
    ("mm", r"millimet(?:er|re)s?|mm"),
    ("m", r"met(?:er|re)s?|(?-i:m)"),
    ("in", r"inch(?:es)?"),
    ("ft", r"feet|foot|ft"),
    ("yd", r"yards?|yds?"),
    ("percentage_point", r"percentage[\s-]+points?"),
    ("percent", r"%|٪|percent|per\s?cent|pct"),
    ("hour", r"hours?"),
    ("day", r"days?"),
    ("week", r"weeks?"),
    ("month", r"months?"),
    ("year", r"years?"),
    ("decade", r"decades?"),
    ("times", r"times(?=\s+(?:the|as|larger|bigger|greater|smaller|more|less|that)\b)"),
    ("USD", r"(?:US\s+|U\.S\.\s+)?dollars?|(?-i:USD)"),
    ("EUR", r"euros?|(?-i:EUR)"),
    ("GBP", r"pounds\s+sterling|(?-i:GBP)"),
    ("RUB", r"r(?:o?u)bles?|(?-i:RUB)"),
    ("UAH", r"hryvni(?:a|as)?|hryvnyas?|(?-i:UAH)"),
    ("CNY", r"yuan|(?-i:CNY)"),
)
_UNIT_KEY_BY_GROUP = {f"u{i}": key for i, (key, _) in enumerate(_UNIT_SPECS)}
_UNIT_ALTERNATION = "|".join(f"(?P<u{i}>{pattern})" for i, (_, pattern) in enumerate(_UNIT_SPECS))
_UNIT_AFTER_SPACE_RE = re.compile(rf"{_HSPACE}{{0,3}}(?:{_UNIT_ALTERNATION})(?![A-Za-z])", re.IGNORECASE)
# "we think it's around 20” percent": a quotation closed before its unit
_UNIT_AFTER_QUOTE_RE = re.compile(rf"[”\"]{_HSPACE}{{1,3}}(?:{_UNIT_ALTERNATION})(?![A-Za-z])", re.IGNORECASE)
_UNIT_AFTER_HYPHEN_RE = re.compile(rf"[-\u2010\u2011](?:{_UNIT_ALTERNATION})(?![A-Za-z])", re.IGNORECASE)
_UNIT_AFTER_OF_RE = re.compile(
    rf"\s+of\s+(?:the\s+)?(?:{_UNIT_ALTERNATION})(?![A-Za-z])", re.IGNORECASE
)  # "dozens of miles"
# "4 of those square kilometers were recovered": a part of an amount just given, in its unit
_UNIT_AFTER_PARTITIVE_RE = re.compile(
    rf"\s+of\s+th(?:ose|ese)\s+(?:{_UNIT_ALTERNATION})(?![A-Za-z])", re.IGNORECASE
)

_SCALE_AFTER_RE = re.compile(
    rf"{_HSPACE}{{0,2}}(?P<scale>hundred|thousand|million|billion|trillion|mln|mn|bn|trn|tn)(?![A-Za-z])",
    re.IGNORECASE,
)
_CURRENCY_BEFORE_RE = re.compile(
    r"(?:(?P<USD>US\$|U\.S\.\s?\$|\$|(?-i:USD)\s?)|(?P<EUR>€|(?-i:EUR)\s?)|(?P<GBP>£|(?-i:GBP)\s?)"
    r"|(?P<RUB>₽|(?-i:RUB)\s?)|(?P<UAH>₴|(?-i:UAH)\s?))\Z"
)

_QUALIFIER_PATTERNS = {
    "about": r"about|roughly|around|approximately|approx\.|some|an\s+estimated|estimated|circa|~|≈",
    "nearly": r"nearly|almost|close\s+to|just\s+under|just\s+shy\s+of|just\s+short\s+of|not\s+quite",
    "more_than": r"more\s+than|just\s+over|well\s+over|over|above|in\s+excess\s+of|upwards\s+of|exceeding",
    "less_than": r"less\s+than|fewer\s+than|well\s+under|under|below",
    "up_to": r"up\s+to|as\s+many\s+as|as\s+much\s+as|as\s+high\s+as|as\s+far\s+as",
    "at_most": r"at\s+most|no\s+more\s+than|not\s+more\s+than|a\s+maximum\s+of",
    "at_least": r"at\s+least|no\s+less\s+than|no\s+fewer\s+than|not\s+less\s+than|a\s+minimum\s+of",
    "only": r"just|only|merely|a\s+mere",
    "exactly": r"exactly|precisely",
}
_QUALIFIER_ALTERNATION = "|".join(f"(?P<q_{name}>{pattern})" for name, pattern in _QUALIFIER_PATTERNS.items())
_QUALIFIER_BEFORE_RE = re.compile(rf"(?<![A-Za-z])(?:{_QUALIFIER_ALTERNATION}){_HSPACE}*\Z", re.IGNORECASE)
_QUALIFIER_AT_RE = re.compile(rf"(?:{_QUALIFIER_ALTERNATION})\s+", re.IGNORECASE)
_QUALIFIER_WINDOW = 30

_BETWEEN_BEFORE_RE = re.compile(rf"(?<![A-Za-z])between{_HSPACE}+\Z", re.IGNORECASE)
_FROM_BEFORE_RE = re.compile(rf"(?<![A-Za-z])from{_HSPACE}+\Z", re.IGNORECASE)
# "had shrunk by 12,800 sq km to 78,000 sq km": the amount of a change, then what it came to; a range has ends of a
# size ("advanced by 3 to 5 km"), an amount and the total it came to seldom do
_CHANGE_TO_TOTAL = 3.0
_AND_BEFORE_RE = re.compile(rf"(?<![A-Za-z])and{_HSPACE}+\Z", re.IGNORECASE)
_HALF_BLOCKED_BEFORE_RE = re.compile(
    rf"(?<![A-Za-z])(?:first|second|latter|last|other|a|an|and|one|the){_HSPACE}+\Z", re.IGNORECASE
)
_VAGUE_UPPER_END_RE = re.compile(rf"{_HSPACE}+to{_HSPACE}+(?:dozens|tens|hundreds|scores|several|many)(?=\s+of\b)",
                                 re.IGNORECASE)
# the first figure of a pair before the second ("160 and 240 kilometres")
_PAIR_SECOND_BEFORE_RE = re.compile(rf"(?<![\w.,])[0-9][0-9.,]*{_HSPACE}+and{_HSPACE}+\Z", re.IGNORECASE)
_RANGE_CONNECTOR_RE = re.compile(
    rf"(?:{_HSPACE}*(?P<dash>[-\u2010\u2011–]){_HSPACE}*|{_HSPACE}+(?P<word>to|and|or){_HSPACE}+)",
    re.IGNORECASE,
)

_MONTH_BEFORE_RE = re.compile(rf"{_MONTH_NAMES}{_HSPACE}+\Z")
_MONTH_AFTER_RE = re.compile(
    rf"(?:st|nd|rd|th)?{_HSPACE}+(?:of{_HSPACE}+)?{_MONTH_NAMES}(?:,?{_HSPACE}+[0-9]{{4}}(?![0-9]))?"
)
_YEAR_AFTER_DAY_RE = re.compile(rf"(?:st|nd|rd|th)?,?{_HSPACE}+[0-9]{{4}}(?![0-9])")
_SLASH_AFTER_RE = re.compile(r"/[0-9][0-9/]*")
_ALNUM_RUN_RE = re.compile(r"[A-Za-z0-9]*")
_ALT_OPEN_RE = re.compile(r"\s*[(\[]\s*")
_ALT_CLOSE_RE = re.compile(r"\s*[)\]]")
_COUNT_WORD_RE = re.compile(rf"{_HSPACE}+(?P<w>[A-Za-z][A-Za-z'’\-]*)")
_OF_RE = re.compile(rf"{_HSPACE}+of(?:{_HSPACE}+the)?(?![A-Za-z])", re.IGNORECASE)


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Number:
    """A number read from the text, before units are looked at."""

    start: int
    end: int
    value: float
    kind: str  # digits | words | fraction | half | vague | twice
    plain: bool = False  # 1-4 digits without separators or decimals (a year or a day?)
    scale: float = 1.0  # multiplier of a scale word already applied


def _parse_word_tokens(tokens: list[str]) -> tuple[float, int]:
    """Value of the longest valid number-word prefix of ``tokens`` and its token count.

    Returns ``(0.0, 0)`` when no prefix is a number.
    """
    total = 0.0
    current = 0.0
    consumed = 0
    last = "start"
    last_scale = math.inf
    for i, raw in enumerate(tokens):
        token = raw.lower()
        following = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
        if token in ("a", "an"):
            if i != 0 or following not in ("hundred", "thousand", "million", "billion", "trillion", "dozen"):
                break
            current, last = 1.0, "a"
            continue
        if token == "and":
            if last not in ("hundred", "scale") or not (following in _ONES or following in _TENS):
                break
            last = "and"
            continue
        if token in _ONES:
            small = _ONES[token]
            if last in ("ones", "teen", "dozen") or (last == "tens" and not 1 <= small <= 9):
                break
            current += small
            last = "ones" if small < 10 else "teen"
        elif token in _TENS:
            if last in ("ones", "teen", "tens", "dozen"):
                break
            current += _TENS[token]
            last = "tens"
        elif token == "hundred":
            if last in ("hundred", "dozen") or current >= 100:
                break
            current = (current or 1.0) * 100
            last = "hundred"
        elif token == "dozen":
            if last == "dozen":
                break
            current = (current or 1.0) * 12
            last = "dozen"
        elif token in _BIG_SCALES:
            scale = _BIG_SCALES[token]
            if scale >= last_scale:
                break
            total += (current or 1.0) * scale
            current, last, last_scale = 0.0, "scale", scale
        else:
            break
        consumed = i + 1
    return total + current, consumed


def _read_number(text: str, m: re.Match[str]) -> _Number | None:
    """Turn an atom match into a :class:`_Number` (None when it is not a number)."""
    kind = m.lastgroup
    start, end = m.start(), m.end()
    matched = m.group()
    if kind == "vague":
        key = re.sub(r"\s+", " ", matched.lower())
        return _Number(start, end, _VAGUE[key], "vague")
    if kind == "fraction":
        numerator = _NUMERATORS[m.group("f_num").lower()]
        denominator = _DENOMINATORS[m.group("f_den").lower()]
        return _Number(start, end, numerator / denominator, "fraction")
    if kind == "single":
        return _Number(start, end, 1.0, "words")
    if kind == "part":
        return _Number(start, end, 1 / _DENOMINATORS[m.group("p_den").lower()], "fraction")
    if kind == "half":
        return _Number(start, end, 0.5, "half")
    if kind == "twice":
        return _Number(start, end, 2.0 if matched.lower() == "twice" else 3.0, "twice")
    if kind == "words":
        spans = [(t.start(), t.end(), t.group()) for t in _WORD_TOKEN_RE.finditer(matched)]
        value, consumed = _parse_word_tokens([s[2] for s in spans])
        if consumed == 0:
            return None
        return _Number(start, start + spans[consumed - 1][1], value, "words")
    if kind == "digits":
        return _read_digits(text, m)
    return None


def _read_digits(text: str, m: re.Match[str]) -> _Number:
    start, end = m.start(), m.end()
    scale_match = _SCALE_AFTER_RE.match(text, end)
    if m.group("d_decimal_comma"):  # "55,7%": a decimal comma (a thousands comma has three digits after it)
        value = float(m.group("d_decimal_comma").replace(",", "."))
    elif m.group("d_comma"):
        value = float(m.group("d_comma").replace(",", ""))
    elif m.group("d_space"):
        value = float(re.sub(r"\D", "", m.group("d_space").split(".")[0]) + _decimal_part(m.group("d_space")))
    elif m.group("d_dot"):
        written = m.group("d_dot")
        # "1.300 million" is 1.3 million: a scale word makes the single dot a decimal point.
        if scale_match and written.count(".") == 1:
            value = float(written)
        else:
            value = float(written.replace(".", ""))
    else:
        written = m.group("d_plain")
        value = float(written)
    plain = bool(m.group("d_plain")) and "." not in m.group("d_plain") and len(m.group("d_plain")) <= 4
    scale = 1.0
    power = _POWER_AFTER_RE.match(text, end)
    if power:  # "10^300 square kilometers" is no 300 km²
        try:
            value = float(value ** int(power.group("exponent")))
        except OverflowError:
            value = math.inf
        end, plain, scale_match = power.end(), False, None
    exponent = None if power else _EXPONENT_AFTER_RE.match(text, end)
    if exponent:  # "1e300 km²", "1.5e6 km": scientific notation, no 1 km² and no identifier
        try:
            value = float(value * 10.0 ** int(exponent.group("exponent")))
        except OverflowError:
            value = math.inf
        end, plain, scale_match = exponent.end(), False, None
    if scale_match:
        scale = _DIGIT_SCALES[scale_match.group("scale").lower()]
        end = scale_match.end()
        plain = False
    if start > 0 and text[start - 1] in "-−" and (start == 1 or text[start - 2] in " \t\n(\"“"):
        # "-50 km²": a minus sign, not a hyphen (those follow a word or a number)
        return _Number(start - 1, end, -value * scale, "digits", plain=False, scale=scale)
    return _Number(start, end, value * scale, "digits", plain=plain, scale=scale)


def _decimal_part(written: str) -> str:
    return "." + written.split(".", 1)[1] if "." in written else ""


def parse_number(text: str) -> float | None:
    """The value of a number written in ``text`` alone, or None.

    Accepts every form :func:`find_quantities` reads: "1,300", "1 300",
    "1.300", "98.5", "1.2 million", "twenty-five", "a hundred", "one third",
    "dozens".

    Examples
    --------
    >>> parse_number("two thousand five hundred")
    2500.0
    >>> parse_number("1,368")
    1368.0
    >>> parse_number("Sudzha") is None
    True
    """
    stripped = text.strip()
    if not stripped:
        return None
    m = _ATOM_RE.match(stripped)
    if m is None or m.lastgroup == "iso":
        return None
    number = _read_number(stripped, m)
    if number is None or number.end != len(stripped):
        return None
    return number.value


# --------------------------------------------------------------------------
# Units, qualifiers, counted nouns
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    key: str
    text: str
    start: int
    end: int  # end of the whole match (the unit's end)


def _unit_from_match(m: re.Match[str] | None) -> _Unit | None:
    if m is None or m.lastgroup is None:
        return None
    group = m.lastgroup
    return _Unit(_UNIT_KEY_BY_GROUP[group], m.group(group), m.start(group), m.end())


def _unit_after(text: str, pos: int, *, vague: bool = False) -> _Unit | None:
    unit = _unit_from_match(_UNIT_AFTER_SPACE_RE.match(text, pos))
    if unit is None:
        unit = _unit_from_match((_UNIT_AFTER_OF_RE if vague else _UNIT_AFTER_PARTITIVE_RE).match(text, pos))
    if unit is None and text[pos : pos + 1] in ("”", '"'):
        quoted = _unit_from_match(_UNIT_AFTER_QUOTE_RE.match(text, pos))
        unit = quoted if quoted is not None and quoted.key == "percent" else None
    return unit


@dataclass(frozen=True)
class _Qualifier:
    normalised: str
    text: str
    start: int
    end: int


def _qualifier_before(text: str, pos: int) -> _Qualifier | None:
    m = _QUALIFIER_BEFORE_RE.search(text, max(0, pos - _QUALIFIER_WINDOW), pos)
    if m is None or m.lastgroup is None:
        return None
    group = m.lastgroup
    return _Qualifier(group[2:].replace("_", " "), m.group(group), m.start(group), m.end(group))


def _is_count_noun(word: str) -> bool:
    lower = word.lower()
    return (
        lower in _COUNT_NOUNS
        or lower + "s" in _COUNT_NOUNS
        or _IRREGULAR_SINGULAR.get(lower, "") in _COUNT_NOUNS
    )


def _counted_after(text: str, pos: int, *, allow_of: bool) -> tuple[str | None, bool]:
    """The counted noun phrase after a bare number, and whether it is a known noun."""
    if allow_of:
        of = _OF_RE.match(text, pos)
        if of:
            pos = of.end()
    words: list[re.Match[str]] = []
    for _ in range(5):
        wm = _COUNT_WORD_RE.match(text, pos)
        if wm is None:
            break
        word = wm.group("w")
        if _is_count_noun(word):
            first = words[0] if words else wm
            return text[first.start("w") : wm.end("w")], True
        if word.lower() in _COUNT_STOP:
            break
        words.append(wm)
        pos = wm.end()
    if words:
        first_word = words[0].group("w")
        lower = first_word.lower()
        if (
            first_word.islower()
            and len(lower) > 3
            and lower.endswith("s")
            and not lower.endswith(("ss", "us", "is"))
            and lower not in _NOT_PLURAL
        ):
            return first_word, False
    return None, False


def _currency_before(text: str, pos: int) -> tuple[str, int] | None:
    m = _CURRENCY_BEFORE_RE.search(text, max(0, pos - 8), pos)
    if m is None or m.lastgroup is None:
        return None
    return m.lastgroup, m.start()


# --------------------------------------------------------------------------
# Assembling quantities
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Alt:
    value: float
    low: float | None
    high: float | None
    unit: _Unit
    start: int
    end: int
    close_end: int


def _read_alt(text: str, pos: int, pair_index: int | None = None) -> _Alt | None:
    """A parenthesised second unit right after ``pos``: " (42 square miles)"; for a figure of a pair sharing one
    unit (``pair_index`` 0 or 1), its own figure of the bracketed pair: "160 and 240 kilometres (100 and 150
    miles)"."""
    opening = _ALT_OPEN_RE.match(text, pos)
    if opening is None:
        return None
    p = opening.end()
    qualifier = _QUALIFIER_AT_RE.match(text, p)
    if qualifier:
        p = qualifier.end()
    part = _PART_OF_ONE_RE.match(text, p)  # "(around one-third a square mile)": a part of one unit
    one = _HALF_A_RE.match(text, part.end()) if part is not None else None
    if part is not None and one is not None and one.group() != "-":
        unit = _unit_after(text, one.end())
        whole = _read_number(text, part)
        closing = _ALT_CLOSE_RE.match(text, unit.end) if unit is not None else None
        if whole is not None and closing is not None and unit is not None:
            return _Alt(whole.value, None, None, unit, whole.start, unit.end, closing.end())
    m = _SECOND_ATOM_RE.match(text, p)
    if m is None:
        return None
    first = _read_number(text, m)
    if first is None:
        return None
    low = high = None
    value = first.value
    end = first.end
    connector = _RANGE_CONNECTOR_RE.match(text, end)
    if connector and pair_index is not None and (connector.group("word") or "").lower() == "and":
        m2 = _SECOND_ATOM_RE.match(text, connector.end())
        second = _read_number(text, m2) if m2 else None
        unit = _unit_after(text, second.end) if second is not None else None
        closing = _ALT_CLOSE_RE.match(text, unit.end) if unit is not None else None
        if second is None or unit is None or closing is None:
            return None
        own = first if pair_index == 0 else second
        return _Alt(own.value, None, None, unit, own.start, own.end if pair_index == 0 else unit.end, closing.end())
    if connector and (connector.group("dash") or connector.group("word").lower() in ("to", "or")):
        m2 = _SECOND_ATOM_RE.match(text, connector.end())
        second = _read_number(text, m2) if m2 else None
        if second is not None:
            low, high = sorted((first.value, second.value))
            value = (low + high) / 2
            end = second.end
    unit = _unit_from_match(_UNIT_AFTER_HYPHEN_RE.match(text, end)) or _unit_after(text, end)
    if unit is None:
        return None
    closing = _ALT_CLOSE_RE.match(text, unit.end)
    if closing is None:
        return None
    return _Alt(value, low, high, unit, first.start, unit.end, closing.end())


def _make_quantity(
    text: str,
    *,
    start: int,
    end: int,
    value: float,
    dimension: str,
    unit_text: str | None = None,
    unit_key: str | None = None,
    low: float | None = None,
    high: float | None = None,
    qualifier: _Qualifier | None = None,
    alt: _Alt | None = None,
    counted: str | None = None,
    currency: str | None = None,
    hyphenated: bool = False,
    vague: bool = False,
    unit_shared: bool = False,
) -> Quantity:
    factor = UNITS[unit_key][1] if unit_key in UNITS else 1.0
    normalised = value * factor
    alt_fields: dict[str, Any] = {}
    if alt is not None:
        alt_normalised = alt.value * UNITS[alt.unit.key][1]
        alt_fields = {
            "alt_value": alt.value,
            "alt_unit": alt.unit.text,
            "alt_unit_key": alt.unit.key,
            "alt_normalised": alt_normalised,
            "alt_start": alt.start,
            "alt_end": alt.end,
            "units_disagree_pct": _relative_difference_pct(normalised, alt_normalised),
        }
    return Quantity(
        start=start,
        end=end,
        surface=text[start:end],
        value=value,
        dimension=dimension,
        unit=unit_text,
        unit_key=unit_key,
        normalised=normalised,
        low=low,
        high=high,
        normalised_low=None if low is None else low * factor,
        normalised_high=None if high is None else high * factor,
        qualifier=None if qualifier is None else qualifier.normalised,
        qualifier_text=None if qualifier is None else qualifier.text,
        qualifier_start=None if qualifier is None else qualifier.start,
        qualifier_end=None if qualifier is None else qualifier.end,
        counted=counted,
        currency=currency,
        hyphenated=hyphenated,
        vague=vague,
        unit_shared=unit_shared,
        **alt_fields,
    )


def _relative_difference_pct(primary: float, alternative: float) -> float | None:
    if not (math.isfinite(primary) and math.isfinite(alternative)):
        return None
    if primary == 0:
        return 0.0 if alternative == 0 else None
    return abs(alternative - primary) / abs(primary) * 100.0


def _skip_date_or_identifier(text: str, number: _Number) -> int | None:
    """Where to resume when a digit number is part of a date, time, ordinal or name."""
    end = number.end
    if number.scale == 1.0:
        time = _PATTERNS.time_after.match(text, end)
        if time:
            return time.end()
        slash = _SLASH_AFTER_RE.match(text, end)
        if slash:
            return slash.end()
    if number.plain:
        if _MONTH_BEFORE_RE.search(text, max(0, number.start - 12), number.start):
            year = _YEAR_AFTER_DAY_RE.match(text, end) if number.value <= 31 else None
            return year.end() if year else end
        if 1 <= number.value <= 31:
            month = _MONTH_AFTER_RE.match(text, end)
            if month:
                return month.end()
        ordinal = _PATTERNS.ordinal_after.match(text, end)
        if ordinal:
            return ordinal.end()
    return None


def _is_year(number: _Number) -> bool:
    return number.plain and number.kind == "digits" and 1800 <= number.value <= 2100 and number.value.is_integer()


def _quantities_at(text: str, m: re.Match[str]) -> tuple[list[Quantity], int]:
    """Quantities starting with the atom ``m``, and where to continue scanning."""
    if m.lastgroup == "iso":
        return [], m.end()
    number = _read_number(text, m)
    if number is None:
        return [], m.end()
    if number.kind == "digits":
        resume = _skip_date_or_identifier(text, number)
        if resume is not None:
            return [], resume

    start = number.start
    end = number.end
    value = number.value
    currency = None
    currency_text = None
    if number.kind == "digits":
        found_currency = _currency_before(text, number.start)
        if found_currency:
            currency, start = found_currency
            currency_text = text[start : number.start].strip()
            if number.scale == 1.0:
                money_scale = _PATTERNS.money_scale_after.match(text, end)
                if money_scale:
                    money_factor = _MONEY_SCALES[money_scale.group("scale").lower()]
                    value *= money_factor
                    number = _Number(number.start, money_scale.end(), value, "digits", scale=money_factor)
                    end = number.end
    qualifier = _qualifier_before(text, start)
    between = _BETWEEN_BEFORE_RE.search(text, max(0, start - 12), start)
    after_from = _FROM_BEFORE_RE.search(text, max(0, start - 8), start)

    if number.kind in ("half", "fraction"):
        # "half a square kilometre", "half a mile", "one-third a square mile": that part of one unit, a measure
        # (not a share)
        one = _HALF_A_RE.match(text, end)
        unit = _unit_after(text, one.end()) if one is not None else None
        if unit is not None and UNITS[unit.key][0] in ("area", "length") and (
                number.kind == "half" or one.group() != "-"):
            quantity = _make_quantity(
                text, start=start, end=unit.end, value=number.value, dimension=UNITS[unit.key][0],
                unit_text=unit.text, unit_key=unit.key, qualifier=qualifier, hyphenated=one.group() == "-",
            )  # fmt: skip
            return [quantity], unit.end
    if number.kind in ("fraction", "half"):
        return _share_word(text, number, qualifier)
    if number.kind == "twice":
        quantity = _make_quantity(
            text, start=start, end=end, value=value, dimension="ratio", unit_text=m.group(),
            unit_key="times", qualifier=qualifier,
        )  # fmt: skip
        return [quantity], end

    # A hyphenated adjective ("40-km") cannot start a range.
    unit = _unit_from_match(_UNIT_AFTER_HYPHEN_RE.match(text, end)) if number.kind != "vague" else None
    hyphenated = unit is not None
    second: _Number | None = None
    connector_word = None
    own_unit_end = None  # where the first number's own unit ends, when it has one ("28 km to 35 km")
    if unit is None and number.kind in ("digits", "words"):
        second, connector_word, unit, hyphenated = _read_range_tail(text, number, between is not None)
    if unit is None and second is None:
        unit = _unit_after(text, end, vague=number.kind == "vague")
        if unit is not None and number.kind in ("digits", "words"):
            # "28 km to 35 km": the unit written twice; not "129 km² or 4.3 km² per day", which says it again
            with_unit = _Number(number.start, unit.end, value, number.kind)
            tail = _read_range_tail(text, with_unit, between is not None)
            if tail[0] is not None and tail[2] is not None and tail[2].key == unit.key and tail[1] != "or":
                own_unit_end = unit.end
                second, connector_word, unit, hyphenated = tail

    if unit is None and second is None and number.kind == "digits" and between is None:
        paired = _paired_unit(text, number)
        if paired is not None:
            # "Ajdabiya and Brega, 160 and 240 kilometres (100 and 150 miles) to the west": two figures, one for
            # each place, the unit written once after the second; the first is its own quantity in that unit
            alt = _read_alt(text, paired.end, 0)
            if alt is not None and (UNITS[alt.unit.key][0] != UNITS[paired.key][0] or alt.unit.key == paired.key):
                alt = None
            quantity = _make_quantity(
                text, start=start, end=end, value=value, dimension=UNITS[paired.key][0], unit_text=paired.text,
                unit_key=paired.key, qualifier=qualifier, alt=alt, unit_shared=True,
            )  # fmt: skip
            return [quantity], end
    if unit is None and second is None and number.kind == "digits":
        # "from 2 to dozens of kilometers": the unit after a vague upper end is the number's own (at least 2 km)
        vague_top = _VAGUE_UPPER_END_RE.match(text, end)
        if vague_top is not None:
            unit = _unit_after(text, vague_top.end(), vague=True)

    first_value = value
    if second is not None:
        if _shares_scale(number, second):
            first_value *= second.scale  # "10-12 billion"
        if _is_year(number) and unit is None and (_is_year(second) or second.value < 100):
            return [], second.end  # "2022-2023", "1941-45"
        leading = qualifier.start if qualifier is not None else start
        by_to_total = second.value >= _CHANGE_TO_TOTAL * first_value and _PATTERNS.changed_by_before.search(
            text, max(0, leading - 30), leading) is not None
        if after_from is not None and first_value < second.value and _PATTERNS.advanced_from_before.search(
                text, max(0, after_from.start() - 20), after_from.end()):
            after_from = None  # "advanced from 100 meters to 1,400 meters": a range of how far
        if connector_word == "to" and (after_from is not None or by_to_total or first_value > second.value):
            return _change(text, number, first_value, second, unit, qualifier, start, currency, currency_text,
                           own_unit_end)

    if unit is not None and UNITS[unit.key][0] == "money":
        currency = unit.key
    elif currency is not None and unit is not None:
        currency = None  # "$5 per km" is not money; the unit wins
    if unit is None and currency is None:
        return _count(text, number, second, qualifier, start, between)

    low = high = None
    if second is not None:
        low, high = sorted((first_value, second.value))
        value = (low + high) / 2
        if between is not None and connector_word == "and":
            start = between.start()
    end = unit.end if unit is not None else (second.end if second is not None else end)
    paired_second = second is None and _PAIR_SECOND_BEFORE_RE.search(text, max(0, start - 20), start) is not None
    alt = _read_alt(text, end, 1 if paired_second else None) if unit is not None else None
    if alt is not None and UNITS[alt.unit.key][0] == UNITS[unit.key][0] and alt.unit.key != unit.key:
        end = alt.close_end
    else:
        alt = None
    if unit is not None:
        dimension, unit_text, unit_key = UNITS[unit.key][0], unit.text, unit.key
    else:
        dimension, unit_text, unit_key = "money", currency_text, currency
    quantity = _make_quantity(
        text, start=start, end=end, value=value, dimension=dimension, unit_text=unit_text,
        unit_key=unit_key, low=low, high=high, qualifier=qualifier, alt=alt, currency=currency,
        hyphenated=hyphenated, vague=number.kind == "vague",
    )  # fmt: skip
    return [quantity], end


def _paired_unit(text: str, number: _Number) -> _Unit | None:
    """The length or area unit after "and <digits>" that a bare first number shares ("160 and 240 kilometres"),
    where the pair is no range: nothing ties it to "between", and the second is the larger figure of two places
    listed (a smaller second, "5 and 2 km", is as likely a count and a length)."""
    connector = _RANGE_CONNECTOR_RE.match(text, number.end)
    if connector is None or (connector.group("word") or "").lower() != "and":
        return None
    m2 = _SECOND_ATOM_RE.match(text, connector.end())
    if m2 is None or m2.lastgroup != "digits":
        return None
    second = _read_number(text, m2)
    if second is None or second.kind != "digits" or second.value <= number.value:
        return None
    unit = _unit_after(text, second.end)
    if unit is None or UNITS[unit.key][0] not in ("length", "area"):
        return None
    return unit


def _shares_scale(first: _Number, second: _Number) -> bool:
    """Whether the scale word of a range's second number applies to the first ("10-12 billion")."""
    return second.scale != 1.0 and first.scale == 1.0 and first.value <= second.value / second.scale


def _read_range_tail(
    text: str, number: _Number, after_between: bool
) -> tuple[_Number | None, str | None, _Unit | None, bool]:
    """The second number of a range after ``number`` with its unit, if any."""
    connector = _RANGE_CONNECTOR_RE.match(text, number.end)
    if connector is None:
        return None, None, None, False
    word = (connector.group("word") or "").lower() or None
    if word == "and" and not after_between:
        return None, None, None, False
    m2 = _SECOND_ATOM_RE.match(text, connector.end())
    if m2 is None:
        return None, None, None, False
    second = _read_number(text, m2)
    if second is None:
        return None, None, None, False
    if second.kind == "digits" and (_PATTERNS.time_after.match(text, second.end)
                                    or _SLASH_AFTER_RE.match(text, second.end)):
        return None, None, None, False
    unit = _unit_from_match(_UNIT_AFTER_HYPHEN_RE.match(text, second.end))
    hyphenated = unit is not None
    if unit is None:
        unit = _unit_after(text, second.end)
    if unit is None and second.kind == "digits" and second.plain and _PATTERNS.ordinal_after.match(text, second.end):
        return None, None, None, False
    return second, word, unit, hyphenated


def _share_word(text: str, number: _Number, qualifier: _Qualifier | None) -> tuple[list[Quantity], int]:
    """'one third', 'two-thirds', 'half' ... as shares, when the context says so."""
    if _AND_BEFORE_RE.search(text, max(0, number.start - 6), number.start):
        return [], number.end  # "a year and a half"
    if number.kind == "half":
        if _HALF_BLOCKED_BEFORE_RE.search(text, max(0, number.start - 10), number.start):
            return [], number.end
        if qualifier is None and not _PATTERNS.half_context_after.match(text, number.end):
            return [], number.end
    elif qualifier is None and not _PATTERNS.fraction_context_after.match(text, number.end) and (
            not _NAMED_PART_RE.match(text, number.start)):
        return [], number.end  # (a part named by its side is one whatever follows: "invaded its northern third in")
    unit_text = text[number.start : number.end]
    quantity = _make_quantity(
        text, start=number.start, end=number.end, value=number.value, dimension="share",
        unit_text=unit_text, unit_key="fraction", qualifier=qualifier,
    )  # fmt: skip
    return [quantity], number.end


def _count(
    text: str,
    number: _Number,
    second: _Number | None,
    qualifier: _Qualifier | None,
    start: int,
    between: re.Match[str] | None,
) -> tuple[list[Quantity], int]:
    """A number without a unit: a head count, or nothing (years, identifiers)."""
    last = second or number
    if last.kind == "digits" and last.end < len(text) and (text[last.end].isalnum() or text[last.end] == "_"):
        return [], _ALNUM_RUN_RE.match(text, last.end).end()  # "5G", "2S19"
    counted, known = _counted_after(text, last.end, allow_of=number.kind == "vague")
    if second is None and _is_year(number) and not known:
        return [], number.end
    if number.kind == "words" and (counted is None or (second is None and number.value == 1)):
        return [], number.end
    low = high = None
    value = number.value
    if second is not None:
        first_value = number.value
        if _shares_scale(number, second):
            first_value *= second.scale
        low, high = sorted((first_value, second.value))
        value = (low + high) / 2
        if between is not None:
            start = between.start()
    quantity = _make_quantity(
        text, start=start, end=last.end, value=value, dimension="count", low=low, high=high,
        qualifier=qualifier, counted=counted, vague=number.kind == "vague",
    )  # fmt: skip
    return [quantity], last.end


def _change(
    text: str,
    number: _Number,
    first_value: float,
    second: _Number,
    unit: _Unit | None,
    qualifier: _Qualifier | None,
    start: int,
    currency: str | None,
    currency_text: str | None,
    own_unit_end: int | None = None,
) -> tuple[list[Quantity], int]:
    """'from 1,368 to 110 square kilometers': two quantities sharing the last unit ('by 12,800 sq km to 78,000
    sq km': the first with its own)."""
    if unit is not None:
        dimension, unit_text, unit_key = UNITS[unit.key][0], unit.text, unit.key
        currency = unit.key if dimension == "money" else None
        end = unit.end
    elif currency is not None:
        dimension, unit_text, unit_key = "money", currency_text, currency
        end = second.end
    else:
        dimension, unit_text, unit_key = "count", None, None
        end = second.end
    first = _make_quantity(
        text, start=start, end=own_unit_end or number.end, value=first_value, dimension=dimension,
        unit_text=unit_text, unit_key=unit_key, qualifier=qualifier, currency=currency,
        unit_shared=unit is not None and own_unit_end is None,
    )  # fmt: skip
    second_qualifier = _qualifier_before(text, second.start)
    second_quantity = _make_quantity(
        text, start=second.start, end=end, value=second.value, dimension=dimension, unit_text=unit_text,
        unit_key=unit_key, qualifier=second_qualifier, currency=currency,
    )  # fmt: skip
    return [first, second_quantity], end


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``, in text order.

    Parameters
    ----------
    text : str
        Any text; English news prose is what the rules are tuned for.

    Returns
    -------
    list of Quantity
        Non-overlapping quantities sorted by ``start``; see the module
        docstring for what is read and how it is normalised.

    Examples
    --------
    >>> [q] = find_quantities("seizing roughly 386 square miles")
    >>> q.qualifier, q.unit, round(q.km2, 1)
    ('about', 'square miles', 999.7)
    >>> [q] = find_quantities("just 110 square kilometers (42 square miles)")
    >>> q.alt_value, round(q.units_disagree_pct, 1)
    (42.0, 1.1)
    """
    found: list[Quantity] = []
    pos = 0
    lowered = None if folds_to_ascii(text) else text.lower()
    while True:
        if lowered is None:
            m = _ATOM_RE.search(text, pos)
        else:
            start = _ATOM_FINDER_RE.search(lowered, pos)
            m = None if start is None else _ATOM_RE.match(text, start.start())
        if m is None:
            break
        quantities, resume = _quantities_at(text, m)
        found.extend(quantities)
        pos = max(resume, m.start() + 1)
    return found
