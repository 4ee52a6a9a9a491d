"""Two map fragments pasted into one report page, opened in headless Debian Chromium with the network cut off."""

from __future__ import annotations

import pytest

from geomap.export import fragment_html, notebook_html

from ..browser_support import WAIT_MS, artifacts_dir, offline_page
from .conftest import build_test_map

pytestmark = pytest.mark.browser

REPORT = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Kursk report</title>
<style>body {{ font-family: serif; max-width: 900px; margin: 1em auto; }}</style></head>
<body>
<h1>What the sources claimed</h1>
<p>August 2024:</p>
{first}
<script>window.L.geomapFirstCopy = true;</script>
<p>March 2025:</p>
{second}
<p>End of report.</p>
</body>
</html>
"""


@pytest.fixture(scope="module")
def report_file(tables, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    first = fragment_html(build_test_map(tables, "august"), height="420px")
    second = fragment_html(build_test_map(tables, "march"), height="420px")
    path.write_text(REPORT.format(first=first, second=second), encoding="utf-8")
    return path


def test_both_fragments_draw_their_maps_once_leaflet_is_loaded_once(report_file):
    with offline_page(width=1000, height=1200) as (page, log):
        page.goto(report_file.as_uri())
        for prefix in ("august", "march"):
            page.wait_for_selector(f"#map_{prefix}_0 svg path", state="attached", timeout=WAIT_MS)
        page.wait_for_timeout(300)
        for prefix in ("august", "march"):
            paths = page.eval_on_selector_all(f"#map_{prefix}_0 .leaflet-overlay-pane svg path", "p => p.length")
            assert paths >= 4, prefix  # claim buffers, the ring, envelopes, reference
            assert page.locator(f"#map_{prefix}_0 .gm-legend").is_visible()
            assert page.locator(f"#map_{prefix}_0 .leaflet-control-scale").is_visible()
        # The second fragment reused the first one's Leaflet instead of running it again.
        assert page.evaluate("window.L.geomapFirstCopy === true && window.L.version === '1.9.4'")
        assert page.evaluate("document.querySelectorAll('style#geomap-leaflet-css').length") == 1
        assert page.evaluate("document.querySelectorAll('style#geomap-css').length") == 1
        duplicates = page.evaluate("""() => {
            const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
            return ids.filter((id, i) => ids.indexOf(id) !== i);
        }""")
        assert duplicates == []
        # The report's own styles are untouched: folium's "html, body {height: 100%}" is not in the fragment.
        assert page.evaluate("getComputedStyle(document.body).maxWidth") == "900px"
        # The date control of one map switches that map only.
        page.click("#map_march_0 .gm-date button[data-window='2025-03']")
        page.wait_for_timeout(200)
        assert page.get_attribute("#map_march_0 .gm-date", "data-selected") == "2025-03"
        assert page.get_attribute("#map_august_0 .gm-date", "data-selected") in (None, "all")
        page.screenshot(path=str(artifacts_dir(__file__) / "export-fragments.png"), full_page=True)
        assert log.blocked == [], log.blocked
        assert log.errors == [], log.errors


def test_notebook_iframe_draws_the_map_offline(tables, tmp_path):
    path = tmp_path / "notebook.html"
    shown = notebook_html(build_test_map(tables, "nb"), height="400px")
    path.write_text(f"<!DOCTYPE html><html><body><div class='output'>{shown}</div></body></html>", encoding="utf-8")
    with offline_page(width=1000, height=600) as (page, log):
        page.goto(path.as_uri())
        frame = page.frame_locator("iframe")
        frame.locator("#map_nb_0 .leaflet-overlay-pane svg path").first.wait_for(state="attached", timeout=WAIT_MS)
        assert frame.locator("#map_nb_0 .leaflet-overlay-pane svg path").count() >= 4
        assert log.blocked == [], log.blocked
        assert log.errors == [], log.errors


SAME_FRAGMENT_TWICE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Kursk report</title></head>
<body>
<h1>Summary</h1>
{fragment}
<h2>Appendix: the same map</h2>
{fragment}
</body>
</html>
"""
COPIES = ".geomap-fragment"


