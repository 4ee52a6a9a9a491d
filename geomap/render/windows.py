"""Date windows: the periods the date control switches between.

Each claim geometry carries a ``window`` label (``"2024-08"``, ``"undated"``...)
and the dates its claim is valid for (``as_of_start``/``as_of_end``). A window's
range is the span of its claims' dates, or, failing those, the period its label
names. Windows are shown in date order, undated ones last.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .tables import UNDATED


@dataclass(frozen=True)
class DateWindow:
    """A named date window and the dates it covers (``None`` when undated)."""

    label: str
    start: date | None
    end: date | None

    @property
    def dated(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def range_text(self) -> str:
        """``"2024-08-06 – 2024-08-31"``, one date when start == end, ``""`` when undated."""
        if not self.dated:
            return ""
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def contains(self, day: date) -> bool:
        return self.dated and self.start <= day <= self.end


def parse_date(value: Any) -> date | None:
    """An ISO date (``YYYY-MM-DD``, a longer ISO timestamp, or a date) or ``None``."""
    if value is None:
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def label_range(label: str) -> tuple[date, date] | None:
    """The period a window label names: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", label.strip())
    if not match:
        return None
    year, month, day = match.groups()
    try:
        if day:
            single = date(int(year), int(month), int(day))
            return single, single
        if month:
            first = date(int(year), int(month), 1)
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first, following - timedelta(days=1)
        return date(int(year), 1, 1), date(int(year), 12, 31)
    except ValueError:
        return None


def date_windows(claims: Iterable[Mapping[str, Any]], extra_labels: Iterable[str] = ()) -> list[DateWindow]:
    """The windows of ``claims`` (and of ``extra_labels``, e.g. envelopes'), in display order."""
    starts: dict[str, list[date]] = {}
    ends: dict[str, list[date]] = {}
    labels: list[str] = []
    for claim in claims:
        label = claim.get("window") or UNDATED
        if label not in starts:
            starts[label], ends[label] = [], []
            labels.append(label)
        first = parse_date(claim.get("as_of_start"))
        last = parse_date(claim.get("as_of_end"))
        if first or last:
            starts[label].append(first or last)
            ends[label].append(last or first)
    for label in extra_labels:
        label = label or UNDATED
        if label not in starts:
            starts[label], ends[label] = [], []
            labels.append(label)
    windows = []
    for label in labels:
        if label == UNDATED:
            windows.append(DateWindow(label, None, None))
        elif starts[label]:
            windows.append(DateWindow(label, min(starts[label]), max(ends[label])))
        else:
            named = label_range(label)
            windows.append(DateWindow(label, *(named or (None, None))))
    return sorted(windows, key=_window_order)


def _window_order(window: DateWindow) -> tuple:
    if window.dated:
        return (0, window.start, window.end, window.label)
    return (1, date.min, date.min, window.label)


def reference_dates_for_windows(windows: Sequence[DateWindow], reference_dates: Iterable[date]) -> dict[str, date]:
    """For each dated window, the latest reference date on or before the window's end.

    That is the reference state "as of" the window; windows older than every
    reference date (and undated ones) get none.
    """
    dates = sorted(set(reference_dates))
    chosen: dict[str, date] = {}
    for window in windows:
        if not window.dated:
            continue
        candidates = [day for day in dates if day <= window.end]
        if candidates:
            chosen[window.label] = candidates[-1]
    return chosen
