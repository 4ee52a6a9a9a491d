"""Turning share claims ("30 % left", "86 % retaken") into areas through a base area.

The base is the source's own peak area claim about the same region when it
has one, otherwise the median of the other sources' peaks. A peak is the
largest area among a source's area claims about that region, taken from the
seized/held claims of a window earlier than the share claim's when there are
such (the size of the salient at its height), else from any seized/held
claim, else from any area claim.
"""

from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass

from geomap.geometry.units import format_km2, format_number, format_share
from geomap.records import AREA_KINDS, Claim

HELD_KINDS = ("area_seized", "area_held")
UNDATED = "undated"


def window_of(claim: Claim) -> str:
    """The claim's date window: "YYYY-MM" of ``as_of_start``, or "undated"."""
    return claim.as_of_start.strftime("%Y-%m") if claim.as_of_start is not None else UNDATED


@dataclass(frozen=True)
class AreaClaim:
    """An area claim reduced to what base selection needs."""

    claim_id: str
    source: str
    kind: str
    km2: float
    window: str
    region: str | None  # the admin-1 (or other host) code it is about; None when unknown


@dataclass(frozen=True)
class Base:
    """The area a share is a share of, and how it was chosen."""

    km2: float
    origin: str  # "own" | "others"
    claim_ids: tuple[str, ...]
    text: str  # "1,300 km² (own peak, 002#1)"


def _about_same_region(area: AreaClaim, region: str | None) -> bool:
    return region is None or area.region is None or area.region == region


def peak(areas: list[AreaClaim], window: str) -> AreaClaim | None:
    """The peak among one source's area claims (see the module docstring for the tiers)."""
    return SourcePeaks(areas).at(window)


class SourcePeaks:
    """One source's area claims about a region, arranged so that the peak for any window is found by a bisection.

    The earlier tier of a window is a prefix of the dated held claims sorted by
    window, so the best of every prefix is worked out once (a corpus asks for
    the peaks of thousands of sources in hundreds of windows). The best is the
    largest area; ties go to the first claim in the source, then the first listed.
    """

    def __init__(self, areas: list[AreaClaim]):
        ranked = [((-a.km2, natural_claim_key(a.claim_id), index), a) for index, a in enumerate(areas)]
        held = [(rank, a) for rank, a in ranked if a.kind in HELD_KINDS]
        dated = sorted((item for item in held if item[1].window != UNDATED), key=lambda item: item[1].window)
        self.windows = [a.window for _, a in dated]
        self.best_before: list[AreaClaim] = []  # [i]: the best of dated[: i + 1]
        best = None
        for item in dated:
            best = item if best is None or item[0] < best[0] else best
            self.best_before.append(best[1])
        self.best_held = min(held, key=lambda item: item[0])[1] if held else None
        self.best = min(ranked, key=lambda item: item[0])[1] if ranked else None

    def at(self, window: str) -> AreaClaim | None:
        """The peak for a share claim of ``window``: the earlier held claims' best, else any held, else any."""
        if window != UNDATED:
            earlier = bisect.bisect_left(self.windows, window)  # those of a window before the share's
            if earlier:
                return self.best_before[earlier - 1]
        return self.best_held or self.best


class ShareBases:
    """:func:`share_base` for one run's area claims.

    Each region's area claims are grouped by source once, each source's peaks
    arranged once per region (:class:`SourcePeaks`), and the median of the
    sources' peaks found once per (region, window), so a corpus with many share
    claims does not rescan every area claim for every share.
    """

    def __init__(self, areas: list[AreaClaim]):
        self.areas = [a for a in areas if a.kind in AREA_KINDS]
        self._by_source: dict[str | None, dict[str, list[AreaClaim]]] = {}
        self._peaks: dict[tuple[str | None, str], SourcePeaks] = {}  # by (region, source)
        self._others: dict[tuple[str | None, str], Base | None] = {}  # by (region, window): see base

    def by_source(self, region: str | None) -> dict[str, list[AreaClaim]]:
        """The area claims about ``region`` (or about no known region), by source, in claim order."""
        if region not in self._by_source:
            grouped: dict[str, list[AreaClaim]] = {}
            for area in self.areas:
                if _about_same_region(area, region):
                    grouped.setdefault(area.source, []).append(area)
            self._by_source[region] = grouped
        return self._by_source[region]

    def peak(self, region: str | None, source: str, window: str) -> AreaClaim | None:
        key = (region, source)
        if key not in self._peaks:
            self._peaks[key] = SourcePeaks(self.by_source(region).get(source, []))
        return self._peaks[key].at(window)

    def base(self, share: Claim, share_window: str, share_region: str | None) -> Base | None:
        """The base area for one share claim, or None when no source gives an area."""
        own = self.peak(share_region, share.source, share_window)
        if own is not None:
            return Base(own.km2, "own", (own.claim_id,), f"{format_km2(own.km2)} (own peak, {own.claim_id})")
        # Without a peak of its own the share's source has no area claims about the region, so "the other
        # sources" are all of them: the same base for every such share of the region and window, found once
        # (each share scanning every source's peak made this quadratic in the corpus: 10,000 articles).
        key = (share_region, share_window)
        if key not in self._others:
            self._others[key] = self.others_base(share_region, share_window)
        return self._others[key]

    def others_base(self, region: str | None, window: str) -> Base | None:
        """The median of every source's peak about ``region`` for a share in ``window`` (None: no source has one)."""
        found = (self.peak(region, source, window) for source in sorted(self.by_source(region)))
        peaks = [peak for peak in found if peak is not None]
        if not peaks:
            return None
        median = float(statistics.median(p.km2 for p in peaks))
        listed = ", ".join(f"{p.claim_id} {format_number(p.km2)}" for p in peaks)
        return Base(median, "others", tuple(p.claim_id for p in peaks),
                    f"{format_km2(median)} (median of other sources' peaks: {listed})")


def share_base(share: Claim, share_window: str, share_region: str | None,
               areas: list[AreaClaim]) -> Base | None:
    """The base area for one share claim, or None when no source gives an area."""
    return ShareBases(areas).base(share, share_window, share_region)


def derive_share_area(share: Claim, base: Base) -> tuple[float, str]:
    """(area in km², derivation text) of a share claim over its base.

    share_held: area = share x base; share_retaken: the area still held is (1 - share) x base.
    """
    value = float(share.share)
    if share.kind == "share_retaken":
        km2 = (1.0 - value) * base.km2
        text = f"(1 - {format_share(value)}) x {base.text} = {format_km2(km2)}"
    else:
        km2 = value * base.km2
        text = f"{format_share(value)} x {base.text} = {format_km2(km2)}"
    return km2, text


def natural_claim_key(claim_id: str) -> tuple:
    """Sort key for "<source>#<n>" ids: by source, then n as a number ("002#10" after "002#9")."""
    source, _, number = claim_id.rpartition("#")
    if not source:
        return (claim_id, -1, "")
    return (source, int(number), "") if number.isdigit() else (source, -1, number)
