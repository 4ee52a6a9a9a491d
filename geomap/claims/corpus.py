"""What one article leaves open and the rest of the corpus settles: one pass over the claims table.

:func:`derive_across_corpus` runs once every article's claims exist (after the
text stages, whether their rows were read now, in chunks, or came from the
article cache): an article's own claims never depend on the others', so the
cache keeps them as read, and this pass is redone on each run over the whole
table. It gives

* **a date** to an area the text puts in the past without dating it
  (``past_undated``: "having shrunk from some 500 square miles", "after
  occupying some 51,000 square miles"): the date of the same actor's area of
  about the same size (within :data:`SAME_AREA_REL`) that another claim in the
  same theatre (within :data:`SAME_THEATRE_KM` of its anchor) dates by its own
  text, no later than its publication, the closest in size first. The flag
  ``dated_from_corpus`` names that claim and its quote; ``past_undated`` goes.
* **a base** to a share retaken or still held of an earlier gain whose article
  gives no peak ("Russia has wrested back control of more than
  two-thirds"): the largest area the gainer (the retaker's opponent) is said to
  have held or seized on the same front (within :data:`SAME_FRONT_KM`), dated by
  its text no later than the retaking and no more than a :data:`CAMPAIGN` before.
  ``held_km2`` is the area still held; ``derivation`` gives the arithmetic, the
  claim and the quote the base came from; the flag ``base_from_corpus`` says so.

A claim already dated or derived by its own article is left as it is. Distances
between anchors are measured on the WGS84 ellipsoid.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, timedelta

import numpy as np
import pandas
from pyproj import Geod

from geomap.claims.anchors import opponent
from geomap.claims.extract import number_text
from geomap.records import Claim

__all__ = ["CAMPAIGN", "SAME_AREA_REL", "SAME_FRONT_KM", "SAME_THEATRE_KM", "derive_across_corpus"]

SAME_AREA_REL = 0.05  # areas this close are one figure rounded two ways ("500 square miles", "1,320 km²")
SAME_FRONT_KM = 200.0  # anchors this close are on the same front (Sudzha is 85 km from Kursk Oblast's point)
# An area the text does not date is matched further afield: its anchor is often a place the sentence names for
# another reason ("As Moscow's counterattacks have intensified, the Ukrainian campaign ... having shrunk from some
# 500 square miles": Moscow, 530 km from Sudzha)
SAME_THEATRE_KM = 600.0
CAMPAIGN = timedelta(days=365)  # a peak is of the same campaign as a retaking no more than this before it
_QUOTE_CHARS = 120  # of the quote a derivation cites
_GAINS = ("area_held", "area_seized")
_OF_A_GAIN = ("share_retaken", "share_held")
_GEOD = Geod(ellps="WGS84")
_DERIVED_FIELDS = ("as_of_start", "as_of_end", "as_of_text", "flags", "held_km2", "derivation")


def derive_across_corpus(claims: pandas.DataFrame) -> pandas.DataFrame:
    """The claims table with the dates and bases other articles give (see the module docstring).

    The table is returned as it is when no claim needs the corpus; otherwise a copy with those rows changed.
    Only the rows that need the corpus and the dated gains are read as records.
    """
    from geomap import schema

    open_rows = [index for index, (kind, held, flags) in enumerate(
        zip(claims["kind"].tolist(), claims["held_km2"].tolist(), claims["flags"].tolist()))
        if _undated(flags) or (kind in _OF_A_GAIN and pandas.isna(held))]
    if not open_rows:
        return claims
    gain_rows = [int(index) for index in (claims["kind"].isin(_GAINS) & claims["km2"].gt(0) & claims["actor"].notna()
                                          & claims["as_of_text"].notna() & claims["anchor_lat"].notna()).to_numpy()
                 .nonzero()[0]]
    read = sorted(set(open_rows) | set(gain_rows))
    records = dict(zip(read, schema.CLAIMS.to_records(claims.iloc[read])))
    gains = Gains([records[index] for index in gain_rows if _dated_gain(records[index])])
    if not gains.claims:
        return claims
    changed = {}
    for index in open_rows:
        claim = records[index]
        derived = _dated(claim, gains) if _undated(claim.flags) else None
        if derived is None and claim.kind in _OF_A_GAIN and claim.held_km2 is None:
            derived = _based(claim, gains)
        if derived is not None:
            changed[index] = derived
    if not changed:
        return claims
    out = claims.copy()
    for column in schema.CLAIMS.columns:
        if column.name not in _DERIVED_FIELDS:
            continue
        values = claims[column.name].tolist()
        for index, claim in changed.items():
            values[index] = getattr(claim, column.name)
        out[column.name] = column.series(values).set_axis(claims.index)
    return out


def _undated(flags: Iterable[dict]) -> bool:
    return any(flag.get("code") == "past_undated" for flag in flags or ())


def _dated_gain(claim: Claim) -> bool:
    """An area an actor held or seized, dated by the words of its own article, drawn."""
    return (claim.kind in _GAINS and claim.km2 is not None and claim.km2 > 0 and claim.actor is not None
            and claim.as_of_text is not None and claim.as_of_start is not None and claim.anchor_lat is not None
            and not any(flag.get("code") in ("past_undated", "not_drawn") or flag.get("not_drawn")
                        for flag in claim.flags))


def _dated(claim: Claim, gains: Gains) -> Claim | None:
    """The claim dated like the same actor's area of about its size near it, if another claim dates one."""
    if claim.kind not in _GAINS or claim.km2 is None or claim.actor is None or claim.anchor_lat is None:
        return None
    source = gains.closest_in_size(claim, claim.published or claim.as_of_end)
    if source is None:
        return None
    flags = [flag for flag in claim.flags if flag.get("code") != "past_undated"]
    flags.append({
        "code": "dated_from_corpus",
        "message": (f"the text does not date it; {source.claim_id} dates the same actor's {_km2(source.km2)} "
                    f"('{source.as_of_text}'): {_cited(source)}"),
        "claim": source.claim_id,
    })  # fmt: skip
    return dataclasses.replace(claim, as_of_start=source.as_of_start, as_of_end=source.as_of_end,
                               as_of_text=source.as_of_text, flags=flags)


