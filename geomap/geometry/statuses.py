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
    """A run's place statuses, indexed by place and by position."""

    def __init__(self, statuses: Iterable[PlaceStatus] = ()):
        self.statuses = [s for s in statuses if status_date(s) is not None]
        self.by_place: dict[str, list[PlaceStatus]] = {}
        self.by_cell: dict[tuple[int, int], list[PlaceStatus]] = {}
        for status in self.statuses:
            self.by_place.setdefault(status.place_id, []).append(status)
            self.by_cell.setdefault(_cell(status.lon, status.lat), []).append(status)

    def __bool__(self) -> bool:
        return bool(self.statuses)

    def anchor_state(self, place_id: str | None, holder: str | None, as_of: date | None) -> AnchorState | None:
        """The state of the place ``place_id`` for ``holder`` as of ``as_of`` (None when nothing decisive)."""
        if place_id is None or as_of is None:
            return None
        decisive = [(status_date(s), relation(s, holder), s) for s in self.by_place.get(place_id, ())]
        decisive = [(day, rel, s) for day, rel, s in decisive if rel in (LOST, HELD) and day <= as_of]
        if not decisive:
            return None
        latest = max(day for day, _, _ in decisive)
        on_day = [(rel, s) for day, rel, s in decisive if day == latest]
        states = {rel for rel, _ in on_day}
        state = states.pop() if len(states) == 1 else "conflict"
        return AnchorState(state, latest, tuple(s for _, s in on_day))

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
        for dx in range(-lon_cells, lon_cells + 1):
            for dy in range(-lat_cells, lat_cells + 1):
                for status in self.by_cell.get((x + dx, y + dy), ()):
                    if not low <= status_date(status) <= high:
                        continue
                    if status.status == "withdrawn_to":
                        rel = "withdrawn_to" if status.actor in (None, holder) else None
                    else:
                        rel = relation(status, holder)
                    if rel in wanted:
                        found.append((status, rel))
        found.sort(key=lambda item: (item[0].source, item[0].start))
        return found


def _cell(lon: float, lat: float) -> tuple[int, int]:
    return (int(math.floor(lon / _CELL_DEGREES)), int(math.floor(lat / _CELL_DEGREES)))
