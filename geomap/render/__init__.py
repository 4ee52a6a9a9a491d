"""geomap's map renderer: claims, envelopes and places on an offline folium map.

>>> m = build_map(claim_geoms, envelopes, mentions, sources, countries, admin1, places)  # doctest: +SKIP
>>> write_html(m, "outputs/map.html")  # doctest: +SKIP

The page is one self-contained HTML file: Leaflet is inlined from the installed
``django-js-lib-leaflet`` package, the basemap is vector data from the caller's
tables, and nothing is fetched when it opens (unless ``tiles=`` asks for an
online tile layer).
"""

from __future__ import annotations

import importlib
from typing import Any

# Loaded on first use: the figures import render's small modules (panel, tables, windows), and importing
# folium with them would compile its hundred-odd page templates in a process that never writes a page.
_EXPORTS = {
    "script_json": "escaping",
    "DEFAULT_PREFIX": "mapview", "assign_ids": "mapview", "build_map": "mapview", "render_html": "mapview",
    "rename": "mapview", "left_as_it_was": "mapview", "write_html": "mapview",
    "OfflineAssetError": "offline", "fetchable_urls": "offline", "leaflet_assets": "offline",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value

__all__ = [
    "DEFAULT_PREFIX",
    "OfflineAssetError",
    "assign_ids",
    "build_map",
    "fetchable_urls",
    "leaflet_assets",
    "left_as_it_was",
    "rename",
    "render_html",
    "script_json",
    "write_html",
]
