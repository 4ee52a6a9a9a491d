"""geomap: maps of territorial-control claims from news articles, offline.

The Python API (see :mod:`geomap.api`) is loaded on first use, so that
``import geomap`` and the command line stay fast:

>>> import geomap
>>> results = geomap.analyze("Ukraine seized about 1,300 km² around Sudzha in August 2024.")  # doctest: +SKIP
>>> geomap.claim_geometries_frame(results)                                                   # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

_API = ("analyze", "analyze_paths", "mentions_frame", "claims_frame", "claim_geometries_frame", "place_status_frame",
        "folium_layers", "make_map", "write", "Results", "OutputOptions")

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        from geomap import api

        return getattr(api, name)
    raise AttributeError(f"module 'geomap' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
