"""The text stages of a chunk of sources: the mentions (geoparser), the claims and the place statuses.

This module is their entry point: what it imports, directly or through the modules it names, is all the
code the text stages can run. The article cache (:mod:`geomap.article_cache`) keys its entries by exactly
those modules, so a change to the map, the exports or the figures leaves them valid. Import here only what
the text stages need.

Their modules are imported with this one, not when a chunk first runs: the pipeline imports it before it forks the
workers, which then start with the claims' and statuses' patterns compiled (0.16 s of CPU that each worker spent on
its first chunk, and the main process spends anyway: it derives what the corpus settles of the claims).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from geomap import schema
from geomap.claims import extract_claims
from geomap.claims.status import place_statuses
from geomap.geoparse.parser import collector_paused
from geomap.records import Source
from geomap.resources import shared

if TYPE_CHECKING:
    import pandas

__all__ = ["TextTables", "mentions_of", "text_stages"]


class TextTables(NamedTuple):
    """The tables the text stages make of some sources."""

    mentions: pandas.DataFrame  # schema.MENTIONS
    claims: pandas.DataFrame  # schema.CLAIMS
    place_status: pandas.DataFrame  # schema.PLACE_STATUS


def mentions_of(sources: Sequence[Source]) -> list[Any]:
    geoparser = shared().geoparser
    return [mention for mentions in geoparser.parse_many(sources) for mention in mentions]


def text_stages(sources: pandas.DataFrame) -> TextTables:
    """The mentions, claims and place statuses of a table of sources (a chunk of a corpus: chunks are independent)."""
    records = schema.SOURCES.to_records(schema.SOURCES.check(sources, "text stages"))
    # The stages make many objects and hardly any reference cycles (none left after a chunk of the synthetic
    # corpus; any wait for the next collection after the chunk): the cyclic collector's passes over them were
    # 3% of a worker's CPU (1,000 articles, -j 2: 10.42 s of the workers' CPU paused, 10.76 s not, means of 3
    # interleaved runs).
    with collector_paused():
        mentions = mentions_of(records)
        claims = extract_claims(records, mentions)
        return TextTables(
            schema.MENTIONS.from_records(mentions),
            schema.CLAIMS.from_records(claims),
            schema.PLACE_STATUS.from_records(place_statuses(records, mentions)),
        )
