"""Dates are read by one set of rules (geomap/dates.py): what a user gives, periods, and a table's cells."""

from __future__ import annotations

from datetime import date, datetime

import numpy
import pandas
import pytest

from geomap.dates import given_date, period, table_date

AUG_20 = date(2024, 8, 20)


def test_a_given_date_is_a_date_or_yyyy_mm_dd_and_nothing_is_guessed() -> None:
    assert given_date("2024-08-20", "published") == AUG_20
    assert given_date(" 2024-08-20 ", "published") == AUG_20
    assert given_date(AUG_20, "published") == AUG_20
    assert given_date(None, "published") is None and given_date("", "published") is None
    for wrong in ("20 August 2024", "2024-08", "2024-02-30", 20240820, "2024-08-20T10:00"):
        with pytest.raises(ValueError, match=r"^published: .* is not a date \(use YYYY-MM-DD\)"):
            given_date(wrong, "published")
    with pytest.raises(ValueError, match="is a date and time; give the date alone"):
        given_date(datetime(2024, 8, 20, 23, 30), "published")
    with pytest.raises(ValueError, match="9999-12-31 is outside the years 1900-2100"):
        given_date("9999-12-31", "published")


def test_a_period_is_a_year_a_month_or_a_day() -> None:
    assert period("2024") == (date(2024, 1, 1), date(2024, 12, 31))
    assert period("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert period("2024-12") == (date(2024, 12, 1), date(2024, 12, 31))
    assert period("2024-08-20") == (AUG_20, AUG_20)
    assert period("2024-08-20T23:59:00Z") == (AUG_20, AUG_20)
    for not_a_period in ("late summer", "2024x", "2024-08T10:00", "2024-13", "2024-02-30", "", None):
        assert period(not_a_period) is None, not_a_period


def test_a_tables_cell_gives_its_day_whatever_holds_it() -> None:
    for cell in (
        "2024-08-20",
        "2024-08-20 12:00",
        AUG_20,
        datetime(2024, 8, 20, 23, 59),
        pandas.Timestamp("2024-08-20 13:00"),
        numpy.datetime64("2024-08-20T10:00"),
    ):
        assert table_date(cell) == AUG_20, cell
    assert table_date("2024-08") == date(2024, 8, 1)
    for missing in (None, float("nan"), pandas.NaT, numpy.datetime64("NaT"), "undated", "20.08.2024"):
        assert table_date(missing) is None, missing
