"""Readings: the quantities (and size comparisons) of an article that may become claims.

Internal to :mod:`geomap.claims`. :func:`find_readings` reads every quantity of
the text with :func:`geomap.claims.quantities.find_quantities` and keeps those a
claim can be made of; :mod:`geomap.claims.kinds` then decides, from the words
around each one, whether it is a claim and of which kind.

Which quantities are read
-------------------------
* areas in km², square miles, hectares or acres; square metres are never
  territory.
* lengths; inches, centimetres, millimetres, feet and yards never are ("a
  56-inch pipe"). A unit written as an adjective is named as a plural ("a
  15-mile stretch" -> "miles").
* shares: "%" and word fractions ("one third", "a fifth", "half").
* "N times the size of X", "half the size of X", "roughly the size of X",
  "an area the size of X" where X is a place the geoparser found: family
  ``relative``; X is kept as ``reference`` and is never an anchor.
* counts of settlements, villages, towns, regions or pockets ("190 villages and
  towns"): family ``count``; the counted noun is the unit and the span runs to
  its end.
* counts of people (:func:`geomap.claims.cues.people_category`: soldiers,
  prisoners, casualties, civilians): family ``people``, the counted noun as
  written is the unit ("800 Russian soldiers" -> "Russian soldiers") and the
  span runs to its end. A bare number can be the figure of a casualty noun
  before it in its clause ("put the total losses of Ukrainian forces ... at
  67,000", "the death toll rose to 40"): the unit is that noun, the span the
  number alone. ``counted`` keeps where the noun is.

Money, durations, years, counts of anything else (tanks, videos, homes) and
vague plurals ("dozens of miles", "hundreds of villages", "thousands of
troops") are not read.

Spans and values
----------------
``start``/``end`` cover the number and unit as written: not the qualifier, not
"between", not a second unit in brackets, which becomes ``alt_value``/
``alt_unit``. ``span_start``/``span_end`` include them; the claim readers look
for cues outside that span. The qualifier is the normalised qualifier of
:mod:`geomap.claims.quantities`, except that "roughly" stays "roughly" and
emphasis ("just", "only") is no qualifier.
"""

from __future__ import annotations

import dataclasses
import re

from geomap.claims.article import Article, Reading
from geomap.claims.cues import people_category
from geomap.claims.quantities import Quantity, find_quantities
from geomap.claims.words import holds_none, reader_words
from geomap.records import Mention

_WORDS = reader_words("readings")

__all__ = ["find_readings"]

