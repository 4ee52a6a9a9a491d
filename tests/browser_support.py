"""Helpers for tests that open geomap's pages in Debian's headless Chromium.

The browser is the system one (``/usr/bin/chromium``) driven by
playwright-python; no browser is ever downloaded. Every request the page makes
is routed: ``file:``/``data:``/``blob:``/``about:`` URLs go through, anything
else is aborted and recorded, so a test can assert that a page made no network
request at all. Console errors and uncaught page errors are recorded too.

Typical use (``from tests.browser_support import ...``, or ``from ..browser_support`` inside tests/x/)::

    with offline_page() as (page, log):
        page.goto(path.as_uri())
        wait_for_map(page)
        assert log.blocked == [] and log.errors == []
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")


@dataclass
class PageLog:
    """What a page did that a test may want to assert about."""

    blocked: list[str] = field(default_factory=list)  # requests that tried to leave the machine
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return self.console_errors + self.page_errors


def repo_root(start: str | os.PathLike[str] = __file__) -> Path:
    """The repository root: the nearest folder above ``start`` with a pyproject.toml."""
    path = Path(start).resolve()
    for folder in (path, *path.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    raise FileNotFoundError(f"no pyproject.toml above {path}")


def artifacts_dir(start: str | os.PathLike[str] = __file__) -> Path:
    """``<repo>/test-artifacts/``, created if needed (screenshots go there)."""
    folder = repo_root(start) / "test-artifacts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def require_browser() -> None:
    """Skip the calling test when Chromium or playwright is not available."""
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.skip(f"Debian chromium not found at {CHROMIUM}")
    pytest.importorskip("playwright.sync_api")


@contextlib.contextmanager
def offline_page(width: int = 1400, height: int = 900) -> Iterator[tuple[object, PageLog]]:
    """A fresh page in headless Chromium whose network requests are blocked and logged."""
    require_browser()
    from playwright.sync_api import sync_playwright

    log = PageLog()

    def route(route) -> None:
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            log.blocked.append(url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": width, "height": height})
            context.route("**/*", route)
            page = context.new_page()
            page.on(
                "console", lambda message: log.console_errors.append(message.text) if message.type == "error" else None
            )
            page.on("pageerror", lambda error: log.page_errors.append(str(error)))
            # A request the route did not see (e.g. a service worker) still shows up here.
            page.on(
                "requestfailed",
                lambda request: (
                    None
                    if request.url.startswith(LOCAL_SCHEMES) or request.url in log.blocked
                    else log.blocked.append(request.url)
                ),
            )
            yield page, log
        finally:
            browser.close()


# Resolves once the map is ready and its claims are drawn: two animation frames after the load event, when
# the first view has settled (fitBounds may still be animating the zoom when the load event fires).
_READY = """() => new Promise(resolve => {
  const frame = () => requestAnimationFrame(() => requestAnimationFrame(() => {
    const map = %(map)s;
    if (map._animatingZoom) { frame(); return; }
    let polygons = 0;
    map.eachLayer(layer => {
      // The claims' polygons (a large map's basemap outlines are on a canvas too).
      const basemap = (layer.options.pane || "").startsWith("geomapBasemap");
      const drawn = layer instanceof L.Polygon && layer._renderer instanceof L.Canvas && layer._parts.length;
      if (drawn && !basemap) polygons++;
    });
    resolve({ready_ms: performance.now(), polygons: polygons, loaded: map._loaded === true,
             load_event_ms: performance.getEntriesByType("navigation")[0].loadEventEnd});
  }));
  if (document.readyState === "complete") frame(); else window.addEventListener("load", frame);
})"""


def wait_until_ready(page, map_expression: str) -> dict:
    """Wait until the Leaflet map ``map_expression`` (e.g. ``window.map_geomap_0``) is ready and drawn.

    Returns ``{"loaded", "polygons"`` (drawn on a canvas)``, "ready_ms", "load_event_ms"}``: the times are
    milliseconds from navigation start, for benchmarks (tests do not assert times).
    """
    return page.evaluate(_READY % {"map": map_expression})


@contextlib.contextmanager
def opened_map(path: Path, width: int = 1400, height: int = 900) -> Iterator[tuple[object, PageLog]]:
    """:func:`offline_page` with the map at ``path`` opened and drawn."""
    with offline_page(width=width, height=height) as (page, log):
        page.goto(path.as_uri())
        wait_for_map(page)
        yield page, log


# Generous: a map draws in well under a second alone, but CI runs two test workers on two cores and a
# browser test may share them with a Dask cluster or a build; a slow draw is not a failure, no draw is.
WAIT_MS = 60_000


def wait_for_map(page, timeout_ms: int = WAIT_MS) -> None:
    """Wait until Leaflet has drawn at least one vector path."""
    page.wait_for_selector(".leaflet-container svg path", state="attached", timeout=timeout_ms)


def count_paths(page, pane_selector: str) -> int:
    """Number of SVG ``<path>`` elements Leaflet drew inside the pane(s) matched."""
    return page.eval_on_selector_all(f"{pane_selector} svg path", "paths => paths.length")
