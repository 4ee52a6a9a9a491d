"""The corpus-level pass over the claims table (geomap.claims.corpus), on real news sentences.

What one article leaves open (the date of an area it puts in the past, the base of a share retaken), another
article of the corpus settles; the pass runs once all claims exist, so it must give the same table whether the
text stages read the articles in one chunk or in several.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from geomap import pipeline, schema
from geomap.claims.corpus import derive_across_corpus
from geomap.records import Source
from geomap.sources import read_sources

REAL = Path(__file__).resolve().parents[1] / "data" / "claims" / "real" / "corpus.jsonl"

# Reuters (Devdiscourse, 17 January 2025): a share retaken, the article gives no base
# https://www.devdiscourse.com/article/law-order/3228367-russian-forces-reclaim-key-territory-in-kursk-region
RETAKEN = Source(
    id="devdiscourse-2025-01-17", published=date(2025, 1, 17),
    text="Russian forces have announced the recapture of more than 63% of territory initially seized by Ukraine in "
         "the western Kursk region, according to a statement from the Russian defence ministry on Friday.")
# Reuters (Asharq Al-Awsat, a Tuesday of March 2025): the size of Ukraine's gain, dated by its own words
# https://english.aawsat.com/world/5120672-russia-says-it-makes-100-square-kilometer-advance-kursk-region
PEAK = Source(
    id="aawsat-2025-03-11", published=date(2025, 3, 11),
    text="Ukrainian troops seized at least 1,300 square km (500 square miles) of the Kursk region in August in what "
         "Kyiv said was an attempt to gain a bargaining chip in future negotiations and to force Russia to shift "
         "forces from eastern Ukraine.")


def claims_of(sources: list[Source]) -> list[dict]:
    return schema.CLAIMS.rows(pipeline.text_stages_of(schema.SOURCES.from_records(sources)).claims)


def by_id(rows: list[dict], claim_id: str) -> dict:
    return next(row for row in rows if row["claim_id"] == claim_id)


def test_a_share_retaken_takes_its_base_from_the_gainers_peak_in_another_article() -> None:
    rows = claims_of([RETAKEN, PEAK])
    retaken = by_id(rows, "devdiscourse-2025-01-17#1")
    assert (retaken["kind"], retaken["actor"]) == ("share_retaken", "RU")
    assert retaken["held_km2"] == pytest.approx(0.37 * 1300)
    # the arithmetic, the claim and the quote the base came from
    assert "(1 - 63%) x 1,300 km²" in retaken["derivation"]
    assert "aawsat-2025-03-11#1" in retaken["derivation"] and "Ukrainian troops seized" in retaken["derivation"]
    assert [flag["code"] for flag in retaken["flags"]] == ["base_from_corpus"]


def test_without_the_other_article_nothing_is_derived() -> None:
    [retaken] = claims_of([RETAKEN])
    assert retaken["held_km2"] is None and retaken["derivation"] is None


def test_a_peak_after_the_retaking_is_no_base() -> None:
    later = Source(id=PEAK.id, published=PEAK.published, text=PEAK.text.replace("in August", "in February"))
    retaken = by_id(claims_of([RETAKEN, later]), "devdiscourse-2025-01-17#1")
    assert retaken["held_km2"] is None


@pytest.fixture(scope="module")
def kursk_pair() -> list[Source]:
    """Two articles of the real development set: one says the Ukrainian campaign shrank "from some 500 square
    miles" without dating it, the other dates Ukraine's 1,300 km² to August."""
    wanted = ("newsforall-2025-03-16", "bignewsnetwork-2025-03-11")
    return [source for source in read_sources([REAL]).sources if source.id in wanted]