# A casualty figure given after its noun, in the same clause: "the death toll rose to 40".
_CASUALTIES_BEFORE_RE = re.compile(
    r"\b(?P<noun>losses|casualties|deaths|death\s+toll|toll)\b[^\d.!?;:,()\[\]]{0,80}?"
    r"\b(?:at|to|of|was|were|is|are|reached|totalled|totaled|exceeded|topped)\s+$",
    re.IGNORECASE,
)
_CARRIED_LINK_RE = re.compile(
    r"(?:\s+of\s+(?:the\s+)?(?:[\w\-]+\s+)?(?:territory|land|area))?"
    r"(?:\s*[—–]\s*|\s+-\s+|\s+out\s+of\s+(?:the\s+)?|\s*,\s+or\s+)",
    re.IGNORECASE,
)
_PAIR_LINK_RE = re.compile(r"\s+(?:and|or)\s+", re.IGNORECASE)
# "125 square kilometers per day": a rate, not an area.
_RATE_AFTER_RE = re.compile(
    r"\s*(?:[a-z]+ed\s+)?"  # "14.5 square kilometers (5.6 square miles) claimed each day"
    r"(?:(?:per|a|an|each|every)\s+(?:day|week|month|year|hour)\b(?!\s+ago)|daily\b|weekly\b|monthly\b"
    r"|on\s+an?\s+(?:daily|weekly|monthly)\s+basis\b"  # "approximately 20 square kilometers on a daily basis"
    r"|/\s*(?:day|week|month|year)\b)",
    re.IGNORECASE,
)
_SKIPPED_LENGTH_UNITS = frozenset({"in", "cm", "mm", "ft", "yd"})
_AREA_UNITS = frozenset({"km2", "mi2", "ha", "acre"})
_SIZE_OF_RE = re.compile(
    r"\b(?P<phrase>(?:the|an?\s+area)\s+(?:the\s+)?size\s+of|as\s+(?:large|big)\s+as"
    r"|(?:the\s+)?same\s+size\s+as|size\s*[–—,-]?\s*(?:(?:roughly|about|approximately|nearly)\s+)?the\s+same\s+as"
    r"(?:\s+th(?:at|ose)\s+of)?"
    r"|(?:equivalent|equal|comparable|similar|close)\s+in\s+size\s+to"
    r"|(?:larger|bigger|greater|smaller)(?:\s+in\s+size)?[\"”’']?\s+than(?:\s+th(?:at|ose)\s+of)?"
    # ("five times the area of New York City": "area" for "size", after a multiple only, see _AREA_OF_RE)
    r"|the\s+(?:land\s+)?area\s+of)\s+"
    r"(?:the\s+)?"  # ("an area nearly half the size of neighboring Lebanon": a word that places the yardstick)
    r"(?:(?:entire|whole|neighbou?ring|nearby)\s+)?"
    # ("slightly bigger than the U.S. state of Utah": the state is the yardstick, not its country)
    r"(?:(?:(?-i:U\.S\.|US|American)\s+)?(?:country|state|city|island|principality|kingdom|republic|territory)\s+of\s+"
    r"(?:the\s+)?)?",
    re.IGNORECASE,
)
# "the area of" compares a size only after a multiple ("five times the area of", "twice the area of"): alone it is
# the area of the place itself ("0.04% of the area of Ukraine")
_AREA_OF_RE = re.compile(r"the\s+(?:land\s+)?area\s+of$", re.IGNORECASE)
# "an area ... larger than that of Moscow": "that of" compares a size only where land is measured before it or in it
_THAT_OF_RE = re.compile(r"\bth(?:at|ose)\s+of$", re.IGNORECASE)
_MEASURED_BEFORE_RE = re.compile(r"\b(?:size|area|territory|land|landmass|surface|expanse|kilomet|miles?)",
                                 re.IGNORECASE)
_SIZE_WORDS = ("size", "large", "big", "great", "small", "area")  # every match of _SIZE_OF_RE holds one
# "the Netherlands, Belgium and Luxembourg combined": the yardstick is their sum.
_COMBINED_RE = re.compile(r"\s*(?:,\s*|\s+and\s+|,\s*and\s+)", re.IGNORECASE)
# ("larger than Imo, Abia and Ekiti states put together": the places' noun may come first)
_COMBINED_END_RE = re.compile(
    r"(?:\s+(?:states|provinces|regions|countries|oblasts|governorates))?\s+(?:combined|put\s+together|together)\b",
    re.IGNORECASE)
# "the size of Wales in the United Kingdom or the state of Maryland": a second yardstick after "or" (also "or the US
# state of West Virginia")
_OR_REFERENCE_RE = re.compile(
    r"(?:\s+in\s+(?:the\s+)?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,3})?\s+or\s+(?P<yardstick>(?:the\s+)?"
    r"(?:(?:[A-Z][\w.]*\s+)?(?:state|country|province|region|city|island|county)\s+of\s+(?:the\s+)?)?)")
_POSSESSIVE_AFTER_RE = re.compile(r"['’]s?\s")
_STATES_SIZE_RE = re.compile(
    r"['’]?s?\s+(?:is|was|stands\s+at|totals|measures)\s+(?:about\s+|some\s+|roughly\s+)?[\d~]", re.IGNORECASE
)
_PHRASE_QUALIFIERS = {"larger": "more than", "bigger": "more than", "greater": "more than", "smaller": "less than",
                      "comparable": "roughly",
                      "similar": "roughly", "close": "roughly"}
_SIZE_QUALIFIER_RE = re.compile(
    r"\b(?P<q>roughly|about|around|approximately|nearly|almost|some|more\s+than|less\s+than|over|under)\s+$",
    re.IGNORECASE,
)
_SIZE_QUALIFIERS = {
    "roughly": "roughly", "about": "about", "around": "about", "approximately": "about", "some": "about",
    "nearly": "nearly", "almost": "nearly", "more than": "more than", "over": "more than",
    "less than": "less than", "under": "less than",
}  # fmt: skip