@pytest.fixture(scope="module")
def same_fragment_twice(tmp_path_factory):
    """A report with the very file `geomap build` writes for the seeds (map_fragment.html) pasted twice.

    The seeds' map has all a fragment holds: two date windows, the claims panel and chart, and occupied
    areas hatched with an SVG pattern (an id the copies must not share).
    """
    from geomap import pipeline
    from geomap.cli import seeds_dir

    folder = tmp_path_factory.mktemp("same-fragment")
    options = pipeline.OutputOptions(map=False, exports=False, geopackage=False, figures=False)
    pipeline.write(pipeline.run([seeds_dir()]), folder / "out", options)
    fragment = (folder / "out" / "map_fragment.html").read_text(encoding="utf-8")
    path = folder / "report.html"
    path.write_text(SAME_FRAGMENT_TWICE.format(fragment=fragment), encoding="utf-8")
    return path


def claim_paths(page, copy: int) -> int:
    return page.evaluate(f"document.querySelectorAll('{COPIES}')[{copy}]"
                         ".querySelectorAll('.leaflet-overlay-pane svg path').length")


def test_the_same_fragment_pasted_twice_draws_two_working_maps(same_fragment_twice):
    with offline_page(width=1000, height=1400) as (page, log):
        page.goto(same_fragment_twice.as_uri())
        page.wait_for_function(f"[...document.querySelectorAll('{COPIES}')].every("
                               "c => c.querySelector('.leaflet-overlay-pane svg path'))", timeout=WAIT_MS)
        assert page.locator(COPIES).count() == 2
        for copy in range(2):
            fragment = page.locator(COPIES).nth(copy)
            assert claim_paths(page, copy) >= 4, copy
            for part in (".gm-legend", ".gm-date", ".gm-panel", ".leaflet-control-scale", ".leaflet-control-layers"):
                assert fragment.locator(part).count() == 1 and fragment.locator(part).is_visible(), (copy, part)
        duplicates = page.evaluate("""() => {
            const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
            return ids.filter((id, i) => ids.indexOf(id) !== i);
        }""")
        assert duplicates == []
        # Every url(#...) in the second copy points at an element of that copy (the legend's hatch pattern).
        assert page.evaluate(f"""() => {{
            const copy = document.querySelectorAll('{COPIES}')[1];
            const refs = [...copy.querySelectorAll('[fill^="url(#"]')].map(e => e.getAttribute('fill').slice(5, -1));
            return refs.length > 0 && refs.every(id => copy.contains(document.getElementById(id)));
        }}""")
        # Each copy's date control switches its own map and panel only.
        before = [claim_paths(page, copy) for copy in range(2)]
        page.locator(COPIES).nth(1).locator(".gm-date button[data-window='2025-03']").click()
        page.wait_for_timeout(200)
        dates = page.locator(f"{COPIES} .gm-date")
        assert dates.nth(1).get_attribute("data-selected") == "2025-03"
        assert dates.nth(0).get_attribute("data-selected") in (None, "all")
        assert claim_paths(page, 1) < before[1] and claim_paths(page, 0) == before[0]
        assert page.locator(COPIES).nth(1).locator(".gm-panel section[data-window='2024-08']").is_hidden()
        assert page.locator(COPIES).nth(0).locator(".gm-panel section[data-window='2024-08']").is_visible()
        page.locator(COPIES).nth(0).locator(".gm-date button[data-window='2024-08']").click()
        page.wait_for_timeout(200)
        assert dates.nth(0).get_attribute("data-selected") == "2024-08"
        assert dates.nth(1).get_attribute("data-selected") == "2025-03"
        assert page.locator(COPIES).nth(0).locator(".gm-panel section[data-window='2025-03']").is_hidden()
        page.screenshot(path=str(artifacts_dir(__file__) / "export-same-fragment-twice.png"), full_page=True)
        assert log.blocked == [], log.blocked
        assert log.errors == [], log.errors
