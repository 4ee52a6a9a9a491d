"""Quantitative claims: numbers and units, temporal expressions, extraction."""

from geomap.claims.extract import claims_table, extract_claims

__all__ = ["claims_table", "extract_claims"]
