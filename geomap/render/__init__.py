"""geomap's map renderer: claims, envelopes and places on an offline folium map.

>>> m = build_map(claim_geoms, envelopes, mentions, sources, countries, admin1, places)  # doctest: +SKIP
>>> write_html(m, "outputs/map.html")  # doctest: +SKIP

The page is one self-contained HTML file: Leaflet is inlined from the installed
``django-js-lib-leaflet`` package, the basemap is vector data from the caller's
tables, and nothing is fetched when it opens (unless ``tiles=`` asks for an
online tile layer).
"""

from .escaping import script_json
from .mapview import DEFAULT_PREFIX, assign_ids, build_map, render_html, write_html
from .offline import OfflineAssetError, fetchable_urls, leaflet_assets

__all__ = [
    "DEFAULT_PREFIX",
    "OfflineAssetError",
    "assign_ids",
    "build_map",
    "fetchable_urls",
    "leaflet_assets",
    "render_html",
    "script_json",
    "write_html",
]
