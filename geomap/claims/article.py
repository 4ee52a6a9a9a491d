"""One article indexed for reading its claims, and the records the claim readers pass around.

Internal to :mod:`geomap.claims`. :func:`index_article` splits a source into
sentences (numbered by paragraph) and indexes its mentions by offset, so that
the readers can ask "which mentions lie between these offsets" and "which
sentence holds this offset" in logarithmic time. The records:

* :class:`Sentence`, :class:`Token`: pieces of the text with absolute offsets.
* :class:`Place`: an anchor or region as a claim names it.
* :class:`Reading`: a quantity (or a size comparison) that may become a claim
  (made by :mod:`geomap.claims.readings`).
* :class:`Interpretation`: the kind, actor and places a reading was found to
  have (made by :mod:`geomap.claims.kinds`), before it becomes a
  :class:`geomap.records.Claim`.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from geomap.geoparse import split_sentences
from geomap.records import Mention, Source

__all__ = [
    "Article", "Interpretation", "Place", "Reading", "Sentence", "Token", "index_article", "place_of",
    "word_before", "word_set", "word_tokens",
]  # fmt: skip

def word_set(text: str) -> frozenset[str]:
    """The words of a whitespace-separated list, for the vocabularies of the claim readers."""
    return frozenset(text.split())


# A full stop after a lower-case word or a number, straight followed by a capitalised word. The stop comes first
# in the pattern: re then jumps from one stop to the next instead of trying every character (4x faster).
_GLUED_SENTENCE_RE = re.compile(r"[.!?](?<=[a-z0-9%)\]”\"’][.!?])(?=[A-Z][a-z])")
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


@dataclass(frozen=True)
class Sentence:
    """One sentence with its absolute offsets and the number of its paragraph."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int


class Token(NamedTuple):
    """One word, lower-cased (a named tuple: the readers make tens of thousands)."""

    lower: str
    start: int  # absolute offsets in the source text
    end: int


@dataclass(frozen=True)
class Place:
    """Where a claim is anchored (or the region it is about)."""

    name: str | None
    id: str | None
    kind: str | None
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None


@dataclass(frozen=True)
class Reading:
    """A quantity (or a size comparison) that may become a claim."""

    start: int  # the number and unit as written, without qualifier, "between" or a second unit
    end: int
    span_start: int  # qualifier included
    span_end: int  # second unit in brackets included
    family: str  # area | length | share | count (of settlements) | people | relative
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
    also: tuple[Mention, ...] = ()  # the Y and Z of "X, Y and Z combined"
    counted: tuple[int, int] | None = None  # the counted noun of a count of people, before or after the number


@dataclass
class Interpretation:
    """The pieces of one claim, before it becomes a Claim record."""

    kind: str
    actor: str | None = None
    holder: str | None = None  # who holds the territory the quantity measures
    place: Place | None = None
    region: Place | None = None
    focus_end: int | None = None  # where the temporal focus ends (absolute), when not the quantity's end
    mask: list[tuple[int, int]] = field(default_factory=list)  # absolute spans hidden from the dating
    subject: str | None = None  # what a count of people counts; None: the territory's wording
    heading: Sentence | None = None  # the heading line of a list the claim is an item of ("Russia has captured:")
    dated_with: Reading | None = None  # the quantity a restatement is dated with ("43,000 km², the size of X")
    flags: list[dict] = field(default_factory=list)  # what the reading needed ("'km' read as km²")


@dataclass
class Article:
    """One source with its sentences and mentions, indexed for lookups by offset."""

    source: Source
    sentences: list[Sentence]
    sentence_starts: list[int]
    mentions: list[Mention]
    mention_starts: list[int]
    references: set[int]  # ids of the mentions compared with ("the size of Kyiv"): never anchors
    place_counts: Counter[str]  # populated place id -> mentions
    place_first: dict[str, int]
    places: dict[str, Mention]  # id -> first mention (for names and coordinates)
    region_counts: Counter[str]  # admin1 code -> mentions of it or of places in it
    places_by_region: dict[str, list[str]]  # admin1 code -> its place ids, most mentioned first, then first named
    alternative_names: dict[str, str]  # id -> name of the first alternative resolution with that id
    regions_ranked: list[str]  # the keys of region_counts, most counted first (ties: by code)
    admin1_mentions: list[Mention]  # mentions of admin-1 regions, in text order
    agent_cache: dict[int, list[tuple[Mention, str]]] = field(default_factory=dict)  # sentence index -> agents
    region_shares: list[Place] = field(default_factory=list)  # the regions of the region shares read so far
    gain_shares: list[tuple[int, Interpretation]] = field(default_factory=list)  # (sentence index, share of a gain)
    date_cache: dict[str, object] = field(default_factory=dict)  # article-wide dates, worked out once

    @property
    def text(self) -> str:
        return self.source.text

    def sentence_at(self, offset: int) -> Sentence:
        index = max(0, bisect.bisect_right(self.sentence_starts, offset) - 1)
        return self.sentences[index]

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        # Both ends by bisection: a slice to the end of the list would copy the rest of a long article per call.
        first = bisect.bisect_left(self.mention_starts, start)
        stop = bisect.bisect_left(self.mention_starts, end, first)
        return [mention for mention in self.mentions[first:stop] if mention.end <= end]

    def mentions_backwards(self, start: int, end: int) -> Iterator[Mention]:
        """The mentions of ``mentions_in(start, end)``, last first, found one by one: a search back to the
        start of a long article stops at its first hit instead of copying every mention before it."""
        first = bisect.bisect_left(self.mention_starts, start)
        for index in range(bisect.bisect_left(self.mention_starts, end, first) - 1, first - 1, -1):
            if self.mentions[index].end <= end:
                yield self.mentions[index]

    def last_region_before(self, offset: int) -> Mention | None:
        """The last admin-1 mention (in text order) that ends by ``offset``: what "the region" refers back to."""
        index = bisect.bisect_left(self.admin1_mentions, offset, key=lambda m: m.start)
        for i in range(index - 1, -1, -1):  # mentions do not overlap: the first one looked at is it
            if self.admin1_mentions[i].end <= offset:
                return self.admin1_mentions[i]
        return None


