"""Unit conversion for the second unit a sentence gives, and number formatting for derivations."""

from __future__ import annotations

import math
import re

SQUARE_MILE_KM2 = 1.609344 ** 2  # international mile

_AREA_KM2 = {
    "km2": 1.0, "square kilometer": 1.0, "square kilometre": 1.0, "sq km": 1.0, "square km": 1.0,
    "sqkm": 1.0, "kilometer squared": 1.0, "kilometre squared": 1.0,
    "mi2": SQUARE_MILE_KM2, "square mile": SQUARE_MILE_KM2, "sq mi": SQUARE_MILE_KM2, "sqmi": SQUARE_MILE_KM2,
    "square mi": SQUARE_MILE_KM2,
    "hectare": 0.01, "ha": 0.01,
    "acre": 0.0040468564224,
    "m2": 1e-6, "square meter": 1e-6, "square metre": 1e-6,
}
_LENGTH_KM = {
    "km": 1.0, "kilometer": 1.0, "kilometre": 1.0, "kms": 1.0,
    "mi": 1.609344, "mile": 1.609344,
    "m": 0.001, "meter": 0.001, "metre": 0.001,
    "nautical mile": 1.852, "nmi": 1.852,
    "verst": 1.0668,
}


def _normalise_unit(unit: str) -> str:
    text = unit.strip().lower().replace("²", "2").replace("^2", "2").replace(".", " ")
    text = re.sub(r"\s+", " ", text).strip()
    if text in _AREA_KM2 or text in _LENGTH_KM:
        return text
    words = text.split(" ")
    if words[-1].endswith("s"):  # plurals: "square miles", "kilometres", "hectares"
        singular = " ".join(words[:-1] + [words[-1][:-1]])
        if singular in _AREA_KM2 or singular in _LENGTH_KM:
            return singular
    return text


def to_km2(value: float | None, unit: str | None) -> float | None:
    """An area in ``unit`` (as written: "square miles", "sq. mi", "km²", "hectares") in km²; None if unknown."""
    if value is None or not unit:
        return None
    factor = _AREA_KM2.get(_normalise_unit(unit))
    return None if factor is None else float(value) * factor


def to_km(value: float | None, unit: str | None) -> float | None:
    """A length in ``unit`` (as written: "miles", "km", "kilometres") in km; None if unknown."""
    if value is None or not unit:
        return None
    factor = _LENGTH_KM.get(_normalise_unit(unit))
    return None if factor is None else float(value) * factor


def stable(value: float | None, digits: int = 6) -> float | None:
    """Round away floating-point noise (not precision anyone reads) so outputs are byte-stable."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


def format_number(value: float) -> str:
    """1300 -> '1,300'; 999.7 -> '999.7'; 389.99999 -> '390'."""
    text = f"{value:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def format_km2(value: float) -> str:
    return f"{format_number(value)} km²"


def format_area(value: float) -> str:
    """An area as a construction sentence gives it: whole km² from 100 up ('1,295 km²'), else '12.5 km²'."""
    if value >= 100:
        return f"{round(value):,} km²"
    return f"{value:.3g} km²" if value < 10 else format_km2(round(value, 1))


def format_share(share: float) -> str:
    """0.3 -> '0.30'; 1/3 -> '0.333'."""
    text = f"{share:.2f}"
    return text if abs(float(text) - share) < 1e-9 else f"{share:.3f}"
