"""Extract quantitative territorial claims from news articles.

``extract_claims(sources, mentions)`` reads every quantity of each source with
:func:`geomap.claims.quantities.find_quantities`, keeps those a territorial
claim is made of, and returns one :class:`geomap.records.Claim` per claim in
text order, numbered ``"<source id>#<n>"`` from 1. ``claims_table`` flattens
claims into JSON-ready records.

The function is pure: it reads its arguments, never the clock, the network or
the disk, and gives the same claims for the same input. Only sentences that hold
a quantity (or a "the size of X" comparison) are read, and each one a bounded
number of times, so the work grows linearly with the corpus.

Which quantities become claims
------------------------------
* areas (km², square miles, hectares, acres) with a control cue in their
  sentence; square metres are never territory.
* lengths with a cue that says what they measure: depth, front width or
  distance (below). Inches, centimetres and millimetres are never claims
  ("a 56-inch pipe").
* shares (%, "one third", "a fifth", "half") of a territory ("of the area",
  "of the salient", "of what it was", "of the Luhansk region").
* "N times the size of X", "half the size of X", "roughly the size of X" where
  X is a place the geoparser found: ``relative_area`` with ``region`` = X.
* counts of settlements, villages, towns, regions or pockets with a control
  cue: kind ``count``. Counts of people (troops, prisoners, casualties),
  money, durations, years and vague plurals ("dozens of miles") are not claims.

Kind
----
The cue that decides is looked for in this order, within the quantity's clause
(the sentence cut at commas, semicolons, colons, dashes and brackets) and then
the whole sentence:

1. ``region_area``: a region is the subject of a size verb ("Kursk Oblast
   covers nearly 30,000 km²"), or an appositive gives its size ("The Donetsk
   region, about 26,500 square kilometres in size", "Nagorno-Karabakh, an
   enclave of roughly 4,400 square kilometres,").
2. "down from"/"up from"/"compared with" a quantity: the same kind, actor and
   anchor as the claim just before it in the sentence. A size comparison right
   after an area ("gained 1,500 sq km, twice the size of London") restates that
   area: same actor and anchor.
3. A definite quantity described by a participle or a relative clause: "the 500
   square miles of Russian territory seized by Ukraine" (seized), "the 1,368
   square kilometers they controlled" (held).
4. The verb that governs the quantity directly ("seizing roughly 386 square
   miles", "won back two thirds", "reducing their territory to 110 km²" -> held).
5. The main verb after a share or count that is the subject ("86% of the areas
   ... had been retaken", "a quarter of the salient ... remains in Ukrainian
   hands").
6. The nearest control verb in the clause, then in the sentence; then words of
   holding ("holdouts", "enclave", "pocket", "the last", "still").

Verbs: seize/capture/take/gain/advance/launch/"take control of" -> seized;
hold/control/retain/occupy/keep and "reduce ... to" -> held; retake/recapture/
reclaim/regain/liberate/"win back"/"claw back" -> retaken; lose/"lose control
of"/"pushed out of"/"withdrew from" -> lost: retaken by the other side, or seized
by it when the loser owns the land. Shares: "of <a region the geoparser found>",
"of the region" (the admin-1 region the article last named), "of its
territory", "of the territory controlled by X" or "under X control" ->
``region_share``; otherwise held -> ``share_held`` and retaken or seized ->
``share_retaken``.
Lengths: "wide", "N-km front", "a front about N km wide", "N-mile stretch of
the front" -> ``front_width``; "N km deep", "a depth of", "N km into",
"advanced N km" -> ``depth``; "N km from", "away", "within N km of", "N km
north of", "traveled N miles" -> ``distance``.

Actor (ISO code of who holds or took the territory)
---------------------------------------------------
Agents are country names, capitals used for their governments ("Kyiv's forces",
"Moscow says") and demonyms before a military noun ("Russian forces",
"Ukrainian army"); a name after a preposition ("the invasion of Russia") is not
an agent. Held: the holder named with the territory ("held by Kyiv's forces",
"in Ukrainian hands", "under Russian control", "Ukrainian salient", "Ukrainian
holdouts"), else the nearest agent before the verb. Seized: the agent of the
participle ("seized by Ukraine"), else the nearest agent that is not the owner
of the territory ("of Russian territory", or the anchor's country), else the
owner's opponent. Retaken: the nearest agent, else the opponent of the side that
had taken the base ("86% of the areas taken by Ukraine" -> RU), else the owner.
Depth and front width fall back on the owner's opponent when the sentence
speaks of an offensive, advance or breakthrough; distances only name an agent
that comes before them. Opponents are known for Russia and Ukraine only: in a
civil war the other side is not a country, so nothing is guessed.

Anchor (place, place_id, anchor_lat/anchor_lon)
-----------------------------------------------
``region_share``/``region_area``: the region itself. Otherwise the first of:
the populated place nearest to the quantity in its clause; a region named in
the clause; a populated place, then a region, elsewhere in the sentence; a
country named in the clause; the places of the two sentences before it in the
same paragraph; the country whose territory it is ("of Ukrainian land"); the
region the article names most; for seized land (and the captured base of a
share) the captor's opponent; retaken land is not guessed, since Moscow
"liberates" villages in Ukraine as well as in Kursk. A region is replaced by the
populated place the article names most inside it (the Kursk salient was centred
on Sudzha), not counting the region's namesake city. A distance is measured to
a point: its anchor is the first place after it in its clause ("5 miles from
Pokrovsk", "280 km north of Kidal"), else the nearest place before it in the
sentence ("Sudzha, about 10 km from the border"), and is never replaced.
Agents ("Moscow says") and the reference of a "size of" comparison are never
anchors. A bare city name that shares its name with its own oblast ("in
Kursk") stands for the oblast in area, share and count claims, unless a city
word says otherwise ("the city of Kursk", "north of Kursk").

Dates
-----
``as_of_start``/``as_of_end`` come from
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
* ``region_area`` is a fact about the region: no dates.
* No publication date: relative expressions give None, never today's date.
* A date after publication ("since 2022" in an article dated 2000) keeps its
  start, drops the end and is flagged ``as_of_after_published``.

Other fields
------------
``value``/``low``/``high`` and ``unit`` are as written (``unit`` is
"fraction" for word fractions, "the size of"/"times the size of" for
comparisons, the counted noun for counts); ``start``/``end`` cover the number
and unit only (not the qualifier, not "between", not a second unit in
brackets, which becomes ``alt_value``/``alt_unit`` and, when the two differ by
more than 3 %, a ``units_disagree`` flag). ``qualifier`` is the normalised
qualifier of :mod:`geomap.claims.quantities`, except that "roughly" stays
"roughly" and emphasis ("just", "only") is no qualifier. ``subject`` names the
territory ("Ukrainian-held part of Kursk Oblast").
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from geomap.claims.quantities import Quantity, find_quantities
from geomap.claims.temporal import (
    DAYS_PER_UNIT,
    TemporalExpression,
    as_of_for_sentence,
    find_temporal,
    resolve,
)
from geomap.geoparse import split_sentences
from geomap.records import AREA_KINDS, SHARE_KINDS, Claim, Mention, Source

__all__ = ["TABLE_COLUMNS", "UNITS_DISAGREE_PCT", "claims_table", "extract_claims"]

UNITS_DISAGREE_PCT = 3.0  # a second unit further off than this is flagged

# The table's leading columns, in order; the rest of the Claim fields follow.
TABLE_COLUMNS = (
    "source", "claim_id", "kind", "value", "low", "high", "unit", "km2", "km", "share", "qualifier",
    "as_of_start", "as_of_end", "as_of_text", "place", "quote", "start", "end",
)  # fmt: skip

# --------------------------------------------------------------------------
# Vocabulary (English news about fighting over territory)
# --------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SEIZE = _words(
    """seize seizes seized seizing capture captures captured capturing take takes took taken taking gain
    gains gained gaining advance advances advanced advancing launch launches launched launching overran
    overrun overrunning conquer conquers conquered conquering grab grabs grabbed grabbing annex annexes
    annexed annexing storm storms stormed"""
)
_RETAKE = _words(
    """retake retakes retook retaken retaking recapture recaptures recaptured recapturing reclaim reclaims
    reclaimed reclaiming regain regains regained regaining liberate liberates liberated liberating
    reconquer reconquers reconquered recover recovers recovered recovering freed"""
)
_LOSE = _words("lose loses lost losing")
# Verbs that mean "retake" with "back": "won back", "clawing back".
_BACK_VERBS = _words(
    """win wins won winning claw claws clawed clawing take takes took taken taking get gets got push pushes
    pushed pushing seize seizes seized seizing grab grabbed"""
)
_HOLD = _words(
    """hold holds held holding control controls controlled controlling retain retains retained retaining
    occupy occupies occupied occupying keep keeps kept"""
)
# Weaker words of holding, anywhere in the clause: the remaining pocket, the enclave.
_HOLD_WEAK = _words(
    """remain remains remained holdouts holdout still enclave enclaves pocket pockets salient foothold
    bridgehead"""
)
# Words of holding only right next to the quantity: "the last 50 square miles", "110 km² left".
_HOLD_BEFORE = _words("last remaining")
_HOLD_AFTER = _words("left remaining")
_CONTROL_NOUNS = _words("control hold grip")
_OUSTED = _words("pushed driven forced thrown expelled ousted kicked pulled")
_WITHDRAWN = _words("withdrew withdrawn withdrawing retreated retreating fled")
_REDUCE = _words("reduce reduces reduced reducing shrink shrinks shrank shrunk shrinking cut cuts whittled")
_AUXILIARIES = _words("has have had is are was were been be being will would")
_DETERMINERS = _words(
    """the a an its their his her our your this that these those some all another additional further already
    just only still last remaining roughly about"""
)
_PREPOSITIONS = _words(
    """of in into from to against across with on over toward towards at inside within near around about
    beyond through behind between under onto upon throughout along outside than like among via"""
)
# Nouns that make a demonym (or "Ukraine's") an agent: "Russian forces", "Ukraine's army".
_AGENT_NOUNS = _words(
    """forces force troops army armies military soldiers servicemen units unit brigades brigade battalions
    battalion fighters marines paratroopers infantry defenders troopers command defence defense ministry
    government leadership side"""
)
# Nouns that make a demonym the holder of a territory: "Ukrainian holdouts", "the Ukrainian salient".
_HOLDING_NOUNS = _words(
    """salient holdouts holdout pocket pockets enclave enclaves foothold bridgehead positions lines
    territory"""
)
# Nouns that make a demonym the owner of the land: "of Russian territory", "on Ukrainian soil".
_LAND_NOUNS = _words("territory territories land lands soil ground")
# Heads of the of-phrase of a share that make it a share of territory.
_TERRITORY_HEADS = _words(
    """territory territories land lands area areas salient pocket pockets enclave foothold bridgehead
    ground region regions oblast province country what it them holdings gains part"""
)
# Nouns after a place that make it part of a larger phrase, not a region a share is taken of.
_PLACE_HEADS = _words(
    """salient pocket enclave foothold bridgehead offensive incursion operation front border direction axis
    area areas territory campaign counteroffensive"""
)
_TERRITORIAL_COUNTS = _words(
    """settlements settlement villages village towns town cities city hamlets hamlet localities locality
    communities community regions region oblasts oblast districts district provinces province pockets
    pocket"""
)
_ADVANCE_NOUNS = _words(
    """offensive offensives advance advances breakthrough incursion assault assaults attack attacks push
    counteroffensive invasion raid thrust"""
)
_DEPTH_VERBS = _words(
    "advanced advance advances advancing pushed push pushing penetrated penetrate moved broke driven drove"
)
_TRAVEL_VERBS = _words(
    """travel travels traveled travelled traveling travelling marched march walked walk drove crawled crawl
    covered fled retreated withdrew trekked"""
)
_STRIP_NOUNS = _words("strip stretch front frontier border line section sector corridor zone belt")
_FRONT_NOUNS = _words("front frontline front-line line lines sector section stretch")
_COMPASS = _words(
    """north south east west northeast northwest southeast southwest north-east north-west south-east
    south-west northeastern"""
)
_CITY_CUES_BEFORE = re.compile(
    r"\b(?:city|town|village|outskirts|suburbs|centre|center|streets|downtown|mayor|north|south|east|west"
    r"|northeast|northwest|southeast|southwest)\s+of\s+(?:the\s+)?$|\b(?:near|around|outside)\s+$",
    re.IGNORECASE,
)
_REGION_SUFFIX = re.compile(
    r"\s+(?:oblast|region|province|krai|governorate|city|republic|autonomous\s+okrug|raion)$", re.IGNORECASE
)
_SKIPPED_LENGTH_UNITS = frozenset({"in", "cm", "mm", "ft", "yd"})
_AREA_UNITS = frozenset({"km2", "mi2", "ha", "acre"})
_ADJECTIVES = {"UA": "Ukrainian", "RU": "Russian", "BY": "Belarusian", "KP": "North Korean"}
# Belligerents the project is about. Elsewhere no opponent is guessed: in a civil war the
# other side is not a country.
_OPPONENTS = {"RU": "UA", "UA": "RU"}
_COUNTRY_NAMES = {"RU": "Russia", "UA": "Ukraine"}  # for an opponent the article does not name

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
# Commas inside numbers ("1,300") do not break a clause.
_CLAUSE_BREAK_RE = re.compile(r"[;:()\[\]—]|\s[–-]\s|(?<!\d),|,(?!\d)")
_DOWN_FROM_RE = re.compile(
    r"\b(?:down|up)\s+from\s+(?:the\s+|a\s+|an\s+)?$|\bcompared\s+(?:with|to)\s+(?:the\s+)?$", re.IGNORECASE
)
_ONLY_THE_RE = re.compile(r"\s*(?:the\s+)?", re.IGNORECASE)
_DEFINITE_RE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_SIZE_OF_RE = re.compile(
    r"\b(?P<phrase>(?:the|an?\s+area)\s+(?:the\s+)?size\s+of|as\s+(?:large|big)\s+as)\s+(?:the\s+)?",
    re.IGNORECASE,
)
_SIZE_QUALIFIER_RE = re.compile(
    r"\b(?P<q>roughly|about|around|approximately|nearly|almost|some|more\s+than|less\s+than|over|under)\s+$",
    re.IGNORECASE,
)
_SIZE_QUALIFIERS = {
    "roughly": "roughly", "about": "about", "around": "about", "approximately": "about", "some": "about",
    "nearly": "nearly", "almost": "nearly", "more than": "more than", "over": "more than",
    "less than": "less than", "under": "less than",
}  # fmt: skip
_IN_SIZE_RE = re.compile(r"^\s+in\s+(?:size|area)\b", re.IGNORECASE)
# "Nagorno-Karabakh, an enclave of roughly 4,400 km²", "Darfur, an area of ...", "Kursk, which covers ...".
_APPOSITIVE_RE = re.compile(
    r"^\s*,\s*(?:which\s+(?:covers|spans|measures)\s+|(?:an?|the)\s+(?:[\w\-]+\s+){0,3}?"
    r"(?:of|covering|spanning|measuring)\s+)$",
    re.IGNORECASE,
)
_RELATIVE_CLAUSE_RE = re.compile(r",\s+(?:where|which|who|whose|when)\b", re.IGNORECASE)
_ANAPHORIC_REGION_RE = re.compile(r"(?:region|oblast|province)\b(?![\w\-])", re.IGNORECASE)
_SUBJECT_SIZE_RE = re.compile(
    r"^\s*(?:,\s*which\s+|\s+which\s+)?(?:now\s+|alone\s+|itself\s+)?(?:covers|covering|spans|spanning|measures"
    r"|measuring|encompasses|has\s+an\s+area\s+of|is)\s+$",
    re.IGNORECASE,
)
_PAST_RE = re.compile(r"\b(?:was|were|had|did)\b|\b[a-z]{3,}ed\b")
_PRESENT_RE = re.compile(
    r"\b(?:is|are|am|has|have|now|currently|remains?|holds|controls|occupies)\b", re.IGNORECASE
)
_FUTURE_RE = re.compile(r"\b(?:will|would|could|might|may|shall|expects?|plans?)\b", re.IGNORECASE)
_DAY_LEVEL_KINDS = frozenset({"weekday", "date", "ago", "relative_day"})


# --------------------------------------------------------------------------
# Records used while reading one article
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sentence:
    index: int
    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True)
class _Token:
    lower: str
    start: int  # absolute offsets in the source text
    end: int


@dataclass(frozen=True)
class _Place:
    """Where a claim is anchored (or the region it is about)."""

    name: str | None
    id: str | None
    kind: str | None
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None


@dataclass(frozen=True)
class _Reading:
    """A quantity (or a size comparison) that may become a claim."""

    start: int  # the number and unit as written, without qualifier, "between" or a second unit
    end: int
    span_start: int  # qualifier included
    span_end: int  # second unit in brackets included
    family: str  # area | length | share | count | relative
    value: float
    unit: str
    normalised: float | None = None
    low: float | None = None
    high: float | None = None
    qualifier: str | None = None
    alt_value: float | None = None
    alt_unit: str | None = None
    disagree_pct: float | None = None
    unit_shared: bool = False
    hyphenated: bool = False
    reference: Mention | None = None  # the X of "the size of X"


@dataclass
class _Interpretation:
    """The pieces of one claim, before it becomes a Claim record."""

    kind: str
    actor: str | None = None
    holder: str | None = None  # who holds the territory the quantity measures
    place: _Place | None = None
    region: _Place | None = None
    focus_end: int | None = None  # where the temporal focus ends (absolute), when not the quantity's end
    mask: list[tuple[int, int]] = field(default_factory=list)  # absolute spans hidden from the dating


@dataclass
class _Article:
    """One source with its sentences and mentions, indexed for lookups by offset."""

    source: Source
    sentences: list[_Sentence]
    sentence_starts: list[int]
    mentions: list[Mention]
    mention_starts: list[int]
    references: set[int]  # ids of the mentions compared with ("the size of Kyiv"): never anchors
    place_counts: Counter[str]  # populated place id -> mentions
    place_first: dict[str, int]
    places: dict[str, Mention]  # id -> first mention (for names and coordinates)
    region_counts: Counter[str]  # admin1 code -> mentions of it or of places in it
    agent_cache: dict[int, list[tuple[Mention, str]]] = field(default_factory=dict)  # sentence index -> agents

    @property
    def text(self) -> str:
        return self.source.text

    def sentence_at(self, offset: int) -> _Sentence:
        index = max(0, bisect.bisect_right(self.sentence_starts, offset) - 1)
        return self.sentences[index]

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        first = bisect.bisect_left(self.mention_starts, start)
        found = []
        for mention in self.mentions[first:]:
            if mention.start >= end:
                break
            if mention.end <= end:
                found.append(mention)
        return found



# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def extract_claims(sources: Sequence[Source], mentions: Iterable[Mention]) -> list[Claim]:
    """Every quantitative territorial claim in ``sources``.

    Parameters
    ----------
    sources : sequence of Source
        The articles; ``published`` dates relative expressions.
    mentions : iterable of Mention
        The geoparser's mentions of those sources (any order; mentions of other
        sources are ignored). They anchor claims and name actors and regions.

    Returns
    -------
    list of Claim
        Per source in the given order, claims in text order with ids
        ``"<source id>#1"``, ``"#2"``, ... See the module docstring for the rules.

    Examples
    --------
    >>> from datetime import date
    >>> from geomap.records import Source
    >>> source = Source(id="a", text="Ukrainian troops still held about 400 km² of the region.",
    ...                 published=date(2025, 3, 14))
    >>> [claim] = extract_claims([source], [])
    >>> claim.kind, claim.km2, claim.qualifier, claim.as_of_end.isoformat()
    ('area_held', 400.0, 'about', '2025-03-14')
    """
    by_source: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_source.setdefault(mention.source, []).append(mention)
    claims: list[Claim] = []
    for source in sources:
        claims.extend(_source_claims(source, by_source.get(source.id, [])))
    return claims


def claims_table(claims: Iterable[Claim]) -> list[dict[str, Any]]:
    """Flat, JSON-ready records of ``claims``: the :data:`TABLE_COLUMNS` first, then the other fields.

    Dates become ISO strings; flags stay a list of dicts.

    Examples
    --------
    >>> from datetime import date
    >>> claim = Claim(source="a", claim_id="a#1", kind="area_held", value=50, unit="square miles",
    ...               quote="...", start=0, end=15, as_of_start=date(2025, 3, 13))
    >>> row = claims_table([claim])[0]
    >>> list(row)[:4], row["as_of_start"]
    (['source', 'claim_id', 'kind', 'value'], '2025-03-13')
    """
    names = [f.name for f in dataclasses.fields(Claim)]
    order = list(TABLE_COLUMNS) + [name for name in names if name not in TABLE_COLUMNS]
    rows = []
    for claim in claims:
        record = {}
        for name in order:
            value = getattr(claim, name)
            if isinstance(value, date):
                value = value.isoformat()
            elif name == "flags":
                value = [dict(flag) for flag in value]
            record[name] = value
        rows.append(record)
    return rows


# --------------------------------------------------------------------------
# One article
# --------------------------------------------------------------------------


def _source_claims(source: Source, mentions: list[Mention]) -> list[Claim]:
    article = _index_article(source, mentions)
    readings = _readings(article)
    results: list[tuple[_Reading, _Sentence, _Interpretation]] = []
    for reading in readings:
        sentence = article.sentence_at(reading.start)
        previous = results[-1] if results and results[-1][1].index == sentence.index else None
        result = _read(article, sentence, reading, previous)
        if result is not None:
            results.append((reading, sentence, result))
    return [
        _make_claim(article, reading, sentence, result, number)
        for number, (reading, sentence, result) in enumerate(results, start=1)
    ]


def _index_article(source: Source, mentions: list[Mention]) -> _Article:
    text = source.text
    sentences = []
    paragraph = 0
    previous_end = 0
    for index, (start, end) in enumerate(split_sentences(text)):
        if "\n" in text[previous_end:start]:
            paragraph += 1
        sentences.append(_Sentence(index, start, end, text[start:end], paragraph))
        previous_end = end
    ordered = sorted(
        (m for m in mentions if 0 <= m.start < m.end <= len(text) and m.id is not None),
        key=lambda m: (m.start, m.end),
    )
    place_counts: Counter[str] = Counter()
    place_first: dict[str, int] = {}
    places: dict[str, Mention] = {}
    region_counts: Counter[str] = Counter()
    for m in ordered:
        assert m.id is not None
        places.setdefault(m.id, m)
        if m.type != "place":
            continue
        if m.kind == "populated_place" and m.feature_code != "PPLC":
            place_counts[m.id] += 1
            place_first.setdefault(m.id, m.start)
        if m.kind in ("admin1", "populated_place") and m.admin1 and m.feature_code != "PPLC":
            region_counts[m.admin1] += 1
    return _Article(
        source=source,
        sentences=sentences,
        sentence_starts=[s.start for s in sentences],
        mentions=ordered,
        mention_starts=[m.start for m in ordered],
        references=set(),
        place_counts=place_counts,
        place_first=place_first,
        places=places,
        region_counts=region_counts,
    )


# --------------------------------------------------------------------------
# Readings: quantities and size comparisons that may be claims
# --------------------------------------------------------------------------


def _readings(article: _Article) -> list[_Reading]:
    text = article.text
    quantities = find_quantities(text)
    by_end = {q.end: q for q in quantities}
    used: set[int] = set()  # starts of quantities a size comparison took
    readings: list[_Reading] = []
    for m in _SIZE_OF_RE.finditer(text):
        reading = _size_comparison(article, m, by_end)
        if reading is not None:
            readings.append(reading)
            used.add(reading.start)
            article.references.add(id(reading.reference))
    for quantity in quantities:
        if quantity.start in used:
            continue
        reading = _quantity_reading(text, quantity)
        if reading is not None:
            readings.append(reading)
    readings.sort(key=lambda r: (r.start, r.end))
    return readings


def _quantity_reading(text: str, q: Quantity) -> _Reading | None:
    """The reading of one quantity, or None when it can never be a territorial claim."""
    if q.vague or q.normalised is None:
        return None
    qualifier = _qualifier(q.qualifier, q.qualifier_text)
    span_start = q.qualifier_start if q.qualifier_start is not None else q.start
    start, end = q.start, q.end
    if text[start:end].lower().startswith("between"):
        start = _skip_spaces(text, start + len("between"))
    if q.alt_start is not None:
        bracket = text.rfind("(", start, q.alt_start)
        end = len(text[start:bracket].rstrip()) + start if bracket > start else end
    common = dict(
        start=start, end=end, span_start=span_start, span_end=q.end, value=q.value, low=q.low, high=q.high,
        qualifier=qualifier, unit_shared=q.unit_shared, hyphenated=q.hyphenated,
    )  # fmt: skip
    if q.dimension == "area" and q.unit_key in _AREA_UNITS:
        return _Reading(
            family="area", unit=q.unit or "", normalised=_clean(q.normalised), alt_value=q.alt_value,
            alt_unit=q.alt_unit, disagree_pct=q.units_disagree_pct, **common,
        )  # fmt: skip
    if q.dimension == "length" and q.unit_key not in _SKIPPED_LENGTH_UNITS:
        return _Reading(
            family="length", unit=_plural_unit(q.unit or "", q.hyphenated), normalised=_clean(q.normalised),
            alt_value=q.alt_value, alt_unit=q.alt_unit, disagree_pct=q.units_disagree_pct, **common,
        )  # fmt: skip
    if q.dimension == "share" and q.unit_key in ("percent", "fraction"):
        unit = "fraction" if q.unit_key == "fraction" else (q.unit or "%")
        return _Reading(family="share", unit=unit, normalised=_clean(q.normalised), **common)
    if q.dimension == "count" and q.counted:
        counted_end = _counted_end(text, q)
        if counted_end is None:
            return None
        common["end"] = counted_end
        return _Reading(family="count", unit=_counted_phrase(text, q.end, counted_end), **common)
    return None


def _plural_unit(unit: str, hyphenated: bool) -> str:
    """A unit word written as an adjective ("15-mile stretch") named as a unit: "miles"."""
    if hyphenated and len(unit) > 2 and unit.isalpha() and not unit.endswith("s"):
        return unit + "s"
    return unit


def _counted_end(text: str, q: Quantity) -> int | None:
    """End of the counted noun when it names territorial units ("villages and towns"), else None."""
    assert q.counted is not None
    last = q.counted.split()[-1].lower()
    if last not in _TERRITORIAL_COUNTS:
        return None
    at = text.find(q.counted, q.end, q.end + 80)
    if at < 0:
        return None
    end = at + len(q.counted)
    more = re.match(r"\s+(?:and|or)\s+([^\W\d_]+)", text[end : end + 40])
    if more and more.group(1).lower() in _TERRITORIAL_COUNTS:
        end += more.end()
    return end


def _counted_phrase(text: str, number_end: int, end: int) -> str:
    return " ".join(text[number_end:end].split())


def _size_comparison(article: _Article, m: re.Match[str], by_end: dict[int, Quantity]) -> _Reading | None:
    """'three times the size of Kyiv', 'half the size of Moscow', 'roughly the size of Hong Kong'."""
    text = article.text
    reference = next(iter(article.mentions_in(m.end(), m.end() + 60)), None)
    if reference is None or reference.start != m.end() or reference.type != "place":
        return None
    phrase = " ".join(m.group("phrase").split())
    before = text[: m.start()].rstrip()
    quantity = by_end.get(len(before))
    if quantity is not None and quantity.dimension in ("ratio", "share") and quantity.unit_key != "percent":
        times = "times" in quantity.surface.lower()
        unit = f"times {phrase}" if times else phrase
        span_start = quantity.qualifier_start if quantity.qualifier_start is not None else quantity.start
        return _Reading(
            start=quantity.start, end=quantity.end, span_start=span_start, span_end=quantity.end,
            family="relative", value=quantity.value, unit=unit,
            qualifier=_qualifier(quantity.qualifier, quantity.qualifier_text), reference=reference,
        )  # fmt: skip
    start = m.start()
    # "an area the size of X": the number is the phrase "the size of" itself.
    if phrase.lower().startswith(("an area", "a area")):
        start = m.start() + m.group("phrase").lower().index("the")
        phrase = text[start : m.start("phrase") + len(m.group("phrase"))]
    end = m.start("phrase") + len(m.group("phrase"))
    found = _SIZE_QUALIFIER_RE.search(text, max(0, start - 20), start)
    qualifier = _SIZE_QUALIFIERS[" ".join(found.group("q").lower().split())] if found else None
    return _Reading(
        start=start, end=end, span_start=found.start("q") if found else start, span_end=end,
        family="relative", value=1.0, unit=" ".join(text[start:end].split()), qualifier=qualifier,
        reference=reference,
    )  # fmt: skip


def _qualifier(normalised: str | None, written: str | None) -> str | None:
    """The claim's qualifier: 'roughly' as written, emphasis dropped, the rest normalised."""
    if normalised is None:
        return None
    if normalised == "only":
        return None  # "just 110 km²" is emphasis, not an approximation
    if written and " ".join(written.lower().split()) == "roughly":
        return "roughly"
    return normalised


