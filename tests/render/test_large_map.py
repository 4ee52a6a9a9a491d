"""The map of a large synthetic corpus opens and still works, in headless Chromium, offline.

How fast it opens is measured by ``benchmarks/bench_map_load.py`` (a time limit here would fail on a loaded
machine: on this 2-core machine it measured 3.2-4.1 s under load against a 3 s limit).

The corpus comes from ``benchmarks/corpus.py`` and goes through the whole
pipeline once per session (text stages in two processes). A 10,000-article
corpus takes over twenty minutes to build on a 2-core machine (the geometry
stage), far too long for the test suite, so the default is 300 articles
(about a minute here, and already over every limit of the map's budget:
3,000 claims, 300 sources, 100 date windows). To run the same checks at full
size, set ``GEOMAP_LARGE_MAP_ARTICLES=10000``, or point
``GEOMAP_LARGE_MAP=path/to/index.html`` at a map built already (e.g. by
``benchmarks/bench_scale.py --keep DIR``).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

from ..browser_support import artifacts_dir, offline_page, repo_root, require_browser, wait_until_ready

pytestmark = pytest.mark.browser

ARTICLES = int(os.environ.get("GEOMAP_LARGE_MAP_ARTICLES", "300"))
PREBUILT = os.environ.get("GEOMAP_LARGE_MAP")
MAP = "window.map_geomap_0"

# How many claim shapes (polygons and lines on the canvas, not the basemap nor place markers)
# are on the map now, in view or not.
COUNT_CLAIM_SHAPES = """() => {
  let shapes = 0;
  %(map)s.eachLayer(layer => {
    const basemap = (layer.options.pane || "").startsWith("geomapBasemap");
    if (layer instanceof L.Polyline && layer._renderer instanceof L.Canvas && !basemap) shapes++;
  });
  return shapes;
}""" % {"map": MAP}

# Whether the shared canvas of the claims pane has anything drawn on it.
CANVAS_HAS_INK = """() => {
  const canvas = document.querySelector(".leaflet-overlay-pane canvas");
  if (!canvas) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4 * 97) if (pixels[i] > 0) return true;
  return false;
}"""


# Zooms the map in to where a large map draws its claims (further out it sums them up per region, and makes
# them only once zoomed in); the page fits its first view as it loads, so the zoom is set until it holds.
ZOOM_IN = """zoom => {
  if (%(map)s.getZoom() < zoom) { %(map)s.setZoom(zoom, {animate: false}); }
  return %(map)s.getZoom() >= zoom;
}""" % {"map": MAP}


def zoomed_in(page) -> None:
    from geomap.render.budget import MapBudget

    page.wait_for_function(ZOOM_IN, arg=MapBudget().aggregate_below_zoom, polling=250)
    page.wait_for_timeout(300)  # the canvas redraws on the next frame


def _corpus_module():
    path = repo_root(__file__) / "benchmarks" / "corpus.py"
    spec = importlib.util.spec_from_file_location("geomap_benchmark_corpus", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def large_map(tmp_path_factory) -> Path:
    """index.html of the synthetic corpus, built once per session (or the one named by GEOMAP_LARGE_MAP)."""
    require_browser()
    if PREBUILT:
        return Path(PREBUILT)
    return _corpus_module().write_map(ARTICLES, tmp_path_factory.mktemp("large-map"))


def test_large_map_draws_its_claims_offline(large_map):
    with offline_page() as (page, log):
        page.goto(large_map.as_uri(), wait_until="load", timeout=60_000)
        timing = wait_until_ready(page, MAP)
        assert timing["loaded"], timing
        zoomed_in(page)
        assert page.evaluate(COUNT_CLAIM_SHAPES) > 100
        assert page.evaluate(CANVAS_HAS_INK)  # the claims are on the canvas, not just in memory
        page.screenshot(path=str(artifacts_dir(__file__) / "large-map.png"))
        assert log.blocked == [], log.blocked
        assert log.errors == [], log.errors


def test_large_map_date_control_switches_windows(large_map):
    with offline_page() as (page, log):
        page.goto(large_map.as_uri(), wait_until="load", timeout=60_000)
        wait_until_ready(page, MAP)
        zoomed_in(page)
        everything = page.evaluate(COUNT_CLAIM_SHAPES)
        control = page.locator(".gm-date")
        assert control.is_visible()
        # The windows of the theatre shown (a corpus spread over several wars opens on its busiest).
        windows = [w for w in page.eval_on_selector_all(".gm-panel section[data-window]:not([hidden])",
                                                        "sections => sections.map(s => s.dataset.window)") if w]
        busiest = max(windows, key=lambda w: page.locator(f"section[data-window='{w}'] .gm-claim").count())

        if control.locator("select.gm-window").count():
            control.locator("select.gm-window").select_option(busiest)
        else:
            control.locator(f"button[data-window='{busiest}']").click()
        shown = page.evaluate(COUNT_CLAIM_SHAPES)
        assert 0 < shown < everything
        assert page.locator(f"section[data-window='{busiest}']").is_visible()
        assert page.locator(f"section[data-window='{busiest}'] .gm-claim").first.is_visible()
        others = [w for w in windows if w != busiest]
        assert page.locator(f"section[data-window='{others[0]}']").is_hidden()
        page.screenshot(path=str(artifacts_dir(__file__) / "large-map-window.png"))

        if control.locator("select.gm-window").count():
            control.locator("select.gm-window").select_option("all")
        else:
            control.locator("button[data-window='all']").click()
        assert page.evaluate(COUNT_CLAIM_SHAPES) == everything
        assert log.blocked == [] and log.errors == [], (log.blocked, log.errors)


# Opens the popup of the first place marker (kind "marker") or claim shape (kind "claim") on the canvas.
OPEN_POPUP = """kind => {
  let target = null;
  %(map)s.eachLayer(layer => {
    if (target || !layer.getPopup || !layer.getPopup() || !(layer._renderer instanceof L.Canvas)) return;
    const isMarker = layer instanceof L.CircleMarker;
    if ((kind === "marker") === isMarker) target = layer;
  });
  target.openPopup();
  return target.feature.properties.t;
}""" % {"map": MAP}


def test_large_map_popups_are_built_from_text(large_map):
    with offline_page() as (page, log):
        page.goto(large_map.as_uri(), wait_until="load", timeout=60_000)
        wait_until_ready(page, MAP)
        zoomed_in(page)
        for kind in ("marker", "claim"):
            tooltip = page.evaluate(OPEN_POPUP, kind)
            popup = page.locator(".leaflet-popup-content .gm-popup")
            popup.wait_for()
            assert popup.locator("h4").inner_text().strip()
            assert popup.locator("blockquote").count() >= 1
            assert popup.locator("script, img, a").count() == 0  # article text never becomes markup
            if kind == "marker":
                assert tooltip.split(" (")[0] in popup.locator("h4").inner_text()
            page.wait_for_timeout(400)  # the popup fades in (and the map pans to it)
            page.screenshot(path=str(artifacts_dir(__file__) / f"large-map-{kind}-popup.png"))
            page.evaluate(f"() => {{ {MAP}.closePopup(); }}")
            page.locator(".leaflet-popup").wait_for(state="detached")
        assert log.blocked == [] and log.errors == [], (log.blocked, log.errors)
