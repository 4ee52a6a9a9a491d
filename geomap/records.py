"""The records that flow between geomap's stages.

Every stage is a function from the previous stage's records to its own:

    Source ──► Mention ──► Claim ──► claim geometries (GeoDataFrame) ──► map / exports

Records are plain dataclasses with explicit names so that each stage can be
tested on its own and so that tables (CSV, JSONL, GeoPackage) are a direct
projection of the fields.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Kinds of gazetteer entries a mention can resolve to.
PLACE_KINDS = ("country", "admin1", "populated_place", "named_region", "continent", "supranational",
               "admin2")

# Kinds of quantitative claims (see geomap.claims).
AREA_KINDS = ("area_held", "area_seized", "area_retaken", "area_lost")
SHARE_KINDS = ("share_held", "share_retaken")
CLAIM_KINDS = AREA_KINDS + SHARE_KINDS + (
    "depth",
    "front_width",
    "distance",
    "relative_area",
    "region_share",
    "region_area",
    "count",
)


@dataclass
class Source:
    """One article: its text and what the manifest says about it."""

    id: str
    text: str
    published: date | None = None
    published_estimated: bool = False
    published_rationale: str | None = None
    outlet: str = "unknown"
    url: str | None = None
    title: str | None = None
    home: str | None = None  # the outlet's home place ("Athens, Georgia"): ambiguous names are read near it
    path: str | None = None  # the file it came from, for messages
    format: str = "text"  # text | markdown | html | jsonl
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Candidate:
    """One gazetteer entry that a name may refer to."""

    id: str  # geonameid as text for places, ISO code for regions/countries, key for named regions
    name: str
    kind: str  # one of PLACE_KINDS
    country: str | None
    admin1: str | None  # ISO 3166-2 code of the admin-1 region, when known
    lat: float
    lon: float
    population: int = 0
    feature_code: str | None = None
    geonameid: int | None = None
    score: float = 1.0  # 1.0 for exact/alias matches, the similarity for fuzzy ones
    method: str = "exact"  # exact | alias | fuzzy
    matched: str | None = None  # the gazetteer name that matched

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# Mentions and claims have slots, not a dict per record: a corpus has half a million mentions and a hundred
# thousand claims (the 12,709 claims of 1,000 synthetic articles: 26.5 MB as records with a dict, 9.7 MB with slots).
@dataclass(slots=True)
class Mention:
    """One occurrence of a toponym (or demonym) in a source, with its resolution."""

    source: str
    start: int
    end: int
    text: str
    sentence: str
    sentence_start: int
    type: str = "place"  # place | demonym | embedded (the first words of an organisation's name)
    id: str | None = None
    name: str | None = None
    kind: str | None = None
    geonameid: int | None = None
    feature_code: str | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    confidence: float = 0.0
    method: str | None = None  # exact | alias | fuzzy | context
    alternatives: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        # Field by field, not dataclasses.asdict: a corpus has hundreds of thousands of mentions, and a
        # deep copy of each costs ten times as much (the only nested values are the flat alternatives).
        out = {name: getattr(self, name) for name in _MENTION_FIELDS}
        out["alternatives"] = [dict(alternative) for alternative in self.alternatives]
        return out


_MENTION_FIELDS = tuple(f.name for f in dataclasses.fields(Mention))


@dataclass(slots=True)
class Claim:
    """One quantitative territorial claim, in its source's own words.

    ``value``/``low``/``high`` are as written (in ``unit``); ``km2``, ``km`` and
    ``share`` are the normalised value (only the one that fits ``kind`` is set).
    ``start``/``end`` are character offsets of the quantity in the source text;
    ``quote_start``/``quote_end`` those of the quoted sentence.
    """

    source: str
    claim_id: str  # "<source>#<n>", stable for the same text
    kind: str  # one of CLAIM_KINDS
    value: float
    unit: str  # as written: "square miles", "km²", "%", "one third", ...
    quote: str
    start: int
    end: int
    quote_start: int = 0
    quote_end: int = 0
    low: float | None = None
    high: float | None = None
    km2: float | None = None
    km: float | None = None
    share: float | None = None
    qualifier: str | None = None  # about | nearly | more than | up to | at most | ...
    alt_value: float | None = None  # the same quantity in a second unit, e.g. (42 square miles)
    alt_unit: str | None = None
    subject: str | None = None  # e.g. "Ukrainian-held part of Kursk Oblast"
    actor: str | None = None  # ISO country code of who holds/took it, e.g. "UA"
    place: str | None = None  # canonical name of the anchor place or region
    place_id: str | None = None  # its gazetteer id (geonameid or ISO code)
    place_kind: str | None = None
    anchor_lat: float | None = None
    anchor_lon: float | None = None
    region: str | None = None  # the named region for region_share / region_area / relative_area
    region_id: str | None = None
    as_of_start: date | None = None
    as_of_end: date | None = None
    as_of_text: str | None = None
    published: date | None = None
    outlet: str = "unknown"
    flags: list[dict[str, Any]] = field(default_factory=list)
    derivation: str | None = None  # the arithmetic of a km² the text gives otherwise ("1 x 2,608 km² (Luxembourg)")
    held_km2: float | None = None  # for a retaking of an earlier gain: the area still held, derived (see derivation)
    restated: list[dict[str, Any]] = field(default_factory=list)  # the same figure again: quote, offsets

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class PlaceStatus:
    """What one sentence of one source says of one named place."""

    source: str
    place: str  # the gazetteer name
    place_id: str
    place_kind: str
    country: str | None  # the place's (de jure) country
    lon: float
    lat: float
    status: str  # one of geomap.claims.status.STATUSES
    actor: str | None  # ISO code of who captured/holds/attacks/withdrew (None: not named)
    cue: str  # the words that say so, as written ("raised their flag over")
    as_of_start: date | None
    as_of_end: date | None
    as_of_text: str | None  # the temporal expression that dates it (None: the publication date)
    quote: str  # the sentence
    quote_start: int
    quote_end: int
    start: int  # the place name's offsets in the source text
    end: int
    published: date | None

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)