def find_readings(article: Article) -> list[Reading]:
    """The article's readings in text order; records the mentions compared with in ``article.references``."""
    text = article.text
    quantities = find_quantities(text)
    by_end = {q.end: q for q in quantities}
    used: set[int] = set()  # starts of quantities a size comparison took
    readings: list[Reading] = []
    for m in () if holds_none(text, _SIZE_WORDS) else _SIZE_OF_RE.finditer(text):  # most articles compare nothing
        reading = _size_comparison(article, m, by_end)
        if reading is not None:
            readings.append(reading)
            used.add(reading.start)
            article.references.add(id(reading.reference))
            other = _or_reference(article, reading)
            if other is not None:
                readings.append(other)
                article.references.add(id(other.reference))
    previous: Quantity | None = None
    for index, quantity in enumerate(quantities):
        if quantity.start in used:
            continue
        reading = _quantity_reading(text, quantity)
        if reading is None and previous is not None:
            reading = _carried_unit(text, previous, quantity)
        if reading is None and index + 1 < len(quantities):
            reading = _carried_unit(text, quantities[index + 1], quantity, backwards=True)
        if reading is not None:
            readings.append(reading)
        previous = quantity
    readings.sort(key=lambda r: (r.start, r.end))
    return readings


def _carried_unit(text: str, area: Quantity, bare: Quantity, backwards: bool = False) -> Reading | None:
    """A bare number in the unit of the area next to it: after it, giving it again or the whole it is
    out of ("nearly 5,000 square km of territory — 4,900 —", "75 square kilometers out of the 360");
    before it, in a pair that writes the unit once ("in August and September (477 and 459 square km)")."""
    if area.dimension != "area" or area.unit_key not in _AREA_UNITS or bare.dimension != "count" or bare.counted:
        return None
    if backwards:
        if not _PAIR_LINK_RE.fullmatch(text, bare.end, area.start if area.qualifier_start is None else
                                       area.qualifier_start):
            return None
    elif not _CARRIED_LINK_RE.fullmatch(text, area.end, bare.start if bare.qualifier_start is None else
                                        bare.qualifier_start):
        return None
    factor = area.normalised / area.value if area.value else None
    if factor is None or bare.value is None:
        return None
    qualifier = _claim_qualifier(bare.qualifier, bare.qualifier_text)
    span_start = bare.qualifier_start if bare.qualifier_start is not None else bare.start
    return Reading(
        start=bare.start, end=bare.end, span_start=span_start, span_end=bare.end, family="area", value=bare.value,
        unit=area.unit or "", normalised=_rounded(bare.value * factor), qualifier=qualifier, unit_shared=True,
    )  # fmt: skip


def _quantity_reading(text: str, q: Quantity) -> Reading | None:
    """The reading of one quantity, or None when it can never be a claim."""
    if q.vague or q.normalised is None:
        return None
    if q.dimension in ("area", "length") and _RATE_AFTER_RE.match(text, q.end):
        return None
    qualifier = _claim_qualifier(q.qualifier, q.qualifier_text)
    span_start = q.qualifier_start if q.qualifier_start is not None else q.start
    start, end = q.start, q.end
    if text[start:end].lower().startswith("between"):
        start = _skip_spaces(text, start + len("between"))
    if q.alt_start is not None:
        # (the first of a pair sharing a unit ends before the bracket: "160 and 240 kilometres (100 and 150 miles)")
        bracket = text.rfind("(", start, min(q.alt_start, q.end))
        end = len(text[start:bracket].rstrip()) + start if bracket > start else end
    common = dict(
        start=start, end=end, span_start=span_start, span_end=q.end, value=q.value, low=q.low, high=q.high,
        qualifier=qualifier, unit_shared=q.unit_shared, hyphenated=q.hyphenated,
    )  # fmt: skip
    if q.dimension == "area" and q.unit_key in _AREA_UNITS:
        return Reading(
            family="area", unit=q.unit or "", normalised=_rounded(q.normalised), alt_value=q.alt_value,
            alt_unit=q.alt_unit, disagree_pct=q.units_disagree_pct, **common,
        )  # fmt: skip
    if q.dimension == "length" and q.unit_key not in _SKIPPED_LENGTH_UNITS:
        return Reading(
            family="length", unit=_plural_unit(q.unit or "", q.hyphenated), normalised=_rounded(q.normalised),
            alt_value=q.alt_value, alt_unit=q.alt_unit, disagree_pct=q.units_disagree_pct, **common,
        )  # fmt: skip
    if q.dimension == "share" and q.unit_key in ("percent", "fraction"):
        unit = q.unit or ("fraction" if q.unit_key == "fraction" else "%")  # as written: "one third", "%"
        return Reading(family="share", unit=unit, normalised=_rounded(q.normalised), **common)
    if q.dimension != "count":
        return None
    if q.counted:
        counted = _counted_span(text, q)
        if counted is None:
            return None
        if _last_word(text, counted) in _WORDS.territorial_counts:
            common["end"] = _territorial_end(text, counted[1])
            return Reading(family="count", unit=_words_of(text, q.end, common["end"]), **common)
        common["end"] = counted[1]
    else:
        counted = _casualty_noun_before(text, span_start)
        if counted is None:
            return None
    if people_category(_last_word(text, counted)) is None:
        return None
    return Reading(family="people", unit=_words_of(text, *counted), counted=counted, **common)