def _clean(value: float | None) -> float | None:
    """Drop binary noise from a converted value (70 * 0.01 = 0.7000000000000001)."""
    return None if value is None else round(value, 10)


def _skip_spaces(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


# --------------------------------------------------------------------------
# Reading one quantity in its sentence
# --------------------------------------------------------------------------


def _read(
    article: _Article,
    sentence: _Sentence,
    reading: _Reading,
    previous: tuple[_Reading, _Sentence, _Interpretation] | None,
) -> _Interpretation | None:
    window = _clause(article.text, sentence, reading)
    before = article.text[sentence.start : reading.span_start]
    if (
        previous is not None
        and reading.family == "relative"
        and previous[0].family in ("area", "relative")
        and not article.text[previous[0].span_end : reading.span_start].strip(" ,")
    ):
        # "gained 1,500 sq km, twice the size of London": the same area again, compared.
        earlier = previous[2]
        return _Interpretation(
            kind="relative_area", actor=earlier.actor, holder=earlier.holder, place=earlier.place,
            region=_place_of(reading.reference),
        )  # fmt: skip
    if previous is not None and previous[0].family == reading.family and _DOWN_FROM_RE.search(before):
        earlier = previous[2]
        return _Interpretation(
            kind=earlier.kind, actor=earlier.actor, holder=earlier.holder, place=earlier.place,
            region=earlier.region,
        )  # fmt: skip
    if reading.family == "area":
        return _read_area(article, sentence, reading, window)
    if reading.family == "share":
        return _read_share(article, sentence, reading, window)
    if reading.family == "length":
        return _read_length(article, sentence, reading, window)
    if reading.family == "count":
        return _read_count(article, sentence, reading, window)
    return _read_relative(article, sentence, reading, window)


def _clause(text: str, sentence: _Sentence, reading: _Reading) -> tuple[int, int]:
    """Absolute bounds of the quantity's clause: the sentence cut at commas, semicolons, dashes, brackets."""
    left = sentence.start
    for m in _CLAUSE_BREAK_RE.finditer(text, sentence.start, reading.span_start):
        left = m.end()
    right_match = _CLAUSE_BREAK_RE.search(text, reading.span_end, sentence.end)
    right = right_match.start() if right_match else sentence.end
    return left, right


def _tokens(text: str, start: int, end: int) -> list[_Token]:
    return [_Token(m.group().lower(), m.start(), m.end()) for m in _WORD_RE.finditer(text, start, end)]


def _category(word: str) -> str | None:
    """seized | retaken | held | lost for a control verb, else None."""
    if word in _RETAKE:
        return "retaken"
    if word in _SEIZE:
        return "seized"
    if word in _HOLD:
        return "held"
    if word in _LOSE:
        return "lost"
    return None


@dataclass(frozen=True)
class _Cue:
    category: str  # seized | retaken | held | lost
    start: int
    end: int
    agent: tuple[Mention, str] | None = None  # "seized by Ukraine"


def _cue_at(tokens: list[_Token], i: int) -> _Cue | None:
    """The control cue that the token ``tokens[i]`` (text order) belongs to, if any.

    Phrases first: "won back" (retaken), "lost control of" / "took control over" (the verb's
    category), "pushed out of" / "withdrew from" (lost); then the word's own category.
    """
    word = tokens[i].lower
    previous = tokens[i - 1].lower if i > 0 else None
    following = tokens[i + 1].lower if i + 1 < len(tokens) else None
    if word == "back" and previous in _BACK_VERBS:
        return _Cue("retaken", tokens[i - 1].start, tokens[i].end)
    if word in _BACK_VERBS and following == "back":
        return _Cue("retaken", tokens[i].start, tokens[i + 1].end)
    if word in ("of", "over", "on") and previous in _CONTROL_NOUNS:
        return _cue_at(tokens, i - 1)
    if word in _CONTROL_NOUNS and previous is not None and _category(previous) is not None:
        return _Cue(_category(previous), tokens[i - 1].start, tokens[i].end)  # type: ignore[arg-type]
    if word == "of" and previous == "out" and i > 1 and tokens[i - 2].lower in _OUSTED:
        return _Cue("lost", tokens[i - 2].start, tokens[i].end)
    if word == "out" and previous in _OUSTED and following == "of":
        return _Cue("lost", tokens[i - 1].start, tokens[i + 1].end)
    if word == "from" and previous in _WITHDRAWN:
        return _Cue("lost", tokens[i - 1].start, tokens[i].end)
    category = _category(word)
    return _Cue(category, tokens[i].start, tokens[i].end) if category else None


def _direct_cue(text: str, window: tuple[int, int], reading: _Reading) -> _Cue | None:
    """The verb that governs the quantity directly ('seizing roughly 386', 'reducing X to 110')."""
    tokens = _tokens(text, window[0], reading.span_start)
    i = len(tokens) - 1
    while i >= 0 and tokens[i].lower in _DETERMINERS:
        i -= 1
    if i < 0:
        return None
    if tokens[i].lower in ("to", "from"):  # "reducing their territory to 110 km²", "shrank from 1,368 to"
        for earlier in reversed(tokens[:i]):
            if earlier.lower in _REDUCE:
                return _Cue("reduced", earlier.start, earlier.end)
    return _cue_at(tokens, i)


def _nearest_cue(text: str, start: int, end: int, *, leftwards: bool) -> _Cue | None:
    tokens = _tokens(text, start, end)
    order = range(len(tokens) - 1, -1, -1) if leftwards else range(len(tokens))
    for i in order:
        cue = _cue_at(tokens, i)
        if cue is not None:
            return cue
    return None


def _weak_hold(text: str, window: tuple[int, int], reading: _Reading) -> bool:
    """Whether the clause speaks of holding without a control verb ('the last 50 square miles of
    Ukrainian holdouts', 'in Ukrainian hands', 'the enclave')."""
    before = _tokens(text, max(window[0], reading.span_start - 20), reading.span_start)[-2:]
    after = _tokens(text, reading.span_end, min(window[1], reading.span_end + 12))[:1]
    if any(t.lower in _HOLD_BEFORE for t in before) or any(t.lower in _HOLD_AFTER for t in after):
        return True
    return any(t.lower in _HOLD_WEAK for t in _tokens(text, *window)) or bool(
        re.search(r"\bin\s+\S+\s+hands\b|\bunder\s+\S+\s+(?:control|occupation)\b|-held\b",
                  text[window[0] : window[1]], re.IGNORECASE)
    )


def _participle_after(article: _Article, sentence: _Sentence, reading: _Reading, end: int) -> _Cue | None:
    """A participle or relative clause describing the quantity: 'of Russian territory seized by Ukraine',
    'they controlled'. Looked for within eight words after the quantity."""
    text = article.text
    tokens = _tokens(text, reading.span_end, end)[:8]
    for i, token in enumerate(tokens):
        category = _category(token.lower)
        if category is None:
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if following is not None and following.lower == "by":
            agent = _agent_after(article, sentence, following.end)
            return _Cue(category, token.start, following.end if agent is None else agent[0].end, agent)
        previous = tokens[i - 1].lower if i > 0 else None
        subject = _agent_ending_at(article, sentence, token.start)  # "the land Ukraine seized"
        if subject is not None or previous in ("they", "it", "he", "she", "we", "which", "that"):
            return _Cue(category, token.start, token.end, subject)
        return None
    return None


def _main_verb_after(text: str, start: int, end: int) -> tuple[_Cue | None, int]:
    """The main verb after a share or count that is the subject ('86% of the areas ... had been retaken'),
    and where the subject's of-phrase (its base) ends."""
    tokens = _tokens(text, start, end)
    for i, token in enumerate(tokens):
        if token.lower in _AUXILIARIES or token.lower in ("remains", "remain", "remained"):
            if token.lower.startswith("remain"):
                return _Cue("held", token.start, token.end), token.start
            for later in tokens[i + 1 : i + 4]:
                category = _category(later.lower)
                if category is not None:
                    return _Cue(category, later.start, later.end), token.start
                if later.lower not in _AUXILIARIES and later.lower not in ("now", "already", "still", "all"):
                    break
            # An auxiliary without a control verb ("of what it was in August") is inside the base.
    return None, end


# --------------------------------------------------------------------------
# Agents, holders, owners
# --------------------------------------------------------------------------


def _word_before(text: str, start: int, lower_bound: int) -> str | None:
    """The word before ``start`` (skipping 'the'), when only spaces separate them."""
    chunk = text[max(lower_bound, start - 40) : start]
    m = re.search(r"([^\W\d_]+)\s+(?:the\s+)?$", chunk, re.IGNORECASE)
    return m.group(1).lower() if m else None


def _agent_code(m: Mention, text: str) -> str | None:
    """The country a mention stands for when it acts (subject or 'by' agent), else None."""
    code = m.country or (m.id if m.kind == "country" else None)
    if code is None:
        return None
    after = text[m.end : m.end + 60]
    if m.type == "demonym":
        words = [w.lower() for w in re.match(r"(?:[ \t]+[^\W\d_][\w\-]*){0,3}", after).group().split()]
        if not any(w in _AGENT_NOUNS for w in words):
            return None
    elif m.kind == "country" or (m.kind == "populated_place" and m.feature_code == "PPLC"):
        possessive = re.match(r"['’]s?(?![\w])((?:[ \t]+[^\W\d_][\w\-]*){0,2})", after)
        if possessive and not any(w.lower() in _AGENT_NOUNS for w in possessive.group(1).split()):
            return None  # "Ukraine's eastern front", "Russia's economy"
    else:
        return None
    before = _word_before(text, m.start, 0)
    if before in _PREPOSITIONS:
        if before == "for" and re.match(r"(?:['’]s?)?(?:\s+[^\W\d_]+){0,2}\s+to\s", after):
            return code  # "for Russia to seize"
        return None
    return code


def _opponent(code: str | None) -> str | None:
    """The other side, where the project knows it (Russia and Ukraine)."""
    return _OPPONENTS.get(code) if code is not None else None


def _sentence_agents(article: _Article, sentence: _Sentence) -> list[tuple[Mention, str]]:
    """The sentence's agent mentions with their country codes (cached per sentence on the article)."""
    if sentence.index not in article.agent_cache:
        article.agent_cache[sentence.index] = [
            (m, code)
            for m in article.mentions_in(sentence.start, sentence.end)
            if (code := _agent_code(m, article.text)) is not None
        ]
    return article.agent_cache[sentence.index]


def _agent_after(article: _Article, sentence: _Sentence, position: int) -> tuple[Mention, str] | None:
    """The agent right after ``position`` ('by Ukraine', "by Kyiv's forces", 'by the Russian army')."""
    for mention in article.mentions_in(position, min(sentence.end, position + 40)):
        if not _ONLY_THE_RE.fullmatch(article.text[position : mention.start]):
            break
        # A demonym or country right after "by" is the agent, whatever noun follows.
        code = mention.country or (mention.id if mention.kind == "country" else None)
        if code and (mention.type == "demonym" or mention.kind == "country" or mention.feature_code == "PPLC"):
            return mention, code
        break
    return None


def _agent_ending_at(article: _Article, sentence: _Sentence, position: int) -> tuple[Mention, str] | None:
    for mention, code in _sentence_agents(article, sentence):
        if mention.end <= position and not article.text[mention.end : position].strip():
            return mention, code
    for mention in article.mentions_in(sentence.start, position):
        if mention.kind == "country" and not article.text[mention.end : position].strip():
            return mention, mention.country or mention.id or ""
    return None


def _agents_before(article: _Article, sentence: _Sentence, position: int, since: int = 0) -> list[str]:
    """Agent codes before ``position`` (and from ``since`` on) in the sentence, nearest first."""
    found = [(m.start, code) for m, code in _sentence_agents(article, sentence) if since <= m.start and m.end <= position]
    return [code for _, code in sorted(found, reverse=True)]


def _holder_in(article: _Article, sentence: _Sentence, start: int, end: int) -> str | None:
    """Who holds the territory, as written with it: 'held by X', 'in Ukrainian hands', 'Ukrainian salient'."""
    text = article.text
    for mention in article.mentions_in(start, end):
        code = mention.country or (mention.id if mention.kind == "country" else None)
        if code is None:
            continue
        after = text[mention.end : mention.end + 30].lower()
        before = text[max(sentence.start, mention.start - 30) : mention.start].lower()
        if re.match(r"-(?:held|controlled|occupied)\b", after):
            return code
        if mention.type == "demonym":
            if re.search(r"\bin\s+$", before) and re.match(r"\s+hands\b", after):
                return code
            if re.search(r"\bunder\s+$", before) and re.match(r"\s+(?:control|occupation|rule)\b", after):
                return code
            next_word = re.match(r"\s+([a-z\-]+)", after)
            if next_word and next_word.group(1) in _HOLDING_NOUNS and next_word.group(1) != "territory":
                return code
        if re.search(r"\b(?:held|controlled|occupied|retained)\s+by\s+(?:the\s+)?$", before):
            return code
    return None


def _owner_in(article: _Article, start: int, end: int) -> str | None:
    """The country whose land it is, when the text says so: 'of Russian territory', 'on Ukrainian soil'."""
    for mention in article.mentions_in(start, end):
        if mention.type != "demonym":
            continue
        following = re.match(r"\s+([^\W\d_]+)", article.text[mention.end : mention.end + 20])
        if following and following.group(1).lower() in _LAND_NOUNS:
            return mention.country or mention.id
    return None


def _base_holder(article: _Article, sentence: _Sentence, start: int, end: int, subject: str | None) -> str | None:
    """Who had taken the base of a share: 'of the areas taken by Ukraine', 'of the land Ukraine seized'."""
    text = article.text
    tokens = _tokens(text, start, end)
    for i, token in enumerate(tokens):
        if _category(token.lower) is None:
            continue
        if i + 1 < len(tokens) and tokens[i + 1].lower == "by":
            agent = _agent_after(article, sentence, tokens[i + 1].end)
            if agent is not None:
                return agent[1]
        ending = _agent_ending_at(article, sentence, token.start)
        if ending is not None:
            return ending[1]
        if i > 0 and tokens[i - 1].lower in ("it", "they", "its", "their"):
            return subject
    if any(t.lower in ("its", "their") for t in tokens):
        return subject
    return None


# --------------------------------------------------------------------------
# Kinds per family
# --------------------------------------------------------------------------


def _verb_cue(
    article: _Article, sentence: _Sentence, reading: _Reading, window: tuple[int, int]
) -> tuple[_Cue | None, str]:
    """The control cue of an area or count and where it came from (participle | direct | main | near)."""
    text = article.text
    definite = _DEFINITE_RE.search(text, max(sentence.start, reading.span_start - 6), reading.span_start)
    if definite:
        participle = _participle_after(article, sentence, reading, window[1])
        if participle is not None:
            return participle, "participle"
    direct = _direct_cue(text, window, reading)
    if direct is not None:
        return direct, "direct"
    main, _ = _main_verb_after(text, reading.span_end, window[1])
    if main is not None:
        return main, "main"
    for start, end, leftwards in (
        (window[0], reading.span_start, True),
        (reading.span_end, window[1], False),
        (sentence.start, reading.span_start, True),
        (reading.span_end, sentence.end, False),
    ):
        cue = _nearest_cue(text, start, end, leftwards=leftwards)
        if cue is not None:
            return cue, "near"
    return None, "none"


def _region_area(article: _Article, sentence: _Sentence, reading: _Reading) -> _Place | None:
    """The region whose own size the quantity gives, or None."""
    text = article.text
    regions = [
        m for m in article.mentions_in(sentence.start, reading.span_start)
        if m.type == "place" and m.kind in ("admin1", "named_region", "country")
    ]  # fmt: skip
    if not regions:
        return None
    region = regions[-1]
    between = text[region.end : reading.span_start]
    if any(_category(t.lower) for t in _tokens(text, region.end, reading.span_start)):
        return None
    # "in Kursk now measures 80 km²" is about an enclave in Kursk, not Kursk itself.
    is_subject = _word_before(text, region.start, sentence.start) not in _PREPOSITIONS
    if is_subject and _SUBJECT_SIZE_RE.match(between):
        return _place_of(region)
    if _APPOSITIVE_RE.match(between):
        return _place_of(region)
    if re.fullmatch(r"\s*,\s*", between) and _IN_SIZE_RE.match(text[reading.span_end : reading.span_end + 20]):
        return _place_of(region)
    return None


def _read_area(
    article: _Article, sentence: _Sentence, reading: _Reading, window: tuple[int, int]
) -> _Interpretation | None:
    region = _region_area(article, sentence, reading)
    if region is not None:
        return _Interpretation(kind="region_area", place=region, region=region)
    cue, source = _verb_cue(article, sentence, reading, window)
    if cue is None:
        if not _weak_hold(article.text, window, reading):
            return None
        cue, source = _Cue("held", reading.start, reading.end), "weak"
    category = "held" if cue.category == "reduced" else cue.category
    kind = {"seized": "area_seized", "retaken": "area_retaken", "held": "area_held", "lost": "area_retaken"}[
        category
    ]
    result = _Interpretation(kind=kind)
    if source == "participle":
        result.focus_end = cue.end
    _territorial_actor(article, sentence, reading, window, cue, result)
    return result


def _read_count(
    article: _Article, sentence: _Sentence, reading: _Reading, window: tuple[int, int]
) -> _Interpretation | None:
    cue, _ = _verb_cue(article, sentence, reading, window)
    if cue is None:
        return None
    result = _Interpretation(kind="count")
    _territorial_actor(article, sentence, reading, window, cue, result)
    return result


def _read_relative(
    article: _Article, sentence: _Sentence, reading: _Reading, window: tuple[int, int]
) -> _Interpretation | None:
    assert reading.reference is not None
    cue, _ = _verb_cue(article, sentence, reading, window)
    if cue is None:
        cue = _Cue("held", reading.start, reading.end)
    result = _Interpretation(kind="relative_area", region=_place_of(reading.reference))
    _territorial_actor(article, sentence, reading, window, cue, result)
    return result


def _territorial_actor(
    article: _Article,
    sentence: _Sentence,
    reading: _Reading,
    window: tuple[int, int],
    cue: _Cue,
    result: _Interpretation,
) -> None:
    """Fill actor, holder and place of an area, count or size comparison."""
    excluded = {id(reading.reference)} if reading.reference is not None else set()
    result.place = _anchor(article, sentence, reading, window, result.kind, excluded)
    owner = _owner_in(article, window[0], window[1]) or _owner_in(article, sentence.start, sentence.end)
    if owner is None and result.place is not None:
        owner = result.place.country
    verb_position = min(cue.start, reading.span_start)
    subjects = [
        code
        for m, code in _sentence_agents(article, sentence)
        if m.end <= verb_position and id(m) not in excluded
    ]
    subjects = list(reversed(subjects))  # nearest first
    category = "held" if cue.category == "reduced" else cue.category
    actor: str | None = None
    if category == "held":
        actor = _holder_in(article, sentence, *window)
        if actor is None and cue.agent is not None:
            actor = cue.agent[1]
        if actor is None and subjects:
            actor = subjects[0]
        result.holder = actor
    elif category == "seized":
        actor = cue.agent[1] if cue.agent is not None else None
        if actor is None and subjects:
            # "the Ukrainian army stunned Russia when it ... seized 1,300 km² of Russian territory":
            # the nearest agent that is not the land's owner, else the nearest agent.
            actor = next((code for code in subjects if code != owner), subjects[0])
        if actor is None:
            actor = _opponent(owner)
        result.holder = actor
    elif category == "retaken":
        actor = _agent_by_after(article, sentence, cue.end) or (subjects[0] if subjects else None) or owner
        result.holder = _opponent(actor)
    elif category == "lost":
        loser = subjects[0] if subjects else None
        actor = _opponent(loser)
        result.holder = loser
        if owner is not None and loser is not None and owner == loser and result.kind == "area_retaken":
            result.kind = "area_seized"  # the owner lost it: the other side seized it
            result.holder = actor
    result.actor = actor
    if result.place is None and (result.kind == "area_seized" or category == "seized"):
        # Unnamed land that was seized is the other side's. (Retaken land is not guessed: Moscow
        # "liberates" villages in Ukraine as well as in Kursk.)
        result.place = _country_place(article, _opponent(actor))


def _agent_by_after(article: _Article, sentence: _Sentence, position: int) -> str | None:
    by = re.match(r"\s+by\s+", article.text[position : position + 10])
    if by is None:
        return None
    agent = _agent_after(article, sentence, position + by.end())
    return agent[1] if agent else None


@dataclass(frozen=True)
class _ShareTarget:
    region: _Place | None
    actor: str | None  # named with the territory: "controlled by Russia", "under Russian control"
    explicit: bool  # the region is named ("of the Luhansk region"), not implied ("of its territory")


def _share_region(
    article: _Article, sentence: _Sentence, reading: _Reading, window: tuple[int, int]
) -> _ShareTarget | None:
    """The region a share is of ('98.5% of the Luhansk region', 'a fifth of its territory'), or None."""
    text = article.text
    after = text[reading.span_end : window[1]]
    of = re.match(r"\s+of\s+(?:the\s+)?", after)
    if of is None:
        return None
    target_start = reading.span_end + of.end()
    mentions = article.mentions_in(target_start, window[1])
    if mentions and mentions[0].start == target_start and mentions[0].type == "place":
        head = re.match(r"\s+([a-z][\w\-]*)", text[mentions[0].end : mentions[0].end + 30])
        if head is None or head.group(1) not in _PLACE_HEADS:
            return _ShareTarget(_promoted(mentions[0], text, "region_share"), None, explicit=True)
    if of.group().rstrip().lower().endswith("the") and _ANAPHORIC_REGION_RE.match(text, target_start):
        # "three quarters of the region": the region the article last named.
        named = [m for m in article.mentions_in(0, target_start) if m.type == "place" and m.kind == "admin1"]
        if named:
            return _ShareTarget(_place_of(named[-1]), None, explicit=True)
    territory = re.match(
        r"(?:(?P<owner>its|the\s+country['’]s|[A-Z][\w\-]+['’]s)|(?P<demonym>[A-Z][\w\-]+))?\s*"
        r"(?:territory|land)\b(?P<rest>[^,;:.]*)",
        text[target_start : window[1] + 1],
    )
    if territory is None:
        return None
    rest = territory.group("rest")
    actor = None
    controlled = re.match(r"\s+(?:controlled|held|occupied)\s+by\s+", rest)
    if controlled:
        agent = _agent_after(article, sentence, target_start + territory.start("rest") + controlled.end())
        actor = agent[1] if agent else None
    if actor is None:
        actor = _holder_in(article, sentence, target_start, window[1] + 1)
    owner_word = territory.group("owner")
    region_code = None
    if owner_word:
        region_code = _possessor(article, sentence, target_start, owner_word)
    elif territory.group("demonym"):  # "of Ukrainian territory"
        named = article.mentions_in(target_start, target_start + territory.end("demonym"))
        if not named or named[0].type != "demonym":
            return None
        region_code = named[0].country or named[0].id
    elif actor is None:
        return None
    if region_code is None:
        region_code = _opponent(actor)
    if region_code is None:
        return None
    return _ShareTarget(_country_place(article, region_code), actor, explicit=False)


def _possessor(article: _Article, sentence: _Sentence, position: int, word: str) -> str | None:
    """The country 'its' (or "Ukraine's") stands for: the nearest country named before it."""
    countries = [
        m for m in article.mentions_in(sentence.start, position + len(word) + 1)
        if m.type == "place" and m.kind == "country"
    ]  # fmt: skip
    if not countries:
        return None
    return countries[-1].country or countries[-1].id


def _read_share(
    article: _Article, sentence: _Sentence, reading: _Reading, window: tuple[int, int]
) -> _Interpretation | None:
    text = article.text
    direct = _direct_cue(text, window, reading)
    target = _share_region(article, sentence, reading, window)
    # "recaptured 70% of the territory occupied by Ukraine" is a share of a capture, not of a country.
    if target is not None and (target.explicit or direct is None or direct.category not in ("retaken", "lost")):
        return _region_share(article, sentence, reading, window, target.region, target.actor, direct)
    if not _territorial_base(text, reading, window):
        return None
    main, base_end = _main_verb_after(text, reading.span_end, window[1])
    cue = direct or main
    if cue is None:
        cue = _nearest_cue(text, window[0], reading.span_start, leftwards=True)
    if cue is None:
        if not _weak_hold(text, window, reading):
            return None
        cue = _Cue("held", reading.start, reading.end)
    category = {"reduced": "held", "lost": "retaken"}.get(cue.category, cue.category)
    kind = "share_held" if category == "held" else "share_retaken"
    base = (reading.span_end, base_end)
    subjects = _agents_before(article, sentence, min(cue.start, reading.span_start))
    subject = subjects[0] if subjects else None
    base_holder = _base_holder(article, sentence, base[0], base[1], subject)
    result = _Interpretation(kind=kind, mask=[base])
    result.place = _anchor(article, sentence, reading, window, kind, set())
    owner = result.place.country if result.place is not None else None
    if kind == "share_held":
        actor = _holder_in(article, sentence, window[0], reading.span_start)
        actor = actor or _holder_in(article, sentence, base[1], window[1])
        actor = actor or subject or base_holder or _holder_in(article, sentence, *window)
        result.holder = actor
    elif cue.category == "lost":  # "Ukraine has lost 60% of the land it seized": the other side retook it
        actor = _opponent(subject or base_holder)
        result.holder = subject or base_holder
    else:
        actor = _agent_by_after(article, sentence, cue.end) or subject
        if actor is None:
            actor = _opponent(base_holder) if base_holder else owner
        result.holder = base_holder or _opponent(actor)
    result.actor = actor
    if result.place is None:
        # Unnamed land: what was captured (the base of the share) belongs to the captor's opponent.
        captor = base_holder if kind == "share_retaken" else result.holder
        result.place = _country_place(article, _opponent(captor))
    return result


def _region_share(
    article: _Article,
    sentence: _Sentence,
    reading: _Reading,
    window: tuple[int, int],
    region: _Place | None,
    actor: str | None,
    direct: _Cue | None,
) -> _Interpretation:
    if actor is None:
        actor = _holder_in(article, sentence, window[0], window[1])
    if actor is None:
        position = direct.start if direct is not None else reading.span_start
        subjects = _agents_before(article, sentence, position)
        actor = subjects[0] if subjects else None
    return _Interpretation(kind="region_share", actor=actor, holder=actor, place=region, region=region)


def _territorial_base(text: str, reading: _Reading, window: tuple[int, int]) -> bool:
    """Whether a share is of a territory: 'of the area', 'of what it was', 'of its occupied area'."""
    of = re.match(r"\s+of\s+", text[reading.span_end : window[1]])
    if of is None:
        return False
    heads = _tokens(text, reading.span_end + of.end(), window[1])[:4]
    return any(t.lower in _TERRITORY_HEADS for t in heads)


def _read_length(
    article: _Article, sentence: _Sentence, reading: _Reading, window: tuple[int, int]
) -> _Interpretation | None:
    kind = _length_kind(article.text, sentence, reading, window)
    if kind is None:
        return None
    result = _Interpretation(kind=kind)
    result.place = _anchor(article, sentence, reading, window, kind, set())
    subjects = _agents_before(article, sentence, reading.span_start)
    if kind == "distance":
        # Who is that far: an agent of the clause ("Russian troops are now 5 miles from"), or of the
        # sentence when the clause is a participle ("soldiers crawled ..., traveling nearly 9 miles").
        first = _tokens(article.text, window[0], reading.span_start)[:1]
        participle = bool(first) and first[0].lower.endswith("ing")
        if not participle:
            subjects = _agents_before(article, sentence, reading.span_start, since=window[0])
        result.actor = subjects[0] if subjects else None
        return result
    actor = subjects[0] if subjects else None
    if actor is None and any(t.lower in _ADVANCE_NOUNS for t in _tokens(article.text, sentence.start, sentence.end)):
        owner = result.place.country if result.place is not None else None
        actor = _opponent(owner)
    result.actor = actor
    result.holder = actor
    return result


def _length_kind(text: str, sentence: _Sentence, reading: _Reading, window: tuple[int, int]) -> str | None:
    after = _tokens(text, reading.span_end, sentence.end)[:6]
    before = _tokens(text, sentence.start, reading.span_start)[-6:]
    first_after = after[0].lower if after else None
    after_words = [t.lower for t in after]
    before_words = [t.lower for t in before]
    # front width
    if first_after in ("wide", "broad") or (reading.hyphenated and first_after in _FRONT_NOUNS):
        if first_after in ("stretch", "section") and not ({"front", "frontline", "line"} & set(after_words[1:5])):
            return None
        return "front_width"
    if "front" in before_words[-4:] and first_after in ("wide", "long"):
        return "front_width"
    if first_after == "long" and set(before_words[-4:]) & _STRIP_NOUNS:
        return "front_width"  # "a strip of land roughly 14 kilometres long"
    if "width" in before_words[-3:]:
        return "front_width"
    # depth
    if first_after in ("deep", "into", "inside") or "depth" in before_words[-3:]:
        return "depth"
    # distance
    if first_after in ("from", "away", "off", "short") or (first_after in _COMPASS and "of" in after_words[1:3]):
        return "distance"
    if after_words[:2] == ["to", "the"] and len(after_words) > 2 and after_words[2] in _COMPASS:
        return "distance"  # "about 45 kilometres to the west"
    if before_words and before_words[-1] == "within" and first_after == "of":
        return "distance"
    direct = _tokens(text, window[0], reading.span_start)
    direct_words = [t.lower for t in direct if t.lower not in _DETERMINERS]
    if direct_words and direct_words[-1] in _DEPTH_VERBS:
        return "depth"
    if direct_words and direct_words[-1] in _TRAVEL_VERBS or "distance" in before_words[-3:]:
        return "distance"
    return None


# --------------------------------------------------------------------------
# Anchors
# --------------------------------------------------------------------------


def _place_of(mention: Mention) -> _Place:
    return _Place(
        name=mention.name, id=mention.id, kind=mention.kind, lat=mention.lat, lon=mention.lon,
        country=mention.country, admin1=mention.admin1,
    )  # fmt: skip


def _base_name(name: str | None) -> str:
    return _REGION_SUFFIX.sub("", name or "").casefold()


def _promoted(mention: Mention, text: str, kind: str) -> _Place:
    """A bare city name that is also its oblast's name stands for the oblast in territorial claims."""
    territorial = kind in AREA_KINDS or kind in SHARE_KINDS or kind in ("count", "relative_area", "region_share")
    if not territorial or mention.kind != "populated_place" or mention.admin1 is None:
        return _place_of(mention)
    if _CITY_CUES_BEFORE.search(text, max(0, mention.start - 25), mention.start):
        return _place_of(mention)
    if re.match(r"\s+(?:city|town)\b", text[mention.end : mention.end + 8], re.IGNORECASE):
        return _place_of(mention)
    for alternative in mention.alternatives:
        if (
            alternative.get("kind") == "admin1"
            and alternative.get("id") == mention.admin1
            and _base_name(alternative.get("name")) == _base_name(mention.name)
        ):
            return _Place(
                name=alternative.get("name"), id=alternative.get("id"), kind="admin1", lat=alternative.get("lat"),
                lon=alternative.get("lon"), country=alternative.get("country") or mention.country,
                admin1=mention.admin1,
            )  # fmt: skip
    return _place_of(mention)


def _anchor(
    article: _Article,
    sentence: _Sentence,
    reading: _Reading,
    window: tuple[int, int],
    kind: str,
    excluded: set[int],
) -> _Place | None:
    """The place a claim is tied to (see the module docstring for the order)."""
    text = article.text
    agents = {id(m) for m, _ in _sentence_agents(article, sentence)}
    excluded = excluded | article.references
    centre = (reading.start + reading.end) / 2

    def usable(start: int, end: int) -> list[Mention]:
        return [
            m for m in article.mentions_in(start, end)
            if m.type == "place" and id(m) not in excluded and id(m) not in agents
        ]  # fmt: skip

    def nearest(mentions: list[Mention]) -> Mention | None:
        return min(mentions, key=lambda m: (abs((m.start + m.end) / 2 - centre), m.start), default=None)

    if kind == "distance":
        # A distance is measured to a point: the place it is "from"/"north of", else the one before it.
        after = [m for m in usable(reading.span_end, window[1]) if m.kind != "country"]
        before = [m for m in usable(sentence.start, reading.span_start) if m.kind != "country"]
        if after or before:
            return _place_of(after[0] if after else before[-1])
    for start, end in ((window[0], window[1]), (sentence.start, sentence.end)):
        mentions = usable(start, end)
        cities = [m for m in mentions if m.kind == "populated_place"]
        if cities:
            place = _promoted(nearest(cities), text, kind)  # type: ignore[arg-type]
            return _expand(article, place) if place.kind == "admin1" else place
        regions = [m for m in mentions if m.kind in ("admin1", "named_region")]
        if regions:
            return _expand(article, _place_of(nearest(regions)))  # type: ignore[arg-type]
    countries = [m for m in usable(window[0], window[1]) if m.kind == "country"]
    if countries:
        return _place_of(nearest(countries))  # type: ignore[arg-type]
    for back in (1, 2):
        index = sentence.index - back
        if index < 0 or article.sentences[index].paragraph != sentence.paragraph:
            break
        earlier = article.sentences[index]
        mentions = [m for m in usable(earlier.start, earlier.end) if m.kind != "country"]
        mentions = [m for m in mentions if m.feature_code != "PPLC"]
        if mentions:
            chosen = max(mentions, key=lambda m: (_specificity(m), m.start))
            place = _promoted(chosen, text, kind)
            return _expand(article, place) if place.kind == "admin1" else place
    owner = _owner_in(article, window[0], window[1]) or _owner_in(article, sentence.start, sentence.end)
    region = _dominant_region(article, owner)
    if region is not None:
        return _expand(article, region)
    if owner is not None:
        return _country_place(article, owner)
    return None


def _specificity(m: Mention) -> int:
    return {"populated_place": 3, "admin1": 2, "named_region": 2, "country": 1}.get(m.kind or "", 0)


def _dominant_region(article: _Article, country: str | None) -> _Place | None:
    """The admin-1 region the article names most (optionally within ``country``)."""
    ranked = sorted(article.region_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    for code, _ in ranked:
        mention = article.places.get(code)
        if mention is not None and mention.kind == "admin1":
            if country is None or mention.country == country:
                return _place_of(mention)
            continue
        # Only places inside it are named: the region as their alternatives describe it.
        inside = next(m for m in article.mentions if m.admin1 == code and m.kind == "populated_place")
        if country is not None and inside.country != country:
            continue
        described = next((a for a in inside.alternatives if a.get("id") == code), None)
        if described is None:
            return _place_of(inside)
        return _Place(
            name=described.get("name"), id=code, kind="admin1", lat=described.get("lat"), lon=described.get("lon"),
            country=inside.country, admin1=code,
        )  # fmt: skip
    return None


def _expand(article: _Article, region: _Place) -> _Place:
    """A region becomes the populated place the article names most inside it, if any."""
    if region.kind != "admin1" or region.id is None:
        return region
    namesake = _base_name(region.name)
    best: tuple[int, int, str] | None = None
    for place_id, count in article.place_counts.items():
        mention = article.places[place_id]
        if mention.admin1 != region.id or _base_name(mention.name) == namesake:
            continue
        key = (-count, article.place_first[place_id], place_id)
        if best is None or key < best:
            best = key
    if best is None:
        return region
    return _place_of(article.places[best[2]])


def _country_place(article: _Article, code: str | None) -> _Place | None:
    if code is None:
        return None
    mention = article.places.get(code)
    if mention is not None and mention.kind == "country":
        return _place_of(mention)
    for m in article.mentions:
        if m.kind == "country" and (m.country == code or m.id == code):
            return _place_of(m)
    return _Place(name=_COUNTRY_NAMES.get(code), id=code, kind="country", lat=None, lon=None, country=code, admin1=None)


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------


def _as_of(
    article: _Article, sentence: _Sentence, reading: _Reading, result: _Interpretation
) -> tuple[date | None, date | None, str | None]:
    if result.kind == "region_area":
        return None, None, None
    published = article.source.published
    text = sentence.text
    masked = text
    for start, end in result.mask:
        local_start, local_end = max(0, start - sentence.start), min(len(text), end - sentence.start)
        if local_start < local_end:
            masked = masked[:local_start] + " " * (local_end - local_start) + masked[local_end:]
    focus_end = result.focus_end if result.focus_end is not None else reading.span_end
    focus = (reading.span_start - sentence.start, focus_end - sentence.start)
    # ", where the plant has been under Russian control since March 2022" dates something else.
    relative = _RELATIVE_CLAUSE_RE.search(masked, focus[1])
    if relative is not None:
        masked = masked[: relative.start()] + " " * (len(masked) - relative.start())
    as_of = as_of_for_sentence(masked, published, focus=focus)
    expression = as_of.expression
    if expression is not None:
        start, end = as_of.start, as_of.end
        if expression.relation == "by" and expression.kind == "month" and expression.modifier is None:
            month_start, _ = resolve(dataclasses.replace(expression, relation="at"), published)
            if month_start is not None:
                start = end = month_start  # "By March": by the time March began
        return start, end, as_of.text
    own = [e for e in find_temporal(text) if not e.is_duration]
    if not own:
        inherited = _inherited(article, sentence, published)
        if inherited is not None:
            return inherited
        span = _duration_span(text, published)
        if span is not None:
            return span
    return as_of.start, as_of.end, None


def _inherited(
    article: _Article, sentence: _Sentence, published: date | None
) -> tuple[date | None, date | None, str | None] | None:
    """The day named at the end of the previous sentence of the paragraph, for a past-tense sentence."""
    if sentence.index == 0 or published is None:
        return None
    previous = article.sentences[sentence.index - 1]
    if previous.paragraph != sentence.paragraph:
        return None
    text = sentence.text
    if _PRESENT_RE.search(text) or _FUTURE_RE.search(text) or not _PAST_RE.search(text):
        return None
    as_of = as_of_for_sentence(previous.text, published, focus=(len(previous.text), len(previous.text)))
    expression = as_of.expression
    if expression is None or expression.kind not in _DAY_LEVEL_KINDS or expression.modifier == "now":
        return None
    if as_of.start is None:
        return None
    return as_of.start, as_of.end, as_of.text


def _duration_span(text: str, published: date | None) -> tuple[date, date, str] | None:
    """'In a week, Ukraine seized ...': the period of that length ending at publication."""
    if published is None or _FUTURE_RE.search(text):
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


# --------------------------------------------------------------------------
# The Claim record
# --------------------------------------------------------------------------


def _make_claim(
    article: _Article, reading: _Reading, sentence: _Sentence, result: _Interpretation, number: int
) -> Claim:
    source = article.source
    kind = result.kind
    as_of_start, as_of_end, as_of_text = _as_of(article, sentence, reading, result)
    km2 = reading.normalised if kind in AREA_KINDS or kind == "region_area" else None
    km = reading.normalised if kind in ("depth", "front_width", "distance") else None
    share = reading.normalised if kind in SHARE_KINDS or kind == "region_share" else None
    flags: list[dict[str, Any]] = []
    if as_of_start is not None and as_of_end is not None and as_of_start > as_of_end:
        # "since 2022" in an article dated 2000: the publication date cannot be right.
        flags.append({
            "code": "as_of_after_published",
            "message": f"'{as_of_text}' starts on {as_of_start.isoformat()}, after publication",
        })  # fmt: skip
        as_of_end = None
    if reading.disagree_pct is not None and reading.disagree_pct > UNITS_DISAGREE_PCT:
        flags.append({
            "code": "units_disagree",
            "message": (
                f"{_number(reading.value)} {reading.unit} and {_number(reading.alt_value)} {reading.alt_unit} "
                f"differ by {reading.disagree_pct:.1f}%"
            ),
            "pct": round(reading.disagree_pct, 2),
        })  # fmt: skip
    if reading.unit_shared:
        flags.append({
            "code": "unit_shared",
            "message": f"the unit '{reading.unit}' is written only after the next number",
        })  # fmt: skip
    place = result.place
    region = result.region
    return Claim(
        source=source.id,
        claim_id=f"{source.id}#{number}",
        kind=kind,
        value=reading.value,
        unit=reading.unit,
        quote=sentence.text,
        start=reading.start,
        end=reading.end,
        quote_start=sentence.start,
        quote_end=sentence.end,
        low=reading.low,
        high=reading.high,
        km2=km2,
        km=km,
        share=share,
        qualifier=reading.qualifier,
        alt_value=reading.alt_value,
        alt_unit=reading.alt_unit,
        subject=_subject(article, kind, result),
        actor=result.actor,
        place=place.name if place else None,
        place_id=place.id if place else None,
        place_kind=place.kind if place else None,
        anchor_lat=place.lat if place else None,
        anchor_lon=place.lon if place else None,
        region=region.name if region else None,
        region_id=region.id if region else None,
        as_of_start=as_of_start,
        as_of_end=as_of_end,
        as_of_text=as_of_text,
        published=source.published,
        outlet=source.outlet,
        flags=flags,
    )


def _number(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _adjective(article: _Article, code: str) -> str:
    if code in _ADJECTIVES:
        return _ADJECTIVES[code]
    for m in article.mentions:
        if m.type == "demonym" and (m.country == code or m.id == code):
            return m.text.rstrip("s") if m.text.endswith("ns") else m.text
    return code


def _subject(article: _Article, kind: str, result: _Interpretation) -> str | None:
    """Which territory the claim measures, in words: 'Ukrainian-held part of Kursk Oblast'."""
    if kind == "region_area":
        return result.region.name if result.region else None
    if kind == "distance":
        return None
    area = _area_name(article, result.region if kind == "region_share" else result.place)
    if area is None:
        return None
    if kind in ("depth", "front_width"):
        return f"{_adjective(article, result.actor)} advance into {area}" if result.actor else f"advance into {area}"
    if result.holder is None:
        return f"territory in {area}"
    return f"{_adjective(article, result.holder)}-held part of {area}"


def _area_name(article: _Article, place: _Place | None) -> str | None:
    """The name of the region a place lies in (the place itself for regions and countries)."""
    if place is None:
        return None
    if place.kind == "populated_place" and place.admin1:
        region = article.places.get(place.admin1)
        if region is not None and region.name:
            return region.name
        for m in article.mentions:
            for alternative in m.alternatives:
                if alternative.get("id") == place.admin1 and alternative.get("name"):
                    return str(alternative["name"])
        return f"the area around {place.name}" if place.name else None
    return place.name or place.id