def _based(claim: Claim, gains: Gains) -> Claim | None:
    """The retaking with the area still held, from the gainer's peak near it elsewhere in the corpus."""
    gainer = opponent(claim.actor)
    if gainer is None or claim.anchor_lat is None or claim.as_of_start is None:
        return None
    if claim.share is None or not 0 < claim.share < 1:
        return None
    peak = gains.peak(gainer, claim, since_at_least=claim.as_of_start - CAMPAIGN, until_at_most=_until(claim))
    if peak is None:
        return None
    base = f"{_km2(peak.km2)} (the peak of {gainer}, {peak.claim_id}: {_cited(peak)})"
    kept = claim.share if claim.kind == "share_held" else 1 - claim.share
    held = kept * _area(peak)
    percent = f"{number_text(claim.share * 100)}%"
    written = percent if claim.kind == "share_held" else f"(1 - {percent})"
    arithmetic = f"{written} x {base} = {_km2(held)} still held"
    flags = [*claim.flags, {"code": "base_from_corpus", "message": f"the base is {peak.claim_id}'s, another article's",
                            "claim": peak.claim_id}]
    return dataclasses.replace(claim, held_km2=round(held, 3), derivation=arithmetic, flags=flags)


class Gains:
    """The corpus's dated gains, indexed so that an open claim looks only at those that can answer it.

    A corpus of 10,000 articles has tens of thousands of gains and thousands
    of open claims, and both grow with it: comparing each open claim with
    every gain grows with the square of the corpus. Here

    * distances are measured between places, not claims: anchors are places of
      the gazetteer, so the distances from one anchor to every gain's anchor are
      measured once (on the ellipsoid) and looked up for each gain after;
    * each actor's gains are kept in the order of the peak (largest area first,
      then the earliest, then the greatest id, then corpus order), so the peak
      of a retaking is the first of that order in its dates and near it: the
      scan stops there, after a few gains whatever the size of the corpus;
    * each actor's gains are also sorted by area, so the gains of about a
      claim's size are one slice of that order.
    """

    def __init__(self, claims: list[Claim]):
        self.claims = claims
        anchors: dict[tuple[float, float], int] = {}
        self.anchor = np.array([anchors.setdefault((gain.anchor_lat, gain.anchor_lon), len(anchors))
                                for gain in claims], dtype=np.intp)
        self.anchor_lat = np.array([lat for lat, _ in anchors], dtype=float)
        self.anchor_lon = np.array([lon for _, lon in anchors], dtype=float)
        self.since = np.array([_since(gain).toordinal() for gain in claims], dtype=np.int64)
        self.until = np.array([_until(gain).toordinal() for gain in claims], dtype=np.int64)
        self.area = np.array([_area(gain) for gain in claims], dtype=float)
        self.claim_id = np.array([gain.claim_id for gain in claims], dtype=object)
        of_actor: dict[str | None, list[int]] = {}
        for index, gain in enumerate(claims):
            of_actor.setdefault(gain.actor, []).append(index)
        # sorted() keeps equal keys in corpus order, reversed too: the first of equal peaks is the one max() picks
        peak_order = [(_area(gain), -_since(gain).toordinal(), gain.claim_id) for gain in claims]
        self._by_peak = {actor: np.array(sorted(indices, key=peak_order.__getitem__, reverse=True), dtype=np.intp)
                         for actor, indices in of_actor.items()}
        self._by_area = {actor: np.array(sorted(indices, key=lambda index: claims[index].km2), dtype=np.intp)
                         for actor, indices in of_actor.items()}
        self._sorted_area = {actor: self.area[indices] for actor, indices in self._by_area.items()}
        # From an open claim's anchor to every gain's anchor: places by places (635 x 646 at 10,000 synthetic
        # articles, 3 MB), bounded by the gazetteer, not the corpus.
        self._metres: dict[tuple[float, float], np.ndarray] = {}

    def metres_from(self, claim: Claim) -> np.ndarray:
        """The distance in metres from the claim's anchor to each gains' anchor (``self.anchor`` indexes it), on
        the ellipsoid."""
        point = (claim.anchor_lat, claim.anchor_lon)
        if point not in self._metres:
            count = len(self.anchor_lat)
            _, _, metres = _GEOD.inv([claim.anchor_lon] * count, [claim.anchor_lat] * count,
                                     self.anchor_lon, self.anchor_lat)
            self._metres[point] = np.atleast_1d(np.asarray(metres, dtype=float))
        return self._metres[point]

    def peak(self, actor: str, claim: Claim, since_at_least: date, until_at_most: date) -> Claim | None:
        """The largest of the actor's gains dated from ``since_at_least`` to ``until_at_most`` within
        :data:`SAME_FRONT_KM` of the claim's anchor (of equal ones, the earlier, then the greater id)."""
        order = self._by_peak.get(actor)
        if order is None:
            return None
        metres = self.metres_from(claim)
        since, until = since_at_least.toordinal(), until_at_most.toordinal()
        start, block = 0, 64  # growing blocks: a peak is usually among the first, the scan of none still short
        while start < len(order):
            picked = order[start : start + block]
            fits = ((self.since[picked] >= since) & (self.until[picked] <= until)
                    & (metres[self.anchor[picked]] <= SAME_FRONT_KM * 1000)).nonzero()[0]
            if len(fits):
                return self.claims[picked[fits[0]]]
            start, block = start + block, block * 4
        return None

    def closest_in_size(self, claim: Claim, until_at_most: date | None) -> Claim | None:
        """The claim actor's gain closest in size to the claim's area (within :data:`SAME_AREA_REL`), dated
        until ``until_at_most`` within :data:`SAME_THEATRE_KM` of its anchor; of equal ones the earliest, then
        the first id, then the first in the corpus."""
        assert claim.km2 is not None
        size = claim.km2
        areas = self._sorted_area.get(claim.actor)
        if areas is None:
            return None
        # the slice a little wider than the bound, so that the bound itself is compared as written below
        low = np.searchsorted(areas, size * (1 - SAME_AREA_REL) * (1 - 1e-9), side="left")
        high = np.searchsorted(areas, size / (1 - SAME_AREA_REL) * (1 + 1e-9), side="right")
        picked = self._by_area[claim.actor][low:high]
        area = self.area[picked]
        fits = np.abs(area - size) <= SAME_AREA_REL * np.maximum(area, size)
        fits &= self.claim_id[picked] != claim.claim_id
        if until_at_most is not None:
            fits &= self.until[picked] <= until_at_most.toordinal()
        fits &= self.metres_from(claim)[self.anchor[picked]] <= SAME_THEATRE_KM * 1000
        picked = picked[fits]
        if not len(picked):
            return None
        apart = np.abs(self.area[picked] - size)
        closest = np.sort(picked[apart == apart.min()])  # back in corpus order: of equal keys, min() takes the first
        return self.claims[min(closest.tolist(), key=lambda index: (self.since[index], self.claim_id[index]))]


def _area(claim: Claim) -> float:
    """The km² of a claim that has one (a gain, or a claim to date)."""
    assert claim.km2 is not None
    return claim.km2


def _since(claim: Claim) -> date:
    """The start of the time a dated claim is dated to."""
    assert claim.as_of_start is not None
    return claim.as_of_start


def _until(claim: Claim) -> date:
    """The end of the time a dated claim is dated to (its start when it is a day)."""
    return claim.as_of_end or _since(claim)


def _cited(claim: Claim) -> str:
    quote = " ".join(claim.quote.split())
    return f"“{quote[:_QUOTE_CHARS]}{'…' if len(quote) > _QUOTE_CHARS else ''}”"


def _km2(value: float | None) -> str:
    return f"{number_text(value)} km²"