def _plural_unit(unit: str, hyphenated: bool) -> str:
    """A unit word written as an adjective ("15-mile stretch") named as a unit: "miles"."""
    if hyphenated and len(unit) > 2 and unit.isalpha() and not unit.endswith("s"):
        return unit + "s"
    return unit


def _counted_span(text: str, q: Quantity) -> tuple[int, int] | None:
    """Where the counted noun phrase after the number is ("Russian soldiers", "villages")."""
    assert q.counted is not None
    at = text.find(q.counted, q.end, q.end + 80)
    return None if at < 0 else (at, at + len(q.counted))


def _last_word(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]].split()[-1].lower()


def _territorial_end(text: str, end: int) -> int:
    """The end of a territorial count's noun, a second noun included: "190 villages and towns"."""
    more = re.match(r"\s+(?:and|or)\s+([^\W\d_]+)", text[end : end + 40])
    if more and more.group(1).lower() in _WORDS.territorial_counts:
        end += more.end()
    return end


def _casualty_noun_before(text: str, position: int) -> tuple[int, int] | None:
    """The casualty noun a bare number is the figure of: 'put the losses of Ukrainian forces at 67,000'."""
    found = _CASUALTIES_BEFORE_RE.search(text, max(0, position - 150), position)
    return found.span("noun") if found else None


def _words_of(text: str, start: int, end: int) -> str:
    """``text[start:end]`` with its spaces and line breaks made single spaces."""
    return " ".join(text[start:end].split())


def _combined(article: Article, reference: Mention) -> tuple[Mention, ...]:
    """The other places of "X, Y and Z combined" after the first one, or ()."""
    text = article.text
    others: list[Mention] = []
    end = reference.end
    for mention in article.mentions_in(reference.end, reference.end + 200):
        link = _COMBINED_RE.fullmatch(text, end, mention.start) or re.fullmatch(
            r"(?:\s*,\s*|\s+and\s+|,\s*and\s+)(?:the\s+)?", text[end : mention.start], re.IGNORECASE)
        if mention.type != "place" or link is None:
            break
        others.append(mention)
        end = mention.end
    return tuple(others) if others and _COMBINED_END_RE.match(text, end) else ()


def _or_reference(article: Article, reading: Reading) -> Reading | None:
    """A second yardstick offered for the same size: "about the size of Wales in the United Kingdom or the state
    of Maryland in the United States" (the same comparison with Maryland), or None."""
    if reading.reference is None or reading.also or reading.unit.lower().startswith("times"):
        return None
    found = _OR_REFERENCE_RE.match(article.text, reading.reference.end)
    if found is None:
        return None
    other = next(iter(article.mentions_in(found.end(), found.end() + 60)), None)
    if other is None or other.start != found.end() or other.type != "place":
        return None
    if _POSSESSIVE_AFTER_RE.match(article.text, other.end):
        return None  # "the U.S. state of Maryland or Germany's Brandenburg": the yardstick is a part of that country
    return dataclasses.replace(reading, start=found.start("yardstick"), end=other.end, span_start=found.start(
        "yardstick"), span_end=other.end, reference=other)


