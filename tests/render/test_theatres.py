"""Claims of several wars grouped into theatres: the rule on synthetic regions, and a real corpus in Chromium."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from shapely.geometry import Point, box

from geomap.view import UNPLACED_THEATRE, theatres

from ..browser_support import artifacts_dir, opened_map

ROOT = Path(__file__).resolve().parents[2]
GEOMAP = ROOT / ".venv" / "bin" / "geomap"
REAL = ROOT / "tests" / "data" / "claims" / "real" / "corpus.jsonl"

# Unit squares in a row along the equator: A1 | B1 | X1 | C1, and A2 and D1 far away.
REGIONS = [
    {"country": "AA", "geometry": box(0, 0, 1, 1)},  # 0: A1
    {"country": "BB", "geometry": box(1, 0, 2, 1)},  # 1: B1 touches A1
    {"country": "XX", "geometry": box(2, 0, 3, 1)},  # 2: X1, no claims
    {"country": "CC", "geometry": box(3, 0, 4, 1)},  # 3: C1 one region away from B1
    {"country": "AA", "geometry": box(10, 0, 11, 1)},  # 4: A2, same country as A1, far away
    {"country": "DD", "geometry": box(30, 0, 31, 1)},  # 5: D1, far from everything
]
NAMES = {"AA": "Aland", "BB": "Borduria", "CC": "Carpania", "DD": "Dorne"}


def claim(claim_id: str, source: str, x: float | None) -> dict:
    return {"claim_id": claim_id, "source": source, "geometry": None if x is None else Point(x, 0.5).buffer(0.1)}


def test_regions_join_by_touching_through_one_region_between_or_by_one_article_in_one_country():
    claims = [claim("a1", "s1", 0.5), claim("b1", "s2", 1.5), claim("c1", "s3", 3.5), claim("a2", "s1", 10.5),
              claim("d1", "s4", 30.5), claim("d2", "s4", 30.4)]
    found = theatres(claims, REGIONS, NAMES)
    assert [(t.name, set(t.claim_ids)) for t in found] == [
        ("Aland, Borduria, Carpania", {"a1", "b1", "c1", "a2"}),  # A1-B1 touch, B1..C1 via X1, A1-A2 one article
        ("Dorne", {"d1", "d2"}),
    ]
    assert [t.key for t in found] == ["theatre-1", "theatre-2"]


def test_one_country_alone_does_not_join_far_apart_regions():
    # Two articles, each about one end of a large country: nothing says they are one war.
    found = theatres([claim("a1", "s1", 0.5), claim("a2", "s2", 10.5)], REGIONS, NAMES)
    assert [set(t.claim_ids) for t in found] == [{"a1"}, {"a2"}]


def test_far_apart_regions_stay_apart_and_claims_without_shapes_follow_their_source_or_its_places():
    claims = [claim("a1", "s1", 0.5), claim("d1", "s2", 30.5), claim("d2", "s2", 30.5),
              claim("a-unmapped", "s1", None),  # its source's other claim is in A
              claim("d-unmapped", "s3", None),  # its source names a place in D
              claim("lost", "s4", None)]  # nothing tells where
    mentions = [{"source": "s3", "lat": 0.5, "lon": 30.2}, {"source": "s4", "lat": 50.0, "lon": 50.0}]
    found = theatres(claims, REGIONS, NAMES, mentions)
    assert [(t.name, t.claim_ids) for t in found] == [
        ("Dorne", ("d1", "d2", "d-unmapped")),
        ("Aland", ("a1", "a-unmapped")),
        (UNPLACED_THEATRE, ("lost",)),
    ]


def test_one_article_joins_regions_of_bordering_countries_only():
    regions = REGIONS + [{"country": "BB", "geometry": box(1, 1, 2, 2)}]  # 6: B2, north of B1
    # One article claims in A2 and in B2: far apart, but Aland borders Borduria (A1 | B1).
    claims = [claim("a2", "s1", 10.5), {"claim_id": "b2", "source": "s1", "geometry": Point(1.5, 1.5).buffer(0.1)}]
    assert len(theatres(claims, regions, NAMES)) == 1
    # One article claims in A2 and D1: Aland and Dorne share no border, so they stay two wars.
    assert len(theatres([claim("a2", "s1", 10.5), claim("d1", "s1", 30.5)], regions, NAMES)) == 2


def test_a_claim_belongs_to_the_first_region_holding_its_point_else_the_nearest_region():
    """What the map groups claims by (theatres, the regions' summaries), looked up for many claims at once."""
    import shapely

    from geomap.view import nearest_each, regions_holding

    regions = [box(0, 0, 2, 1), box(1, 0, 3, 1), box(10, 0, 11, 1)]  # the first two overlap on 1 <= x <= 2
    tree = shapely.STRtree(regions)
    shapes = [Point(1.5, 0.5).buffer(0.1), Point(2.5, 0.5).buffer(0.1), Point(9.0, 0.5).buffer(0.1),
              Point(5.0, 0.5).buffer(0.1), Point(9.0, 0.5).buffer(0.1)]
    assert regions_holding(shapes, tree) == [0, 1, 2, 1, 2]  # in both: the first; in none: the nearest
    assert regions_holding([], tree) == []
    points = [Point(9.0, 0.5), Point(-3.0, 0.5), Point(9.0, 0.5), Point(2.6, 0.2)]
    assert nearest_each(points, tree) == [2, 0, 2, 1]


def test_without_regions_every_claim_is_in_one_theatre():
    found = theatres([claim("a", "s", 0.5), claim("b", "s", 40.0)], [], NAMES)
    assert len(found) == 1 and set(found[0].claim_ids) == {"a", "b"}


# Real articles about Kursk and Ukraine, Gaza, Karabakh, Myanmar and Sudan (tests/data/claims/real).
WARS = ["moscowtimes-2025-02-20", "newsforall-2025-03-16", "ynetnews-2025-05-25", "nationpress-2025-04-17",
        "anews-2020-11-09", "virtualkarabakh-2016-05-18", "thaiexaminer-2024-08-29", "sakshipost-2025-01-12"]


@pytest.fixture(scope="module")
def wars_map(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wars")
    corpus = folder / "wars.jsonl"
    with open(REAL, encoding="utf-8") as lines:
        articles = [json.loads(line) for line in lines]
    corpus.write_text("".join(json.dumps(a) + "\n" for a in articles if a["id"] in WARS), encoding="utf-8")
    result = subprocess.run([str(GEOMAP), "-q", "build", str(corpus), "-o", str(folder / "out"), "--figures", "none"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return folder / "out" / "index.html"


# Basemap polygons (countries, regions) under the map's centre.
LAND_AT_CENTER = """() => {
  const center = map_geomap_0.getCenter();
  let found = 0;
  map_geomap_0.eachLayer(layer => {
    if (layer.options && layer.options.pane === "geomapBasemap" && layer.getBounds && layer.feature
        && layer.getBounds().contains(center)) { found += 1; }
  });
  return found;
}"""


def shown_theatre(page, key: str) -> str:
    """The heading of the one chart shown, after checking that only the windows of theatre ``key`` are offered."""
    visible = page.eval_on_selector_all(".gm-date button[data-theatre]:not([hidden])",
                                        "bs => bs.map(b => b.getAttribute('data-theatre'))")
    assert visible and set(visible) == {key}
    charts = page.locator(".gm-panel section[data-window=''][data-theatre]:not([hidden]) h3").all_inner_texts()
    assert len(charts) == 1
    return charts[0]


def background_share(page) -> float:
    """The share of the map's visible pixels, left of the claims panel, in the page's background (sea) colour."""
    from PIL import Image

    background = page.evaluate("getComputedStyle(map_geomap_0.getContainer()).backgroundColor")
    rgb = tuple(int(part) for part in re.findall(r"\d+", background)[:3])
    panel_left = page.evaluate("document.querySelector('.gm-panel').getBoundingClientRect().left")
    shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    pixels = shot.crop((0, 0, int(panel_left), shot.height)).get_flattened_data()
    return sum(1 for pixel in pixels if pixel == rgb) / len(pixels)


def claim_count(option: str) -> int:
    return int(re.search(r"\(([\d,]+) claims?\)$", option).group(1).replace(",", ""))


def choose_theatre(page, selector, word: str) -> tuple[float, float]:
    """Choose the theatre whose name holds ``word``; the map's centre (lat, lon) once it has moved there."""
    selector.select_option(label=next(name for name in selector.locator("option").all_inner_texts() if word in name))
    page.wait_for_timeout(500)
    return tuple(page.evaluate("[map_geomap_0.getCenter().lat, map_geomap_0.getCenter().lng]"))


@pytest.mark.browser
def test_a_map_of_several_wars_opens_on_one_theatre_and_switches_to_another(wars_map):
    with opened_map(wars_map) as (page, log):
        selector = page.locator(".gm-date select.gm-theatre")
        names = selector.locator("option").all_inner_texts()
        assert len(names) >= 3, names
        assert any("Ukraine" in name for name in names) and any("Palestinian" in name for name in names)
        assert any("Azerbaijan" in name for name in names)
        # It opens on the busiest theatre: its windows, its chart, its extent (not one view from Kyiv to Yangon).
        assert claim_count(names[0]) == max(claim_count(name) for name in names)
        assert names[0].split(" (")[0] in shown_theatre(page, selector.input_value())
        page.screenshot(path=str(artifacts_dir() / "theatres_first.png"))
        # This theatre (Karabakh) is far from any sea: land is painted over the whole map, none of it
        # shows the page's background (parts of the basemap once stayed unpainted there).
        assert background_share(page) < 0.005

        lat, lon = choose_theatre(page, selector, "Ukraine")
        assert 44 < lat < 56 and 25 < lon < 45, (lat, lon)
        assert "Ukraine" in shown_theatre(page, selector.input_value())

        lat, lon = choose_theatre(page, selector, "Palestinian")
        assert 29 < lat < 34 and 32 < lon < 37, (lat, lon)
        key = selector.input_value()
        assert "Palestinian" in shown_theatre(page, key)
        sections = page.eval_on_selector_all(".gm-panel section[data-window]:not([data-window='']):not([hidden])",
                                             "s => s.map(x => x.getAttribute('data-theatre'))")
        assert sections and set(sections) == {key}
        assert page.evaluate(LAND_AT_CENTER) > 0  # land under the theatre, not a blue background
        page.screenshot(path=str(artifacts_dir() / "theatres_gaza.png"))
        assert log.blocked == [] and log.errors == []


# Claim shapes (overlay pane, not the basemap or markers) on the map whose centre lies in a box.
CLAIMS_IN_BOX = """([south, west, north, east]) => {
  let found = 0;
  map_geomap_0.eachLayer(layer => {
    if (!layer.feature || !layer.getBounds || (layer.options.pane || "overlayPane") !== "overlayPane") { return; }
    const center = layer.getBounds().getCenter();
    if (center.lat > south && center.lat < north && center.lng > west && center.lng < east) { found += 1; }
  });
  return found;
}"""
GAZA_BOX = [29, 32, 34, 37]


@pytest.mark.browser
def test_a_theatre_not_shown_at_first_gets_its_claims_drawn_once_chosen_and_once_only(wars_map):
    with opened_map(wars_map) as (page, log):
        selector = page.locator(".gm-date select.gm-theatre")
        assert page.evaluate(CLAIMS_IN_BOX, GAZA_BOX) == 0  # the map opens on another theatre
        choose_theatre(page, selector, "Palestinian")
        drawn = page.evaluate(CLAIMS_IN_BOX, GAZA_BOX)
        assert drawn > 0
        # Away and back: the same shapes again, not a second copy of them.
        choose_theatre(page, selector, "Ukraine")
        assert page.evaluate(CLAIMS_IN_BOX, GAZA_BOX) == 0
        choose_theatre(page, selector, "Palestinian")
        assert page.evaluate(CLAIMS_IN_BOX, GAZA_BOX) == drawn
        assert log.blocked == [] and log.errors == []


def test_tooltips_and_popups_name_windows_as_the_date_control_does_not_by_theatre_key(wars_map):
    html = wars_map.read_text(encoding="utf-8")
    names = set(re.findall(r'<button type="button" data-window="[^"]+"[^>]*>([^<]+)</button>', html))
    names |= {re.sub(r" \([^()]*\)$", "", text)  # an option says the window's dates after its name
              for text in re.findall(r'<option value="[^"]+/[^"]+"[^>]*>([^<]+)</option>', html)}
    shown = re.findall(r'"t":"([^"]*)"', html) + re.findall(r'\["h","([^"]*)"\]', html)
    assert shown and "theatre-" in html  # the windows' keys are in the page, for the date control ...
    assert not [text for text in shown if "theatre-" in text]  # ... and in no text a reader sees
    headed = [text.rsplit(" · ", 1)[-1] for text in re.findall(r'\["h","([^"]* · [^"]*)"\]', html)]
    assert headed and all(window in names for window in headed if window != "undated"), set(headed) - names
