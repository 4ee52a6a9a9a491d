"""The main job on the bundled seeds, opened offline in Debian's Chromium.

`geomap build` on the five seeds must give a map that shows the sources' claims for August 2024 and March
2025 side by side on real borders, works with every non-file request blocked, and is byte-identical when
built twice. A screenshot of each date window goes to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser_support import artifacts_dir, count_paths, offline_page, wait_for_map

GEOMAP = str(Path(sys.executable).with_name("geomap"))
CLAIMS_PANE = ".leaflet-overlay-pane"
BASEMAP_PANE = ".leaflet-geomapBasemap-pane"
MARKER_PANE = ".leaflet-geomapMarkers-pane"


@pytest.fixture(scope="module")
def seeds_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seeds-out")
    result = subprocess.run(
        [GEOMAP, "-q", "build", "-o", str(out), "--no-figures"], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    return out


def test_seeds_map_is_deterministic_and_small(seeds_build, tmp_path):
    again = subprocess.run(
        [GEOMAP, "-q", "build", "-o", str(tmp_path), "--no-figures"], capture_output=True, text=True, timeout=600
    )
    assert again.returncode == 0, again.stderr
    first = hashlib.sha256((seeds_build / "index.html").read_bytes()).hexdigest()
    second = hashlib.sha256((tmp_path / "index.html").read_bytes()).hexdigest()
    assert first == second
    assert (seeds_build / "index.html").stat().st_size <= 1_500_000


@pytest.mark.browser
def test_seeds_map_shows_both_windows_offline(seeds_build):
    with offline_page(1400, 900) as (page, log):
        page.goto((seeds_build / "index.html").as_uri())
        wait_for_map(page)
        page.wait_for_timeout(300)
        assert count_paths(page, BASEMAP_PANE) > 10  # countries and oblasts around Kursk and Sumy
        everything = count_paths(page, CLAIMS_PANE)
        assert everything >= 8
        assert count_paths(page, MARKER_PANE) >= 3  # Sudzha, Kursk, Sumy ...
        panel = page.inner_text(".gm-panel")
        for source in (
            "000_ec6c8a11782f386f",
            "001_d692f0ff4b3aa565",
            "002_726122f8705c7f10",
            "003_494b95f2403b221a",
            "004_98567bb9d699c9fe",
        ):
            assert source in panel
        assert "386 square miles" in panel and "1,368 square kilometers" in panel
        assert "110 square kilometers" in panel and "30%" in panel
        assert "no claims found" in panel  # seed 003 makes no quantitative claim
        attribution = page.inner_text(".leaflet-control-attribution")
        assert "GeoNames (CC BY 4.0)" in attribution and "Natural Earth" in attribution
        assert page.locator(".leaflet-control-scale").count() == 1

        page.click("button[data-window='2024-08']")
        page.wait_for_timeout(200)
        august = count_paths(page, CLAIMS_PANE)
        page.screenshot(path=str(artifacts_dir(__file__) / "seeds-map-2024-08.png"))
        page.click("button[data-window='2025-03']")
        page.wait_for_timeout(200)
        march = count_paths(page, CLAIMS_PANE)
        page.screenshot(path=str(artifacts_dir(__file__) / "seeds-map-2025-03.png"))
        assert 0 < august < everything and 0 < march < everything
        page.click("button[data-window='all']")
        page.wait_for_timeout(200)
        assert count_paths(page, CLAIMS_PANE) == everything
        page.screenshot(path=str(artifacts_dir(__file__) / "seeds-map-all.png"))
        assert not log.blocked, log.blocked
        assert not log.errors, log.errors


# The tooltips of the place-status markers drawn now (their text, as Leaflet shows it).
STATUS_TOOLTIPS = """() => {
  const found = [];
  window.map_geomap_0.eachLayer(layer => {
    if (!(layer instanceof L.CircleMarker) || !layer.getTooltip()) return;
    const content = layer.getTooltip().getContent();
    const text = typeof content === "string" ? content : content.textContent;
    if (/ \\((captured|retaken|lost|held|fought over|withdrawn)/.test(text)) found.push(text);
  });
  return found;
}"""


@pytest.mark.browser
def test_seeds_map_shows_the_salient_on_the_border_and_the_march_strip_beside_a_lost_sudzha(seeds_build):
    with offline_page(1400, 900) as (page, log):
        page.goto((seeds_build / "index.html").as_uri())
        wait_for_map(page)
        page.click("button[data-window='2024-08']")
        page.wait_for_timeout(200)
        august = page.inner_text(".gm-panel section[data-window='2024-08']")
        assert "centred on the Russia–Ukraine border nearest Sudzha, clipped to Russia" in august
        page.screenshot(path=str(artifacts_dir(__file__) / "seeds-salient-2024-08.png"))

        page.click("button[data-window='2025-03']")
        page.wait_for_timeout(200)
        march = page.inner_text(".gm-panel section[data-window='2025-03']")
        assert "km deep along" in march and "leaving out Sudzha" in march
        assert "anchor_lost" in march
        tooltips = page.evaluate(STATUS_TOOLTIPS)
        assert any(text.startswith("Sudzha (") for text in tooltips), tooltips
        page.screenshot(path=str(artifacts_dir(__file__) / "seeds-strip-2025-03.png"))
        sudzha = page.evaluate("""() => {
          let opened = null;
          window.map_geomap_0.eachLayer(layer => {
            if (opened || !(layer instanceof L.CircleMarker) || !layer.getTooltip() || !layer.getPopup()) return;
            const content = layer.getTooltip().getContent();
            if ((typeof content === "string" ? content : content.textContent).startsWith("Sudzha (")) {
              layer.openPopup(); opened = true;
            }
          });
          return opened;
        }""")
        assert sudzha
        popup = page.locator(".leaflet-popup-content .gm-popup")
        popup.wait_for()
        assert "Russian forces raised their flag over Sudzha" in popup.inner_text()
        page.wait_for_timeout(300)
        page.screenshot(path=str(artifacts_dir(__file__) / "seeds-status-popup-2025-03.png"))
        assert not log.blocked, log.blocked
        assert not log.errors, log.errors
