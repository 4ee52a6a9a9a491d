"""Dates: how geomap reads them, in one place.

The rules:

- In geomap's tables and outputs a date is ISO 8601 calendar-date text, ``YYYY-MM-DD``.
- A date a user gives (a manifest's or corpus's ``published``, the API's dates) is a date object or
  ``YYYY-MM-DD`` text and nothing else: a date-time is refused (which day it names depends on a time zone)
  and nothing is guessed (:func:`given_date`).
- A period is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``: a window's label, a gold annotation's ``as_of``
  (:func:`period`).
- A date read from a table (claims' ``as_of_*``, a reference layer's date field) is the first day of such a
  period, which may be followed by a time of day (``2024-08-20T12:00``, ``2024-08-20 12:00``, the way
  spreadsheets and GIS fields hold dates); date and date-time objects (Python, numpy, pandas) give their day;
  anything else, and a missing value, is ``None`` (:func:`table_date`).
- Every date geomap reads from outside lies in the years :data:`FIRST_YEAR`-:data:`LAST_YEAR`
  (:func:`plausible_date`): ``9999-12-31`` and ``0001-01-01`` are placeholders, not news.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

# News about the wars geomap maps; dates outside these years are typing errors (9999-12-31,
# 0001-01-01), and the date arithmetic of windows, relative dates and charts would leave the calendar.
FIRST_YEAR, LAST_YEAR = 1900, 2100

_PERIOD = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def plausible_date(day: date, where: str) -> date:
    """``day`` itself; ValueError (naming ``where``) when it lies outside FIRST_YEAR-LAST_YEAR."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(
            f"{where}: {day.isoformat()} is outside the years {FIRST_YEAR}-{LAST_YEAR} that news dates fall in"
        )
    return day


def given_date(value: Any, where: str) -> date | None:
    """A date a user gives: a date object or ``YYYY-MM-DD`` text, ``None`` for none; else ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        raise ValueError(f"{where}: {value.isoformat()} is a date and time; give the date alone (YYYY-MM-DD)")
    if isinstance(value, date):
        return plausible_date(value, where)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return plausible_date(date.fromisoformat(value.strip()), where)
        except ValueError as exc:
            if str(exc).startswith(where):
                raise
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:59] + "…"
    raise ValueError(f"{where}: {shown} is not a date (use YYYY-MM-DD)")


def period(value: Any) -> tuple[date, date] | None:
    """The first and last day of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (then perhaps a time of day)."""
    text = str(value or "").strip()
    match = _PERIOD.match(text)
    if not match:
        return None
    rest = text[match.end() :]
    if rest and not (match.group(3) and rest[0] in "T "):  # only a whole day may have a time of day
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


def table_date(value: Any) -> date | None:
    """The day a table's cell names (the first of a period), or ``None``; see the module's rules."""
    if value is None or (isinstance(value, (float, datetime)) and value != value):  # NaN, pandas.NaT
        return None
    if isinstance(value, datetime):  # pandas.Timestamp too
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        import numpy

        if isinstance(value, numpy.datetime64):
            return None if numpy.isnat(value) else value.astype("datetime64[D]").item()
    found = period(value)
    return found[0] if found else None
