"""folium's element templates compiled when a page first uses them, not when folium is imported.

folium and branca compile the jinja template of each element class as the
class is defined: importing folium 0.20 compiles 46 templates, 0.07 s of CPU
(a thirtieth of the main process of a cold ``geomap build`` of the seeds), of
which a geomap page renders seven. While :func:`compiled_on_first_use` is active (geomap's
renderer imports folium under it), a template made from a string is a
:class:`DeferredTemplate`, which compiles it the way jinja would have, with
the same class and options, the first time any of its attributes is read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import jinja2


class DeferredTemplate:
    """A ``jinja2.Template`` (of class ``cls``) from ``args``, compiled when first used."""

    __slots__ = ("_cls", "_args", "_kwargs", "_template")

    def __init__(self, cls: type, args: tuple, kwargs: dict) -> None:
        self._cls, self._args, self._kwargs = cls, args, kwargs
        self._template: jinja2.Template | None = None

    def __getattr__(self, name: str) -> Any:
        if self._template is None:
            self._template = _template_new(self._cls, *self._args, **self._kwargs)
        return getattr(self._template, name)


_template_new = jinja2.Template.__new__


def _deferred_new(cls: type, *args: Any, **kwargs: Any) -> Any:
    return DeferredTemplate(cls, args, kwargs)


@contextlib.contextmanager
def compiled_on_first_use() -> Iterator[None]:
    """Templates made from strings meanwhile (``jinja2.Template(source)`` and its subclasses, as folium's and
    branca's element classes make them) are compiled when first used. For imports only: one thread."""
    jinja2.Template.__new__ = _deferred_new  # type: ignore[method-assign]
    try:
        yield
    finally:
        jinja2.Template.__new__ = _template_new  # type: ignore[method-assign]
