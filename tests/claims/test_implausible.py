"""Numbers that cannot be territory (issues 13 and 14): kept as a claim, flagged with the reason, never drawn,
never a crash."""

from __future__ import annotations

import math

import pytest

import geomap
from geomap import schema
from geomap.claims import claims_table

PUBLISHED = "2025-03-14"
CASES = {
    # id: (text, quantity as written, flag code)
    "negative": ("Ukrainian forces now hold -50 km² of the Kursk region, the report said.", "-50 km²",
                 "negative_value"),
    "share150": ("Russian troops control 150 % of the region around Sudzha in the Kursk region.", "150 %",
                 "share_above_whole"),
    "share1000": ("Russia now controls 1000 percent of Kursk Oblast, the ministry claimed.", "1000 percent",
                  "share_above_whole"),
    "power": ("Ukraine seized 10^300 square kilometers of the Kursk region in August.", "10^300 square kilometers",
              "larger_than_land"),
    "overflow": ("Ukraine seized 10^400 square kilometers of the Kursk region in August.",
                 "10^400 square kilometers", "larger_than_land"),
    "depth": ("Ukrainian forces advanced 100,000,000 km deep into the Kursk region.", "100,000,000 km",
              "longer_than_earth"),
    "country": ("Russian forces have captured 900,000 square kilometres of Ukrainian territory since 2022.",
                "900,000 square kilometres", "larger_than_country"),
    # scientific notation is read as the number it writes, not as its first digit
    "exponent": ("Ukraine seized 1e300 km² of the Kursk region in August.", "1e300 km²", "larger_than_land"),
    "exponent_depth": ("Ukrainian forces advanced 1.5e6 km into the Kursk region.", "1.5e6 km", "longer_than_earth"),
    "negative_share": ("Russian forces control -20% of Donetsk Oblast, the ministry said.", "-20%", "negative_value"),
}


@pytest.fixture(scope="module")
def results():
    texts = {name: text for name, (text, _, _) in CASES.items()}
    return geomap.analyze(texts, published={name: PUBLISHED for name in CASES})


@pytest.mark.parametrize("name", list(CASES))
def test_kept_flagged_and_not_drawn(results, name: str) -> None:
    text, written, code = CASES[name]
    [claim] = [c for c in schema.CLAIMS.to_records(results.claims) if c.source == name]
    assert text[claim.start : claim.end] == written  # read as written: not "300 km²", not "+50"
    [flag] = [f for f in claim.flags if f.get("not_drawn")]
    assert flag["code"] == code and written in flag["message"]
    [row] = results.claim_geoms[results.claim_geoms["claim_id"] == claim.claim_id].itertuples()
    assert row.status == "unmapped" and row.geometry is None
    assert row.reason == flag["message"]


def test_values_as_written_and_json_safe(results) -> None:
    by_source = {c.source: c for c in schema.CLAIMS.to_records(results.claims)}
    assert by_source["negative"].km2 == -50.0
    assert by_source["share150"].share == 1.5
    assert by_source["power"].km2 == 1e300
    assert by_source["exponent"].km2 == 1e300 and by_source["exponent_depth"].km == 1.5e6
    overflow = results.claims[results.claims["source"] == "overflow"]
    assert math.isinf(overflow["km2"].iloc[0])  # the table holds the number as read
    [row] = claims_table([by_source["overflow"]])
    assert row["km2"] is None and row["value"] is None  # JSON has no infinity: the flag quotes the number


def test_flagged_claims_are_no_base_and_no_spread(results) -> None:
    """A flagged area is never the peak a share is derived from, nor a member of a window's spread."""
    claims = schema.CLAIMS.to_records(results.claims)
    flagged = {c.claim_id for c in claims if any(f.get("not_drawn") for f in c.flags)}
    assert flagged == {c.claim_id for c in claims}
    assert not flagged & set(results.spread["claim_id"])
    assert len(results.envelopes) == 0  # nothing drawn, so no window has an outline
