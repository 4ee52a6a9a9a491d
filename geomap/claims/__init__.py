"""Quantitative claims: numbers and units, temporal expressions, extraction."""
