"""Who holds the territory a claim measures, and whose country it lies in.

A held-area claim has a *holder* (the side that holds the area drawn) and a
*host* (the country the area lies in). When they differ the area was taken
across the border between them: "Ukraine holds 1,300 km² of Kursk" has
holder Ukraine, host Russia and the Russia-Ukraine border as its crossing.

The holder of the area drawn, by kind:

- ``area_held``, ``area_seized``, ``share_held``, ``relative_area``: the
  claim's actor (who holds or took it);
- ``share_retaken``: the actor's opponent, since what is drawn is the part
  still held by the side that lost the rest ("86 % retaken by Russia" leaves
  14 % in Ukrainian hands);
- ``area_retaken``: the actor (the area is back in its owner's hands).

When the claim names no actor, the sentences around it decide: the holder
most of the same source's area claims about the same place or region have
(ties: the first such claim).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from geomap.claims.status import opponent
from geomap.records import AREA_KINDS, SHARE_KINDS, Claim

__all__ = ["HELD_AREA_KINDS", "Occupation", "holder_of", "holders"]

HELD_AREA_KINDS = AREA_KINDS + SHARE_KINDS + ("relative_area",)


@dataclass(frozen=True)
class Occupation:
    """The holder and the host of a claimed area (ISO country codes; None when unknown)."""

    holder: str | None
    host: str | None

    @property
    def across_border(self) -> bool:
        """Whether the area is held by a country other than the one it lies in."""
        return self.holder is not None and self.host is not None and self.holder != self.host


def holder_of(claim: Claim) -> str | None:
    """The holder of the area a claim draws, from the claim alone (see the module docstring)."""
    if claim.kind not in HELD_AREA_KINDS:
        return None
    if claim.kind == "share_retaken":
        return opponent(claim.actor)
    return claim.actor


def holders(claims: Iterable[Claim]) -> dict[str, str | None]:
    """Claim id -> holder, filling a claim without one from its source's other claims about the same place."""
    claims = list(claims)
    own = {claim.claim_id: holder_of(claim) for claim in claims}
    votes: dict[tuple[str, str | None], Counter] = {}
    for claim in claims:
        holder = own[claim.claim_id]
        if holder is not None:
            votes.setdefault((claim.source, claim.place_id), Counter())[holder] += 1
    found = {}
    for claim in claims:
        holder = own[claim.claim_id]
        if holder is None and claim.kind in HELD_AREA_KINDS:
            counted = votes.get((claim.source, claim.place_id))
            if counted:
                holder = counted.most_common(1)[0][0]  # Counter keeps first-seen order among ties
        found[claim.claim_id] = holder
    return found