def test_an_area_the_text_does_not_date_takes_the_date_of_the_same_actors_area_elsewhere(kursk_pair) -> None:
    rows = claims_of(kursk_pair)
    shrunk = next(row for row in rows if row["source"] == "newsforall-2025-03-16" and row["value"] == 500)
    assert shrunk["actor"] == "UA"
    assert (shrunk["as_of_start"], shrunk["as_of_end"]) == ("2024-08-01", "2024-08-31")
    codes = [flag["code"] for flag in shrunk["flags"]]
    assert "past_undated" not in codes and "dated_from_corpus" in codes
    message = next(flag["message"] for flag in shrunk["flags"] if flag["code"] == "dated_from_corpus")
    assert "bignewsnetwork-2025-03-11#1" in message and "1,300 square kilometers" in message
    [alone] = [row for row in claims_of([s for s in kursk_pair if s.id == "newsforall-2025-03-16"])
               if row["value"] == 500]
    assert "past_undated" in [flag["code"] for flag in alone["flags"]]  # alone, the text's silence is flagged


def test_the_pass_gives_the_same_table_however_the_corpus_is_chunked(monkeypatch, kursk_pair) -> None:
    sources = [RETAKEN, PEAK, *kursk_pair]
    whole = claims_of(sources)
    monkeypatch.setattr(pipeline, "CHUNK_SOURCES", 1)
    assert claims_of(sources) == whole


def test_a_table_that_needs_nothing_is_returned_as_it_is() -> None:
    table = pipeline.text_stages_of(schema.SOURCES.from_records([PEAK])).claims
    assert derive_across_corpus(table) is table


def test_the_index_picks_what_a_plain_scan_picks_on_the_real_development_set(monkeypatch) -> None:
    """The real articles' claims and the two Reuters reports above, three times over (so that equal areas and dates
    tie and ids must break the ties): the pass with the index gives the table the plain scan of every gain gives,
    and it settles claims."""
    from geomap.claims import corpus
    from tests.claims.plain_corpus import PlainGains, replicated

    sources = schema.SOURCES.from_records([*read_sources([REAL]).sources, RETAKEN, PEAK])
    claims = replicated(pipeline.collect_text_stages(pipeline.chunked(sources), [], None).claims, 3)
    indexed = derive_across_corpus(claims)
    monkeypatch.setattr(corpus, "Gains", PlainGains)
    plain = derive_across_corpus(claims)
    assert schema.CLAIMS.rows(indexed) == schema.CLAIMS.rows(plain)
    codes = [flag["code"] for flags in indexed["flags"] for flag in flags]
    assert codes.count("base_from_corpus") >= 3 and codes.count("dated_from_corpus") >= 3


def test_the_index_picks_what_a_plain_scan_picks_at_every_latitude() -> None:
    """Random gains of two actors all over the globe (near the poles a degree of longitude is short), areas
    from a few values so that sizes tie: the peak and the closest in size are the plain scan's."""
    import random
    from dataclasses import replace

    from geomap.claims.corpus import Gains
    from geomap.records import Claim
    from tests.claims.plain_corpus import PlainGains

    rng = random.Random(7)
    template = Claim(claim_id="c#0", source="c", kind="area_held", quote="", start=0, end=0, value=100.0, unit="km2")
    places = [(rng.uniform(-89, 89), rng.uniform(-180, 180)) for _ in range(400)]
    gains = []
    for i in range(3000):
        lat, lon = rng.choice(places)
        gains.append(replace(template, claim_id=f"g#{rng.randint(0, 2000)}", actor=rng.choice(["RU", "UA"]),
                             km2=rng.choice([100.0, 103.0, 96.0, 250.0, 1300.0]), anchor_lat=lat, anchor_lon=lon,
                             as_of_start=date(2024, rng.randint(1, 12), 1)))
    index, plain = Gains(gains), PlainGains(gains)
    found = 0
    for _ in range(200):
        lat, lon = rng.choice(places)
        claim = replace(template, actor=rng.choice(["RU", "UA"]), km2=rng.choice([98.0, 101.0, 260.0, 1250.0]),
                        anchor_lat=max(-89.9, min(89.9, lat + rng.uniform(-3, 3))), anchor_lon=lon + rng.uniform(-3, 3))
        until, since = date(2024, rng.randint(1, 12), 28), date(2024, rng.randint(1, 12), 1)
        assert index.closest_in_size(claim, until) == plain.closest_in_size(claim, until)
        assert index.peak(claim.actor, claim, since, until) == plain.peak(claim.actor, claim, since, until)
        found += plain.peak(claim.actor, claim, since, until) is not None
    assert found > 20
