"""One long article: the work of reading its claims grows linearly with its length.

Counted, not timed (a loaded machine changes times, not counts): the Python lines the claim stage runs
(``sys.settrace``), and the mentions an offset lookup copies. benchmarks/bench_inputs.py times one
20 MB article. Before: a 4 MB article took 51 s and 1, 2, 4 MB grew as 1 : 2.8 : 11.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from geomap.claims import extract_claims
from geomap.claims.article import index_article
from geomap.geoparse import geocode
from geomap.records import Source

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import corpus  # noqa: E402  (benchmarks/corpus.py: synthetic wire stories, real place names)


@pytest.fixture(scope="module")
def long_text() -> str:
    """800 KB of distinct stories as one article: places, regions and claims keep coming as it grows."""
    return "\n\n".join(article["text"] for article in corpus.synthesise_bytes(800_000))[:800_000]


def lines_run(function) -> int:
    """Python line, call and return events while ``function()`` runs."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        count += 1
        return tracer

    sys.settrace(tracer)
    try:
        function()
    finally:
        sys.settrace(None)
    return count


def claim_work(text: str) -> int:
    source = Source(id="long", text=text)
    mentions = geocode([source])
    return lines_run(lambda: extract_claims([source], mentions))


def test_claim_work_grows_linearly_with_one_article(long_text):
    small, large = claim_work(long_text[:100_000]), claim_work(long_text)
    # Linear: about 8x for 8x the text (7.4x measured). Before: 11.7x (each claim looked through every
    # place, region name and mention of the article seen so far).
    assert large / small < 9.5, f"8x the text took {large / small:.1f}x the work"


class CopyCountingList(list):
    """A list that counts the items its slices copy."""

    copied = 0

    def __getitem__(self, index):
        found = super().__getitem__(index)
        if isinstance(index, slice):
            CopyCountingList.copied += len(found)
        return found


def test_an_offset_lookup_copies_no_more_than_it_finds(long_text):
    source = Source(id="long", text=long_text[:200_000])
    article = index_article(source, geocode([source]))
    article.mentions = CopyCountingList(article.mentions)
    CopyCountingList.copied = 0
    found = sum(len(article.mentions_in(s.start, s.end)) for s in article.sentences)
    assert found > 1000
    # Before: each lookup copied the list from its first mention to the end of the article (quadratic).
    assert CopyCountingList.copied <= 2 * found + len(article.sentences)