def index_article(source: Source, mentions: list[Mention]) -> Article:
    """``source`` split into sentences, with its resolved mentions in text order and counted by place."""
    text = source.text
    sentences = []
    paragraph = 0
    previous_end = 0
    for start, end in _glued_split(text, split_sentences(text)):
        if "\n" in text[previous_end:start]:
            paragraph += 1
        sentences.append(Sentence(len(sentences), start, end, text[start:end], paragraph))
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
    places_by_region: dict[str, list[str]] = {}
    for place_id in sorted(place_counts, key=lambda i: (-place_counts[i], place_first[i], i)):
        places_by_region.setdefault(places[place_id].admin1, []).append(place_id)
    admin1_mentions = [m for m in ordered if m.type == "place" and m.kind == "admin1"]
    alternative_names: dict[str, str] = {}
    for m in ordered:
        for alternative in m.alternatives:
            if alternative.get("id") is not None and alternative.get("name"):
                alternative_names.setdefault(alternative["id"], str(alternative["name"]))
    return Article(
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
        places_by_region=places_by_region,
        alternative_names=alternative_names,
        regions_ranked=sorted(region_counts, key=lambda code: (-region_counts[code], code)),
        admin1_mentions=admin1_mentions,
    )


def _glued_split(text: str, bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The sentences, also split where a page glued two together without a space ("as of December
    31.In total, ...")."""
    glued = [m.end() for m in _GLUED_SENTENCE_RE.finditer(text)]  # one pass over the text: where the next one starts
    if not glued:
        return bounds
    split: list[tuple[int, int]] = []
    at = 0
    for start, end in bounds:
        while at < len(glued) and glued[at] <= start:
            at += 1
        while at < len(glued) and glued[at] < end:
            split.append((start, glued[at]))
            start = glued[at]
            at += 1
        split.append((start, end))
    return split


# A line that is an item of a bulleted or numbered list: "- Moscow said ...", "  • control over ...", "➡️The ...",
# "2. 311 sqkm in ..."
_BULLETED_LINE_RE = re.compile(r"[ \t]*(?:[-–•*▪►●]|➡\ufe0f?|\d{1,2}[.)](?=[ \t]))[ \t]*(?=\S)")
# A section title between a list's heading and its items ("Fighting", "Politics and diplomacy"): short, no
# sentence punctuation, no figures
_SECTION_TITLE_RE = re.compile(r"[ \t]*[A-Z][^\d.,;:!?\n]{0,40}")
_MAX_LIST_LINES = 40  # lines from a bulleted item back to its list's heading


def line_start(text: str, position: int) -> int:
    """Where the line holding ``position`` starts."""
    return text.rfind("\n", 0, position) + 1


def bulleted(text: str, position: int) -> bool:
    """Whether ``position`` lies on a line that is an item of a bulleted or numbered list."""
    return _BULLETED_LINE_RE.match(text, line_start(text, position)) is not None


def bulleted_list_heading(text: str, position: int) -> tuple[int, int] | None:
    """The heading line of the bulleted list whose item holds ``position``: the nearest earlier line that is no
    item of the list, no blank line and no section title ("At a meeting on Dec. 29, 2025, Putin was briefed on the
    following claimed achievements:" over a blank line and "  • control over nearly half of ...", "Here is the
    situation on Monday, August 12, 2024." over "Fighting" and "- Moscow said ..."); None off a list."""
    start = line_start(text, position)
    if _BULLETED_LINE_RE.match(text, start) is None:
        return None
    for _ in range(_MAX_LIST_LINES):
        if start == 0:
            return None
        end = start - 1
        start = line_start(text, end)
        line = text[start:end]
        if not line.strip() or _BULLETED_LINE_RE.match(line) or _SECTION_TITLE_RE.fullmatch(line.rstrip()):
            continue
        return start, end
    return None


def word_tokens(text: str, start: int, end: int) -> list[Token]:
    """The words of ``text[start:end]``, lower-cased, with absolute offsets."""
    return [Token(m.group().lower(), m.start(), m.end()) for m in _WORD_RE.finditer(text, start, end)]


def word_before(text: str, start: int, lower_bound: int) -> str | None:
    """The word before ``start`` (skipping 'the'), when only spaces separate them."""
    chunk = text[max(lower_bound, start - 40) : start]
    m = re.search(r"([^\W\d_]+)\s+(?:the\s+)?$", chunk, re.IGNORECASE)
    return m.group(1).lower() if m else None


def place_of(mention: Mention) -> Place:
    """The place a resolved mention names."""
    return Place(
        name=mention.name, id=mention.id, kind=mention.kind, lat=mention.lat, lon=mention.lon,
        country=mention.country, admin1=mention.admin1,
    )  # fmt: skip
