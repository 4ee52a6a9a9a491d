"""The map in a real (headless Debian) Chromium, with the network cut off."""

from __future__ import annotations

import pytest

from geomap.render import build_map, write_html

from ..browser_support import artifacts_dir, count_paths, offline_page, wait_for_map
from . import synthetic

pytestmark = pytest.mark.browser

CLAIMS_PANE = ".leaflet-overlay-pane"
BASEMAP_PANE = ".leaflet-geomapBasemap-pane"
MARKER_PANE = ".leaflet-geomapMarkers-pane"


HOSTILE_NAME = "Sumy</script><script>window.__pwned=1</script>"


@pytest.fixture
def map_file(tmp_path):
    tables = synthetic.build_kwargs()
    # A place name travels as plain text in script JSON (its tooltip): it must not end the script.
    mentions = tables["mentions"]
    mentions.loc[mentions["name"] == "Sumy", "name"] = HOSTILE_NAME
    path = tmp_path / "map.html"
    write_html(build_map(**tables, title="Kursk claims (synthetic)"), path)
    return path


def test_map_opens_offline_and_draws_basemap_claims_and_controls(map_file):
    with offline_page() as (page, log):
        page.goto(map_file.as_uri())
        wait_for_map(page)
        page.wait_for_timeout(300)

        # 2 countries + Crimea, 2 admin-1 regions + Crimea's, and the 2 countries' borders drawn on top.
        assert count_paths(page, BASEMAP_PANE) == 8
        # 3 buffers, 1 line, 2 envelopes, 2 reference dates.
        assert count_paths(page, CLAIMS_PANE) == 8
        assert count_paths(page, MARKER_PANE) == 2  # Sudzha and Sumy; the demonym is not drawn
        assert page.locator(".gm-legend").is_visible()
        assert page.locator(".gm-date").is_visible()
        assert page.locator(".gm-panel").is_visible()
        assert page.locator(".leaflet-control-scale").is_visible()
        assert "GeoNames (CC BY 4.0), Natural Earth (public domain)" in page.inner_text(".leaflet-control-attribution")
        assert "no claims found" in page.inner_text(".gm-panel")
        assert page.locator(".gm-place", has_text="Sudzha").count() == 1  # labels by zoom

        page.screenshot(path=str(artifacts_dir(__file__) / "render-map.png"))
        assert log.blocked == [], log.blocked
        assert log.errors == [], log.errors


def test_date_control_switches_the_claim_layers(map_file):
    with offline_page() as (page, log):
        page.goto(map_file.as_uri())
        wait_for_map(page)
        everything = count_paths(page, CLAIMS_PANE)

        page.click("button[data-window='2025-03']")
        # Paper Three's buffer, the 2025-03 envelope, the reference of 2025-03-10.
        assert count_paths(page, CLAIMS_PANE) == 3
        assert page.get_attribute("button[data-window='2025-03']", "aria-pressed") == "true"
        assert page.locator("section[data-window='2024-08']").is_hidden()
        assert page.locator("section[data-window='2025-03']").is_visible()

        page.click("button[data-window='2024-08']")
        # Two buffers, the line, the envelope, the reference of 2024-08-20.
        assert count_paths(page, CLAIMS_PANE) == 5
        assert page.locator("section[data-window='2025-03']").is_hidden()

        page.click("button[data-window='all']")
        assert count_paths(page, CLAIMS_PANE) == everything
        assert count_paths(page, BASEMAP_PANE) == 8  # the basemap is not switched
        page.click("button[data-window='2025-03']")
        page.screenshot(path=str(artifacts_dir(__file__) / "render-map-2025-03.png"))
        assert log.blocked == [] and log.errors == []


def test_article_markup_is_shown_as_text_and_never_runs(map_file):
    with offline_page() as (page, log):
        page.goto(map_file.as_uri())
        wait_for_map(page)
        panel_text = page.inner_text(".gm-panel")
        assert "<script>window.__pwned=1</script>" in panel_text
        assert "</script><img src=x onerror=alert(1)>" in panel_text
        assert page.locator(".gm-panel img").count() == 0

        # Open Sudzha's popup: both articles' sentences, quoted as text.
        page.locator(f"{MARKER_PANE} path").first.click(force=True)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert "<script>window.__pwned=1</script>" in popup.inner_text()
        assert "Claims tied to this place" in popup.inner_text()
        assert popup.locator("img, script").count() == 0

        # Sumy's tooltip shows its hostile name as text.
        page.locator(f"{MARKER_PANE} path").nth(1).hover(force=True)
        tooltip = page.locator(".leaflet-tooltip", has_text="window.__pwned")
        tooltip.wait_for()
        assert HOSTILE_NAME in tooltip.inner_text() and tooltip.locator("script").count() == 0

        assert page.evaluate("() => typeof window.__pwned") == "undefined"
        assert log.blocked == [] and log.errors == []


def test_a_page_that_reaches_out_is_caught(tmp_path):
    # The harness itself must be able to fail: a page with a remote script.
    path = tmp_path / "leaky.html"
    path.write_text('<html><body><script src="https://cdn.example.invalid/x.js"></script></body></html>')
    with offline_page() as (page, log):
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        assert log.blocked == ["https://cdn.example.invalid/x.js"]
