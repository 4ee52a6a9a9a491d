"""Errors geomap reports to its user as one clear line."""

from __future__ import annotations


class GeomapError(Exception):
    """A problem with the user's input or environment, reported without a traceback.

    ``path`` names the file (or manifest entry) at fault; ``exit_code`` is what the
    command line returns.
    """

    def __init__(self, message: str, path: str | None = None, exit_code: int = 1):
        super().__init__(message)
        self.message = message
        self.path = path
        self.exit_code = exit_code

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message