def _size_comparison(article: Article, m: re.Match[str], by_end: dict[int, Quantity]) -> Reading | None:
    """'three times the size of Kyiv', 'half the size of Moscow', 'roughly the size of Hong Kong',
    'equivalent in size to the entire country of Luxembourg', 'larger than the Netherlands, Belgium and
    Luxembourg combined'."""
    text = article.text
    reference = next(iter(article.mentions_in(m.end(), m.end() + 60)), None)
    if reference is None or reference.start != m.end() or reference.type != "place":
        return None
    if _STATES_SIZE_RE.match(text, reference.end):
        return None  # "The size of Libya is 1,760,000 km": the region's own size, no comparison
    phrase = " ".join(m.group("phrase").split())
    before = text[: m.start()].rstrip()
    quantity = by_end.get(len(before))
    multiple = quantity is not None and quantity.dimension in ("ratio", "share") and quantity.unit_key != "percent"
    if _AREA_OF_RE.match(phrase) and not multiple:
        return None  # "the area of Ukraine": the place's own area, no comparison
    clause_start = max(m.start() - 80, max(text.rfind(mark, 0, m.start()) for mark in ".!?\n") + 1, 0)
    if _THAT_OF_RE.search(m.group("phrase")) and not _MEASURED_BEFORE_RE.search(text, clause_start, m.end()):
        return None  # "The budget of Ukraine is smaller than that of Poland": a comparison of something else
    for inner in article.mentions_in(m.start(), m.end()):
        article.references.add(id(inner))  # "the U.S. state of Utah": the country names the yardstick, no anchor
    also = _combined(article, reference)
    for other in also:
        article.references.add(id(other))
    if multiple:
        assert quantity is not None
        times = "times" in quantity.surface.lower()
        unit = f"times {phrase}" if times else phrase
        span_start = quantity.qualifier_start if quantity.qualifier_start is not None else quantity.start
        return Reading(
            start=quantity.start, end=quantity.end, span_start=span_start, span_end=quantity.end,
            family="relative", value=quantity.value, unit=unit,
            qualifier=_claim_qualifier(quantity.qualifier, quantity.qualifier_text), reference=reference, also=also,
        )  # fmt: skip
    start = m.start()
    if phrase.lower().startswith("size"):  # "the Congo’s vast size – roughly the same as that of Western Europe"
        start = m.start() + m.group("phrase").lower().index("the same")
        phrase = text[start : m.start("phrase") + len(m.group("phrase"))]
    # "an area the size of X": the number is the phrase "the size of" itself.
    if phrase.lower().startswith(("an area", "a area")):
        start = m.start() + m.group("phrase").lower().index("the")
        phrase = text[start : m.start("phrase") + len(m.group("phrase"))]
    end = m.start("phrase") + len(m.group("phrase"))
    found = _SIZE_QUALIFIER_RE.search(text, max(0, start - 20), start)
    qualifier = _SIZE_QUALIFIERS[" ".join(found.group("q").lower().split())] if found else None
    qualifier = qualifier or _PHRASE_QUALIFIERS.get(re.match(r"[a-z]*", phrase.lower()).group())
    return Reading(
        start=start, end=end, span_start=found.start("q") if found else start, span_end=end,
        family="relative", value=1.0, unit=" ".join(text[start:end].split()), qualifier=qualifier,
        reference=reference, also=also,
    )  # fmt: skip


def _claim_qualifier(normalised: str | None, written: str | None) -> str | None:
    """The claim's qualifier: 'roughly' as written, emphasis dropped, the rest normalised."""
    if normalised is None:
        return None
    if normalised == "only":
        return None  # "just 110 km²" is emphasis, not an approximation
    if written and " ".join(written.lower().split()) == "roughly":
        return "roughly"
    return normalised


def _rounded(value: float | None) -> float | None:
    """Drop binary noise from a converted value (70 * 0.01 = 0.7000000000000001)."""
    return None if value is None else round(value, 10)


def _skip_spaces(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position
