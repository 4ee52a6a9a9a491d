"""geomap: maps of territorial-control claims from news articles, offline."""

__version__ = "0.1.0"
