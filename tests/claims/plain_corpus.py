"""The plain definition of the candidates the corpus pass picks, to check its index against and to time it by.

:class:`PlainGains` answers what :class:`geomap.claims.corpus.Gains` answers by
the words of the module's docstring: every gain is looked at, every distance
measured on the ellipsoid, and the best picked with ``max``/``min``. It is
quadratic, and meant to be: tests/claims/test_corpus.py and
benchmarks/bench_derive.py swap it in for the index.
"""

from __future__ import annotations

from datetime import date

import pandas
from pyproj import Geod

from geomap.claims.corpus import SAME_AREA_REL, SAME_FRONT_KM, SAME_THEATRE_KM
from geomap.records import Claim

GEOD = Geod(ellps="WGS84")


class PlainGains:
    """Every gain compared with every open claim."""

    def __init__(self, claims: list[Claim]):
        self.claims = claims

    def near(self, claim: Claim, gains: list[Claim], km: float) -> list[Claim]:
        if not gains:
            return []
        count = len(gains)
        _, _, metres = GEOD.inv([claim.anchor_lon] * count, [claim.anchor_lat] * count,
                                [gain.anchor_lon for gain in gains], [gain.anchor_lat for gain in gains])
        return [gain for gain, distance in zip(gains, metres) if distance <= km * 1000]

    def peak(self, actor: str, claim: Claim, since_at_least: date, until_at_most: date) -> Claim | None:
        dated = [gain for gain in self.claims if gain.actor == actor and gain.as_of_start >= since_at_least
                 and (gain.as_of_end or gain.as_of_start) <= until_at_most]
        near = self.near(claim, dated, SAME_FRONT_KM)
        return max(near, key=lambda gain: (gain.km2, -gain.as_of_start.toordinal(), gain.claim_id), default=None)

    def closest_in_size(self, claim: Claim, until_at_most: date | None) -> Claim | None:
        size = claim.km2
        same = [gain for gain in self.claims if gain.actor == claim.actor and gain.claim_id != claim.claim_id
                and (until_at_most is None or (gain.as_of_end or gain.as_of_start) <= until_at_most)
                and abs(gain.km2 - size) <= SAME_AREA_REL * max(gain.km2, size)]
        near = self.near(claim, same, SAME_THEATRE_KM)
        return min(near, key=lambda gain: (abs(gain.km2 - size), gain.as_of_start, gain.claim_id), default=None)


def replicated(claims: pandas.DataFrame, copies: int) -> pandas.DataFrame:
    """``copies`` copies of a claims table, each with its own source and claim ids: as dense a corpus as a corpus
    ``copies`` times the size on the same places and dates (equal areas and dates tie, to be broken by id)."""
    tables = []
    for copy in range(copies):
        table = claims.copy()
        if copy:
            table["source"] = table["source"] + f"~{copy}"
            table["claim_id"] = table["claim_id"].str.replace("#", f"~{copy}#", n=1, regex=False)
        tables.append(table)
    return pandas.concat(tables, ignore_index=True)
