"""Place statuses over time, read for one claim: is its anchor lost, and where is the holder still fighting?

The statuses come from :func:`geomap.claims.status.place_statuses` (what each
source says of each place, dated). For a claim held by ``holder`` and dated
``as_of``, a status says one of three things about a place:

- ``lost``: captured or retaken by another side, lost or withdrawn from by the
  holder (or by nobody named: "the fall of Sudzha"), held by another side;
- ``held``: captured or retaken by the holder, held by it (or by nobody
  named), lost or withdrawn from by another side;
- ``contested``: fought over.

The anchor's state is that of its latest decisive (lost or held) statuses
dated on or before the claim; when statuses of that one date disagree the
state is a conflict and no status is used.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from geomap.records import PlaceStatus

LOST, HELD, CONTESTED = "lost", "held", "contested"
SIDE_CUE_DAYS = 30  # statuses reported this many days either side of a claim's date still say where the front is
_CELL_DEGREES = 1.0  # grid cell of the spatial index of statuses


def relation(status: PlaceStatus, holder: str | None) -> str | None:
    """What ``status`` says about the place for ``holder``: LOST, HELD, CONTESTED or None (nothing)."""
    actor = status.actor
    if status.status in ("captured", "retaken"):
        if actor is None:
            return None  # "the capture of X": by whom?
        return HELD if actor == holder else LOST
    if status.status in ("lost", "withdrawn"):
        return LOST if actor is None or actor == holder else HELD
    if status.status == "held":
        return HELD if actor is None or actor == holder else LOST
    if status.status == "fought_over":
        return CONTESTED
    return None


def status_date(status: PlaceStatus) -> date | None:
    """The day a status describes (the end of its as-of range, else its publication date)."""
    return status.as_of_end or status.as_of_start or status.published


@dataclass(frozen=True)
class AnchorState:
    """The anchor's state for one claim: LOST, HELD or "conflict", the day and the statuses that say so."""

    state: str
    day: date
    evidence: tuple[PlaceStatus, ...]

    @property
    def lost(self) -> bool:
        return self.state == LOST


class StatusIndex:
    """A run's place statuses, indexed by place and by position, each index in date order.

    A large corpus has tens of thousands of statuses and asks about them for
    thousands of claims: every question looks only at the statuses of its
    place or grid cells dated in its range, found by bisection, so the work
    per claim does not grow with the corpus.
    """

    def __init__(self, statuses: Iterable[PlaceStatus] = ()):
        self.statuses = [s for s in statuses if status_date(s) is not None]
        self._order = {id(status): index for index, status in enumerate(self.statuses)}
        self.by_place = _by_date(self.statuses, lambda status: status.place_id)
        self.by_cell = _by_date(self.statuses, lambda status: _cell(status.lon, status.lat))

    def __bool__(self) -> bool:
        return bool(self.statuses)

    def anchor_state(self, place_id: str | None, holder: str | None, as_of: date | None) -> AnchorState | None:
        """The state of the place ``place_id`` for ``holder`` as of ``as_of`` (None when nothing decisive)."""
        if place_id is None or as_of is None or place_id not in self.by_place:
            return None
        days, statuses = self.by_place[place_id]
        # The latest day on or before as_of with a decisive status; its decisive statuses in the corpus' order.
        end = bisect.bisect_right(days, as_of)
        while end > 0:
            day = days[end - 1]
            start = bisect.bisect_left(days, day, 0, end)
            on_day = [(rel, s) for s in statuses[start:end] for rel in (relation(s, holder),) if rel in (LOST, HELD)]
            if on_day:
                states = {rel for rel, _ in on_day}
                state = states.pop() if len(states) == 1 else "conflict"
                return AnchorState(state, day, tuple(s for _, s in on_day))
            end = start
        return None

    def near(self, lon: float, lat: float, reach_km: float, as_of: date, holder: str | None,
             wanted: Sequence[str]) -> list[tuple[PlaceStatus, str]]:
        """(status, relation) of places within about ``reach_km`` of a point, dated within
        :data:`SIDE_CUE_DAYS` of ``as_of``, whose relation for ``holder`` is in ``wanted``
        (``"withdrawn_to"`` for withdrawals toward a place by the holder or by nobody named).

        The distance test here is a coarse one on a degree grid; callers measure.
        """
        low, high = as_of - timedelta(days=SIDE_CUE_DAYS), as_of + timedelta(days=SIDE_CUE_DAYS)
        lat_cells = int(math.ceil(reach_km / 111.0 / _CELL_DEGREES)) + 1
        lon_cells = int(math.ceil(reach_km / (111.0 * max(0.05, math.cos(math.radians(min(abs(lat), 89.0))))
                                              ) / _CELL_DEGREES)) + 1
        x, y = _cell(lon, lat)
        found = []
        cells = [(x + dx, y + dy) for dx in range(-lon_cells, lon_cells + 1) for dy in range(-lat_cells, lat_cells + 1)]
        for rank, cell in enumerate(cells):
            days, statuses = self.by_cell.get(cell, ((), ()))
            for status in statuses[bisect.bisect_left(days, low):bisect.bisect_right(days, high)]:
                if status.status == "withdrawn_to":
                    rel = "withdrawn_to" if status.actor in (None, holder) else None
                else:
                    rel = relation(status, holder)
                if rel in wanted:
                    found.append((rank, status, rel))
        # by source and offset; equal ones cell by cell, each cell's in the corpus' order (as a scan finds them)
        found.sort(key=lambda item: (item[1].source, item[1].start, item[0], self._order[id(item[1])]))
        return [(status, rel) for _, status, rel in found]


def _by_date(statuses: list[PlaceStatus], key) -> dict:
    """``statuses`` grouped by ``key``, each group as (days, statuses) in date order (same day: the corpus')."""
    groups: dict = {}
    for status in statuses:
        groups.setdefault(key(status), []).append(status)
    indexed = {}
    for group, members in groups.items():
        members.sort(key=status_date)  # stable: a day's statuses stay in the corpus' order
        indexed[group] = ([status_date(s) for s in members], members)
    return indexed


def _cell(lon: float, lat: float) -> tuple[int, int]:
    return (int(math.floor(lon / _CELL_DEGREES)), int(math.floor(lat / _CELL_DEGREES)))
