"""Fixtures for the renderer's tests: synthetic tables and the map built from them."""

from __future__ import annotations

import pytest

from . import synthetic


@pytest.fixture
def tables() -> dict:
    """Every argument of build_map for the synthetic Kursk-like case."""
    return synthetic.build_kwargs()


@pytest.fixture
def page_html(tables) -> str:
    from geomap.render import build_map, render_html

    return render_html(build_map(**tables, title="Kursk <test> map"))
