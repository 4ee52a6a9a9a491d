"""The HTML fragment and the notebook display, read as a report page would read them."""

from __future__ import annotations

import html
import re

import pytest

from geomap.export import NotebookMap, enable_notebook_display, fragment_html, notebook_html, write_fragment
from geomap.export.fragment import GEOMAP_STYLE_ID, LEAFLET_STYLE_ID, css_length
from geomap.render import fetchable_urls, render_html

from ..html_structure import parse
from .conftest import build_test_map


@pytest.fixture(scope="module")
def maps(tables):
    return build_test_map(tables, "north"), build_test_map(tables, "south")


def test_fragment_is_one_div_without_page_elements(maps):
    fragment = fragment_html(maps[0])
    structure = parse(fragment)
    assert structure.top_level == ["div"]
    assert structure._depth == 0  # every element is closed
    assert not {"html", "head", "body", "title", "meta"} & set(structure.html_tags)
    assert structure.ids[0] == "north_fragment"
    assert all(element_id.startswith(("north_", "map_north_", "geo_json_layer_north_", "date_control_north_",
                                      "legend_north_", "claims_panel_north_")) for element_id in structure.ids), \
        structure.ids
    # folium's page-wide rule would restyle the report page itself.
    assert not re.search(r"html,\s*body\s*\{", fragment)


def test_two_fragments_on_one_page_share_no_ids(maps):
    page = fragment_html(maps[0]) + "<p>between the maps</p>" + fragment_html(maps[1])
    ids = parse(page).ids
    assert len(ids) > 6
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_leaflet_and_stylesheets_are_guarded_to_load_once(maps):
    scripts = parse(fragment_html(maps[0])).scripts
    leaflet = [s for s in scripts if "Leaflet 1.9.4" in s]
    assert len(leaflet) == 1
    assert leaflet[0].lstrip().startswith('if (typeof window.L === "undefined") {')
    loader = next(s for s in scripts if LEAFLET_STYLE_ID in s)
    assert GEOMAP_STYLE_ID in loader and "document.getElementById(sheet[0])" in loader
    # The map's own script runs inside a function (given the fragment's own <div>): no global names of its own.
    assert scripts[-1].lstrip().startswith("(function (fragment) {")
    assert scripts[-1].rstrip().endswith('document.getElementById("north_fragment"));')


def test_fragment_fetches_nothing_and_is_deterministic(maps):
    first = fragment_html(maps[0])
    assert fetchable_urls(first) == []
    page_before = render_html(maps[0])
    assert fragment_html(maps[0]) == first
    assert render_html(maps[0]) == page_before  # making a fragment leaves the map as it was


def test_fragment_box_size_and_bad_sizes(maps):
    fragment = fragment_html(maps[0], height=420, width="80%")
    assert 'style="position:relative;width:80%;height:420px;"' in fragment
    for bad in ("600px;background:url(http://x)", "tall", "-5px", ""):
        with pytest.raises(ValueError):
            css_length(bad)


def test_write_fragment_writes_the_fragment(maps, tmp_path):
    target = tmp_path / "report" / "map.html"
    write_fragment(maps[1], target, height="500px")
    assert target.read_text(encoding="utf-8") == fragment_html(maps[1], height="500px")
    assert [p.name for p in target.parent.iterdir()] == ["map.html"]


def test_notebook_display_is_the_offline_page_in_a_sandboxed_iframe(maps):
    shown = NotebookMap(maps[0], height=450)._repr_html_()
    assert shown == notebook_html(maps[0], height=450)
    structure = parse(shown)
    assert structure.top_level == ["iframe"]
    attributes = structure.attributes[0][1]
    assert attributes["sandbox"] == "allow-scripts allow-popups allow-popups-to-escape-sandbox"
    assert "height:450px" in attributes["style"]
    page = attributes["srcdoc"]  # html.parser has already unescaped it
    assert page == render_html(maps[0])
    assert fetchable_urls(page) == []
    assert html.escape(page, quote=True) in shown


def test_a_map_made_to_show_itself_stays_unchanged_by_being_shown(tables):
    folium_map = build_test_map(tables, "shown")
    before = render_html(folium_map)
    assert enable_notebook_display(folium_map, height=300) is folium_map
    shown = folium_map._repr_html_()
    assert shown == notebook_html(folium_map, height=300) == folium_map._repr_html_()
    assert render_html(folium_map) == before
