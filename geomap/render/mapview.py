"""Build the offline claims map and write it as one deterministic HTML file.

The map is a ``folium.Map`` without tiles and without folium's CDN links,
holding (bottom to top): the vector basemap (countries de jure with occupied
areas marked, admin-1 regions, place labels by zoom), reference, envelope and
claim layers (one per source and date window), and markers for the places the
articles name. Controls: a date control, a legend, the claims panel with its
chart, Leaflet's layer control and scale bar.

Element ids are ``<prefix>_<n>`` in tree order instead of folium's random ones,
so the same inputs give byte-identical HTML and two maps with different
prefixes can share one page.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Mapping
from typing import Any

import folium
import numpy as np
import shapely
from branca.element import Element, MacroElement
from folium.elements import ElementAddToElement

from ..atomic import write_text
from .aggregates import AGGREGATE_PANE, AGGREGATE_STYLE, AggregateSwitch, placed_in_regions, region_aggregates
from .budget import MapBudget, drawn_claims
from .chart import CHARTED_KINDS, claim_area_series, reference_series, thinned_chart_svg
from .elements import (
    BASEMAP_LINES_PANE, BASEMAP_PANE, MARKER_PANE, ClaimsPanel, DateControl, GeoJsonLayer, Legend, MapSetup,
    OfflineAssets, PlaceLabels, Verbatim,
)
from .escaping import check_identifier, layer_label
from .features import (
    BASEMAP_DECIMALS, COORDINATE_DECIMALS, admin1_features, admin1_occupation, claim_features, country_features,
    envelope_feature, mention_features, place_labels, reference_area_km2, reference_feature,
)
from .offline import check_tile_provider, drop_cdn_resources
from .panel import ChartView, claim_view, group_claims, panel_view, plural
from .theatres import keyed_by_theatre, theatre_of_window, windows_near
from geomap.dates import table_date
from geomap.view import (
    OUTLET_COLOURS_ABOVE, SOURCE_PALETTE, UNDATED, claim_records, date_windows, format_number, frame_records,
    in_wgs84, mention_records, outlet_color, place_status_records, reference_dates_for_windows, source_colors,
    source_names, source_outlets, source_records, theatres,
)
from .statuses import MARKER_STYLE as STATUS_MARKER_STYLE
from .statuses import legend_entries as status_legend_entries
from .statuses import status_features

DEFAULT_PREFIX = "geomap"

COUNTRY_STYLE = {"color": "#6e6e6e", "weight": 1.5, "fillColor": "#f3f0e8", "fillOpacity": 1}
OCCUPIED_STYLE = {"color": "#8b1a1a", "weight": 1.6, "dashArray": "5 4", "fillColor": "#ead5cf", "fillOpacity": 1}
OCCUPIED_HATCH = {"color": "#b5564f", "background": "#f1e2de"}
BORDER_STYLE = {"color": "#4a4a4a", "weight": 2.2, "fill": False, "fillOpacity": 0}
ADMIN1_STYLE = {"color": "#a39a8e", "weight": 0.7, "fillOpacity": 0}
ADMIN1_OCCUPIED_STYLE = {"color": "#8b1a1a", "weight": 1.6, "dashArray": "5 4", "fillColor": "#8b1a1a",
                         "fillOpacity": 0.6}
# Regions with a status but not wholly occupied: dashed outline, no hatch.
ADMIN1_PARTLY_STYLE = {"color": "#8b1a1a", "weight": 1.2, "dashArray": "2 4", "fillOpacity": 0}
ENVELOPE_STYLE = {"color": "#333333", "weight": 2, "dashArray": "8 5", "fill": False}
REFERENCE_STYLE = {"color": "#111111", "weight": 3, "fillColor": "#111111", "fillOpacity": 0.07}
MENTION_STYLE = {"radius": 5, "color": "#ffffff", "weight": 1.5, "fillColor": "#222222", "fillOpacity": 0.9}
# Thousands of places on a large map: small and see-through, so that the claims stay visible.
COMPACT_MENTION_STYLE = {"radius": 3, "color": "#ffffff", "weight": 0.5, "fillColor": "#222222", "fillOpacity": 0.6}
OTHER_DASHES = {"band": "6 3", "ring": "2 4", "line": None, "region": "10 4 2 4"}
BUFFER_FILL_OPACITY = 0.12
OTHER_FILL_OPACITY = 0.05

_GEOMAP_PREFIX_ATTRIBUTE = "geomap_prefix"


def build_map(claim_geoms, envelopes, mentions, sources, countries, admin1, places, reference=None,
              tiles: str | None = None, title: str = "geomap", prefix: str = DEFAULT_PREFIX,
              budget: MapBudget | None = None, place_statuses=None, claim_regions=None,
              theatre_list=None) -> folium.Map:
    """Build the claims map from the pipeline's tables.

    Parameters
    ----------
    claim_geoms : GeoDataFrame
        One row per claim geometry (EPSG:4326): ``claim_id, source, outlet,
        kind, value, unit, km2, share, km, qualifier, quote, start, end,
        as_of_start, as_of_end, as_of_text, place, window, role, radius_km,
        geometry_km2, derivation, flags, status, reason``; unmapped rows have
        no geometry and a ``reason``. Missing columns count as empty.
    envelopes : GeoDataFrame
        ``window, n_sources, geometry``: union of the buffers per window (may be empty).
    mentions : DataFrame
        Geoparsed mentions (``source, text, sentence, type, id, name, kind,
        lat, lon`` ...). Demonyms and rows without coordinates stay off the map.
    sources : list of dict
        ``{id, title, outlet, published, published_estimated, url}`` for every
        article read; those without claims are listed as "no claims found".
    countries, admin1, places : GeoDataFrame
        The vector basemap: countries (``code, name, occupied``), admin-1
        regions (``code, name, country, status``), populated places
        (``geonameid, name, population``, points).
    reference : GeoDataFrame, optional
        ``date, label, geometry``: a reference layer to compare claims with.
    tiles : str, optional
        An xyzservices provider name (e.g. ``"OpenStreetMap.Mapnik"``) to add
        online tiles as an extra layer. Off by default: the map then fetches nothing.
    title : str
        Page and panel title.
    prefix : str
        Start of every element id and JavaScript name of this map.
    budget : MapBudget, optional
        Limits for large corpora (see :mod:`geomap.render.budget`); small maps are
        drawn in full whatever the budget.
    place_statuses : DataFrame, optional
        What the articles say of each place (:data:`geomap.schema.PLACE_STATUS`):
        a marker per place and date window, styled by its latest status, the
        quotes in its popup (see :mod:`geomap.render.statuses`).
    claim_regions : GeoDataFrame, optional
        Admin-1 regions (``country``, ``country_name``, polygons) under the claims at full resolution, by
        which claims are grouped into theatres (:func:`geomap.view.theatres`); default
        ``admin1``. A map of several theatres opens on a theatre selector.
    theatre_list : list of geomap.view.Theatre, optional
        Those theatres if worked out already (the pipeline's basemap works them out for its extents).

    Returns
    -------
    folium.Map
        Render it with :func:`render_html` or :func:`write_html`.
    """
    check_identifier(prefix)
    budget = budget or MapBudget()
    sources_list = source_records(sources)
    claims = claim_records(claim_geoms)
    envelope_rows = frame_records(in_wgs84(envelopes), ("window", "n_sources"), geometry=True)
    reference_rows = frame_records(in_wgs84(reference), ("date", "label"), geometry=True)
    mention_rows = mention_records(mentions)
    country_rows = frame_records(in_wgs84(countries), ("code", "name", "occupied", "status"), geometry=True)
    admin1_rows = frame_records(in_wgs84(admin1), ("code", "name", "country", "status", "occupied"),
                                geometry=True)
    if admin1 is not None and "occupied" not in getattr(admin1, "columns", ()):
        for row in admin1_rows:
            del row["occupied"]  # let the status decide
    place_rows = frame_records(in_wgs84(places), ("geonameid", "name", "population"), geometry=True)

    colors = source_colors(sources_list, claims)
    names = source_names(sources_list, claims)
    source_order = {source["id"]: index for index, source in enumerate(sources_list)}
    # Several wars: each theatre gets its own windows, extent and chart; the map opens on the busiest.
    region_rows = (frame_records(in_wgs84(claim_regions), ("name", "country", "country_name"), geometry=True)
                   if claim_regions is not None else admin1_rows)
    country_names = {row["country"]: row.get("country_name") for row in region_rows if row.get("country_name")}
    country_names.update({row["code"]: row["name"] for row in country_rows})
    if theatre_list is None:
        theatre_list = theatres(claims, region_rows, country_names, mention_rows) if claims else []
    theatre_list = list(theatre_list)
    if len(theatre_list) > 1:
        claims, envelope_rows, windows = keyed_by_theatre(theatre_list, claims, envelope_rows)
    else:
        theatre_list = []
        windows = date_windows(claims, (row["window"] or UNDATED for row in envelope_rows))
    theatre_names = {theatre.key: theatre.name for theatre in theatre_list}
    first_theatre = theatre_list[0].key if theatre_list else ""

    claims_of_theatre: dict[str, list] = {}  # gathered once: the chart, the extent and the selector read them
    for claim in claims if theatre_list else ():
        claims_of_theatre.setdefault(theatre_of_window(claim["window"]), []).append(claim)

    def in_theatre(theatre: str) -> list:
        return claims_of_theatre.get(theatre, []) if theatre else claims

    def layer_title(window) -> str:
        theatre = theatre_of_window(window.label)
        return f"{theatre_names[theatre]} · {window.shown}" if theatre else window.shown

    def shown_first(key: str) -> bool:
        return theatre_of_window(key) == first_theatre

    grouped = group_claims(claims)
    compact = budget.compact(len(sources_list), len(grouped))
    trim = budget.view_trim if compact else 0.0
    bounds = _view_bounds(in_theatre(first_theatre), mention_rows, country_rows, trim=trim)
    folium_map = folium.Map(
        location=[(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2],
        zoom_start=7, tiles=None, control_scale=True,
        # Panes placed by left/top, not 3D transforms: Chromium without a GPU left parts of a transformed
        # pane unpainted (a theatre's land showed as background), and the page is ready sooner without them.
        disable_3d=True,
    )
    # The first view is set before any layer is added (its script comes first): set at the end, it made
    # Leaflet project and draw every shape twice, once at the starting zoom and again at the fitted one.
    # Room is left for the claims panel (top right) and the controls (left).
    folium_map.fit_bounds(bounds, padding_top_left=(60, 20), padding_bottom_right=(400, 20))
    drop_cdn_resources(folium_map)
    root = folium_map.get_root()
    root.title = str(layer_label(title))  # the <title> is not escaped by branca
    folium_map.add_child(OfflineAssets(), name="geomap_offline_assets")
    folium_map.add_child(MapSetup(folium_map))
    if compact:
        folium_map.add_child(AggregateSwitch(folium_map, budget.aggregate_below_zoom))

    if tiles:
        check_tile_provider(tiles)
        folium.TileLayer(tiles=tiles, name=layer_label(f"Online tiles: {tiles}"), overlay=False,
                         control=True, show=True).add_to(folium_map)
    drawn = drawn_claims(grouped, budget)
    drawn_rows = [c for c in claims if c["claim_id"] in drawn and c["status"] == "mapped" and c["geometry"] is not None]
    # Canvas draws thousands of shapes in one element; SVG (one node per shape) keeps small maps as they were.
    canvas_map = folium_map if len(drawn_rows) + len(mention_rows) > budget.canvas_above_features else None
    _add_basemap(folium_map, country_rows, admin1_rows, place_rows, with_tiles=bool(tiles), canvas_map=canvas_map)

    views = {claim_id: claim_view(grouped[claim_id]) for claim_id in drawn}  # the popups of the claims drawn
    # Popups and tooltips name a window as the date control does (a theatre's window key is not for reading).
    window_names = {window.label: window.shown for window in windows}
    thin = budget.simplify_ratio if compact else None
    decimals = budget.compact_decimals if compact else COORDINATE_DECIMALS
    layers_by_window: dict[str, list[Element]] = {window.label: [] for window in windows}
    all_controlled: list[Element] = []

    # Reference first so that claims are drawn over it.
    reference_groups = _add_reference(folium_map, reference_rows)
    chosen = reference_dates_for_windows(windows, [day for day in reference_groups if day is not None])
    for label, day in chosen.items():
        layers_by_window[label].append(reference_groups[day])
    all_controlled += reference_groups.values()

    # A compact map's window layers are switched by the date control only: Leaflet's layers control, which
    # lists each of its layers by a linear search, spent a second of a 300-article page's opening on them.
    listed = not compact
    # A compact map's claims and envelopes (Leaflet's overlay pane) are hidden further out than this zoom, where
    # the regions' summaries stand for them: they are made once the map is zoomed in (a second of a 10,000-article
    # page's opening went on making and drawing shapes nobody could see).
    near = budget.aggregate_below_zoom if compact and canvas_map is not None else None

    def add_window_layer(label: str, title: str, layer: Any) -> None:
        """One switchable layer of a window: its group, shown if the window is, listed unless compact."""
        group = _group(folium_map, title, show=shown_first(label), control=listed)
        group.add_child(layer)
        layers_by_window[label].append(group)
        all_controlled.append(group)

    for row in envelope_rows:
        made = envelope_feature(row, simplify_ratio=thin, ndigits=decimals,
                                window_name=window_names.get(row["window"] or UNDATED))
        if not made:
            continue
        label = row["window"] or UNDATED
        n_sources = row.get("n_sources")
        count = f" ({format_number(n_sources)} source{'' if n_sources == 1 else 's'})" if n_sources is not None else ""
        shown = next((layer_title(window) for window in windows if window.label == label), label)
        add_window_layer(label, f"Envelope · {shown}{count}",
                         GeoJsonLayer([made], ENVELOPE_STYLE, canvas_map=canvas_map, decimals=decimals,
                                      built_from_zoom=near))

    buffers: dict[tuple[str, str], list] = {}
    others: dict[str, list] = {}
    for row in drawn_rows:
        if row["role"] in (None, "buffer"):
            buffers.setdefault((row["window"], row["source"]), []).append(row)
        else:
            others.setdefault(row["window"], []).append(row)
    per_source_layers = len(colors) <= budget.max_source_layers
    # A compact map's aggregates per window: grouped once (a scan of every claim per window grew as their product).
    mapped_by_window: dict[str, list] = {}
    mapped = [row for row in claims if compact and row["status"] == "mapped" and row["geometry"] is not None]
    for row, placed in zip(mapped, placed_in_regions(mapped, region_rows)):  # every window's regions at once
        mapped_by_window.setdefault(row["window"], []).append((row, placed))
    for window in windows:
        window_rows = []
        for source_id in colors:
            rows = buffers.get((window.label, source_id), [])
            if not per_source_layers:
                window_rows += rows
                continue
            made = claim_features(rows, names, views, simplify_ratio=thin, ndigits=decimals, as_blocks=compact,
                                  window_names=window_names)
            if not made:
                continue
            color = colors[source_id]
            add_window_layer(window.label, f"{names[source_id]} · {layer_title(window)}",
                             GeoJsonLayer(made, {"color": color, "weight": 2, "fillColor": color,
                                                 "fillOpacity": BUFFER_FILL_OPACITY}, canvas_map=canvas_map,
                                          decimals=decimals, built_from_zoom=near))
        if window_rows:
            made = claim_features(window_rows, names, views, style_for_row=lambda row: _source_style(row, colors),
                                  simplify_ratio=thin, ndigits=decimals, as_blocks=compact, window_names=window_names)
            n_sources = len({row["source"] for row in window_rows})
            add_window_layer(window.label, f"Claims · {layer_title(window)} ({plural(n_sources, 'source')})",
                             GeoJsonLayer(made, {"weight": 2, "fillOpacity": BUFFER_FILL_OPACITY},
                                          canvas_map=canvas_map, decimals=decimals, built_from_zoom=near))
        if window.label in mapped_by_window:
            mapped_rows, placed = zip(*mapped_by_window[window.label])
            # Named by the window alone: the theatre selector names the theatre (thousands of tooltips).
            add_window_layer(window.label, f"Claims per region · {layer_title(window)}",
                             GeoJsonLayer(region_aggregates(mapped_rows, region_rows, window.shown, decimals, placed),
                                          AGGREGATE_STYLE, pane=AGGREGATE_PANE, canvas_map=canvas_map,
                                          decimals=decimals))
        made = claim_features(others.get(window.label, []), names, views,
                              style_for_row=lambda row: _other_style(row, colors), simplify_ratio=thin,
                              ndigits=decimals, as_blocks=compact, window_names=window_names)
        if made:
            add_window_layer(window.label, f"Other claim geometries · {layer_title(window)}",
                             GeoJsonLayer(made, {"weight": 2, "fillOpacity": OTHER_FILL_OPACITY},
                                          canvas_map=canvas_map, decimals=decimals, built_from_zoom=near))

    status_rows = place_status_records(place_statuses)
    if compact:  # only the places the drawn shapes are anchored on, and at most so many markers
        anchors = {str(row["place"]) for row in drawn_rows if row.get("place")}
        status_rows = [row for row in status_rows if str(row.get("place")) in anchors]
    country_names = {row["code"]: row["name"] for row in country_rows if row.get("code")}
    status_rows = [row for row in status_rows if row.get("lon") is not None and row.get("lat") is not None]
    own_windows = windows_near([shapely.Point(float(row["lon"]), float(row["lat"])) for row in status_rows],
                               drawn_rows, windows)
    by_window = status_features(status_rows, windows, {s["id"]: names.get(s["id"], s["id"]) for s in sources_list},
                                country_names, max_quotes=budget.max_sentences_per_place if compact else None,
                                own_windows=own_windows)
    room = budget.max_status_markers if compact else None
    for window in windows:
        made = by_window.get(window.label)
        if room is not None:
            made, room = (made or [])[:room], room - len((made or [])[:room])
        if not made:
            continue
        # On a compact map the layer control would list a hundred more groups, and Leaflet rebuilds that list
        # whenever the date control adds or removes one of them: these stay out of it there.
        group = _group(folium_map, f"Place statuses · {window.label}", control=not compact)
        group.add_child(GeoJsonLayer(made, STATUS_MARKER_STYLE, pane=MARKER_PANE, canvas_map=canvas_map))
        layers_by_window[window.label].append(group)
        all_controlled.append(group)

    markers = mention_features(mention_rows, claims, names, source_order,
                               max_sentences=budget.max_sentences_per_place if compact else None,
                               max_claims=budget.max_claims_per_place if compact else None, ndigits=decimals,
                               as_blocks=compact, window_names=window_names)
    if markers:
        group = _group(folium_map, "Places named in the articles")
        group.add_child(GeoJsonLayer(markers, COMPACT_MENTION_STYLE if compact else MENTION_STYLE, pane=MARKER_PANE,
                                     canvas_map=canvas_map, decimals=decimals))

    reference_line = reference_series([
        (day, reference_area_km2([r["geometry"] for r in reference_rows if table_date(r["date"]) == day]),
         ", ".join(dict.fromkeys(str(r["label"]) for r in reference_rows
                                 if table_date(r["date"]) == day and r["label"])))
        for day in reference_groups if day is not None
    ])
    reference_box = _total_bounds([r["geometry"] for r in reference_rows]) if reference_line else None
    charts = [_chart_view(in_theatre(key), windows, colors, names,
                          reference_line if _overlaps(reference_box, in_theatre(key)) else None, budget, key,
                          theatre_names.get(key, ""))
              for key in (theatre_names or [""])]
    view = panel_view(title, sources_list, claims, windows, colors, names, charts[0].svg, charts[0].note,
                      budget=budget if compact else None, drawn=drawn)
    if theatre_list:
        view.charts, view.theatre = charts, first_theatre
        for window_view in view.windows:
            window_view.theatre = theatre_of_window(window_view.label)
    panel = ClaimsPanel(folium_map, view)
    theatre_choices = [
        {"key": theatre.key, "name": theatre.name, "claims": plural(len(theatre.claim_ids), "claim"),
         "bounds": _view_bounds(in_theatre(theatre.key), [], [], trim=trim)}
        for theatre in theatre_list
    ]
    date_control = DateControl(
        folium_map, [{"label": w.label, "name": w.shown, "title": w.range_text or "no date",
                      "theatre": theatre_of_window(w.label)} for w in windows],
        layers_by_window, controlled=all_controlled, panel=panel,
        as_list=max([sum(1 for w in windows if theatre_of_window(w.label) == key) for key in theatre_names] or
                    [len(windows)]) > budget.max_window_buttons,
        open_sections=compact, theatres=theatre_choices, theatre=first_theatre,
    )
    folium_map.add_child(date_control)
    occupation = {admin1_occupation(r) for r in admin1_rows}
    if any(c["occupied"] for c in country_rows):
        occupation.add("occupied")
    by_outlet = len(colors) > OUTLET_COLOURS_ABOVE
    folium_map.add_child(Legend(folium_map, _legend_entries({} if by_outlet else colors, names, claims, envelope_rows,
                                                            reference_rows, bool(markers), occupation,
                                                            max_sources=budget.max_legend_sources)
                                + status_legend_entries([r for r in status_rows if by_window]),
                                outlets=_outlet_entries(sources_list, claims, colors) if by_outlet else ()))
    folium_map.add_child(panel)
    date_control.layer_control = folium.LayerControl(position="topleft", collapsed=True).add_to(folium_map)

    setattr(folium_map, _GEOMAP_PREFIX_ATTRIBUTE, prefix)
    assign_ids(folium_map, prefix)
    return folium_map


def _group(folium_map: folium.Map, name: str, show: bool = True, control: bool = True) -> folium.FeatureGroup:
    return LayerGroup(name=layer_label(name), show=show, control=control).add_to(folium_map)


class LayerGroup(folium.FeatureGroup):
    """folium's FeatureGroup, its script written into the page as text.

    branca hands each macro's output to a new ``Element``, which compiles it as a template
    before writing it (and folium's "add to the map" statement too): a large map has a
    thousand groups and is rendered twice (page and fragment). The text is what that
    template would write: the same, but for one final newline (jinja drops it).
    """

    def render(self, **kwargs) -> None:
        if self.includes:  # options set for every FeatureGroup with folium's include(): folium writes them
            super().render(**kwargs)
            return
        if self.show:
            self.add_child(_AddTo(self.get_name(), self._parent.get_name()), name=self.get_name() + "_add")
        _render_as_text(self, kwargs)


class _AddTo(ElementAddToElement):
    """folium's statement adding a group to the map, written as text (see :class:`LayerGroup`)."""

    def render(self, **kwargs) -> None:
        _render_as_text(self, kwargs)


def _render_as_text(element: MacroElement, kwargs: dict) -> None:
    """What branca's ``MacroElement.render`` does, without compiling each macro's output again."""
    figure = element.get_root()
    module = element._template.module
    for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
        macro = module.__dict__.get(part)
        if macro is None:
            continue
        text = str(macro(element, kwargs))
        if any(mark in text for mark in ("{{", "{%", "{#", "\r")):  # jinja would read these: as branca does
            made: Element = Element(text)
        else:
            made = Verbatim(text[:-1] if text.endswith("\n") else text)
        target.add_child(made, name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)


def _chart_view(claims, windows, colors, names, reference_line, budget: MapBudget, theatre: str,
                theatre_name: str) -> ChartView:
    """The area chart of ``claims`` (one theatre's, or all), with what it leaves out said in a note."""
    series, undated = claim_area_series(claims, windows, colors, names)
    chart, charted_note = thinned_chart_svg(series + ([reference_line] if reference_line else []),
                                            budget.max_chart_series, budget.max_chart_points)
    notes = [charted_note] if charted_note else []
    if undated:
        notes.append(f"{undated} area claim{'s' if undated != 1 else ''} without a date not charted")
    return ChartView(theatre, theatre_name, chart, "; ".join(notes))


def _source_style(row: Mapping[str, Any], colors: Mapping[str, str]) -> dict[str, Any]:
    color = colors.get(row["source"], "#555555")
    return {"color": color, "fillColor": color}


def _other_style(row: Mapping[str, Any], colors: Mapping[str, str]) -> dict[str, Any]:
    color = colors.get(row["source"], "#555555")
    style: dict[str, Any] = {"color": color, "fillColor": color}
    dash = OTHER_DASHES.get(row.get("role") or "")
    if dash:
        style["dashArray"] = dash
    if row.get("role") == "line":
        style["weight"] = 3
    return style


def _add_basemap(folium_map: folium.Map, countries, admin1, places, with_tiles: bool,
                 canvas_map: folium.Map | None = None) -> None:
    """The basemap's layers; with ``canvas_map`` (a large map), the outlines not hatched (admin-1 regions, the
    borders over them) are drawn on a canvas in a pane of their own over the basemap's: thousands of regions
    as SVG elements took a good part of a large page's opening. The hatched (occupied) areas stay SVG."""
    fill = 0.25 if with_tiles else 1.0
    lines = BASEMAP_LINES_PANE if canvas_map is not None else BASEMAP_PANE
    group = _group(folium_map, "Countries (de jure borders)")
    country_layer = GeoJsonLayer(country_features(countries, occupied=False),
                                 {**COUNTRY_STYLE, "fillOpacity": fill}, pane=BASEMAP_PANE, decimals=BASEMAP_DECIMALS)
    group.add_child(country_layer)
    occupied = country_features(countries, occupied=True)
    if occupied:
        group.add_child(GeoJsonLayer(occupied, {**OCCUPIED_STYLE, "fillOpacity": fill}, pane=BASEMAP_PANE,
                                     hatch=OCCUPIED_HATCH))
    regions = admin1_features(admin1, "none")
    partly = admin1_features(admin1, "partly")
    occupied_regions = admin1_features(admin1, "occupied")
    if regions or partly or occupied_regions:
        group = _group(folium_map, "Admin-1 regions")
        if regions:
            group.add_child(GeoJsonLayer(regions, ADMIN1_STYLE, pane=lines, canvas_map=canvas_map,
                                         decimals=BASEMAP_DECIMALS))
        if partly:
            group.add_child(GeoJsonLayer(partly, ADMIN1_PARTLY_STYLE, pane=lines, canvas_map=canvas_map,
                                         decimals=BASEMAP_DECIMALS))
        if occupied_regions:
            group.add_child(GeoJsonLayer(occupied_regions, ADMIN1_OCCUPIED_STYLE, pane=BASEMAP_PANE,
                                         hatch=OCCUPIED_HATCH))
    # International borders again on top, so that region outlines do not hide them.
    if country_layer.collection["features"]:
        group = _group(folium_map, "International borders (de jure)")
        group.add_child(GeoJsonLayer([], BORDER_STYLE, pane=lines, data_of=country_layer, canvas_map=canvas_map))
    labels = place_labels(places)
    if labels:
        group = _group(folium_map, "Place names")
        group.add_child(PlaceLabels(folium_map, labels))


def _add_reference(folium_map: folium.Map, reference_rows) -> dict:
    """One layer per reference date (undated reference rows share one layer)."""
    by_day: dict = {}
    for row in reference_rows:
        by_day.setdefault(table_date(row["date"]), []).append(row)
    groups = {}
    for day in sorted(by_day, key=lambda d: (d is None, d)):
        day_text = day.isoformat() if day else "undated"
        made = [f for f in (reference_feature(row, day_text) for row in by_day[day]) if f]
        if not made:
            continue
        labels = ", ".join(dict.fromkeys(str(row["label"]) for row in by_day[day] if row["label"]))
        group = _group(folium_map, f"Reference · {day_text}" + (f" · {labels}" if labels else ""))
        group.add_child(GeoJsonLayer(made, REFERENCE_STYLE))
        groups[day] = group
    return groups


def _legend_entries(colors, names, claims, envelopes, reference, has_markers, occupation,
                    max_sources: int | None = None) -> list[dict[str, Any]]:
    entries = []
    shown = list(colors.items())[:max_sources] if max_sources is not None else list(colors.items())
    for source_id, color in shown:
        entries.append({"key": f"source:{source_id}", "label": names.get(source_id, source_id), "symbol": "fill",
                        "color": color, "fill": color, "fill_opacity": 0.25, "dash": None})
    if len(shown) < len(colors):
        entries.append({"key": "sources:more", "label": f"and {plural(len(colors) - len(shown), 'more source')} "
                        f"(the {len(SOURCE_PALETTE)} colours repeat)", "symbol": "none", "color": "none",
                        "fill": "none", "fill_opacity": 0, "dash": None})
    roles = list(dict.fromkeys(c["role"] for c in claims if c["role"] not in (None, "buffer")
                               and c["status"] == "mapped"))
    for role in roles:
        entries.append({"key": f"role:{role}", "label": f"claimed {role} (source colour)", "symbol": "line",
                        "color": "#555555", "fill": "none", "fill_opacity": 0, "dash": OTHER_DASHES.get(role)})
    if envelopes:
        entries.append({"key": "envelope", "label": "envelope: union of the claims per window", "symbol": "line",
                        "color": ENVELOPE_STYLE["color"], "fill": "none", "fill_opacity": 0,
                        "dash": ENVELOPE_STYLE["dashArray"]})
    if reference:
        entries.append({"key": "reference", "label": "reference", "symbol": "fill",
                        "color": REFERENCE_STYLE["color"], "fill": REFERENCE_STYLE["fillColor"],
                        "fill_opacity": 0.15, "dash": None})
    if has_markers:
        entries.append({"key": "mentions", "label": "place named in an article", "symbol": "marker",
                        "color": MENTION_STYLE["color"], "fill": MENTION_STYLE["fillColor"], "fill_opacity": 1,
                        "dash": None})
    if "partly" in occupation:
        entries.append({"key": "partly_occupied", "label": "region partly occupied (see tooltip)", "symbol": "line",
                        "color": ADMIN1_PARTLY_STYLE["color"], "fill": "none", "fill_opacity": 0,
                        "dash": ADMIN1_PARTLY_STYLE["dashArray"]})
    if "occupied" in occupation:
        entries.append({"key": "occupied", "label": "occupied area (de jure borders shown)", "symbol": "hatch",
                        "color": OCCUPIED_STYLE["color"], "fill": OCCUPIED_HATCH["background"],
                        "hatch": OCCUPIED_HATCH["color"], "fill_opacity": 1, "dash": OCCUPIED_STYLE["dashArray"]})
    return entries


def _outlet_entries(sources, claims, colors) -> list[dict[str, Any]]:
    """One legend row per outlet with claims (its colour, how many of its articles have claims), busiest first."""
    outlets = source_outlets(sources, claims)
    counts: dict[str, int] = {}
    for source_id in colors:
        counts[outlets[source_id]] = counts.get(outlets[source_id], 0) + 1
    return [{"key": f"outlet:{outlet}", "label": outlet, "count": plural(count, "article"), "symbol": "fill",
             "color": outlet_color(outlet), "fill": outlet_color(outlet), "fill_opacity": 0.25, "dash": None}
            for outlet, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def _view_bounds(claims, mentions, countries, trim: float = 0.0) -> list[list[float]]:
    """[[south, west], [north, east]] of the claimed areas (else all claim geometries, the mentions, the countries).

    Buffers come first: a region-share claim ("a fifth of Ukraine") would otherwise
    zoom the map out from the salient the sources argue about. With ``trim`` (a
    large corpus), shapes centred outside the [trim, 1 - trim] quantiles are left
    out, so that a few claims far away do not zoom the view out to the world.
    """
    shapes = [c["geometry"] for c in claims if c["geometry"] is not None and c.get("role") == "buffer"
              and c.get("kind") in CHARTED_KINDS]
    shapes = shapes or [c["geometry"] for c in claims if c["geometry"] is not None and c.get("role") == "buffer"]
    shapes = shapes or [c["geometry"] for c in claims if c["geometry"] is not None]
    if shapes:
        west, south, east, north = _total_bounds(_core(shapes, trim))
    elif mentions:
        lats = [m["lat"] for m in mentions]
        lons = [m["lon"] for m in mentions]
        south, west, north, east = min(lats), min(lons), max(lats), max(lons)
    elif countries:
        west, south, east, north = _total_bounds([c["geometry"] for c in countries if c["geometry"] is not None])
    else:
        south, west, north, east = 44.0, 22.0, 53.0, 41.0  # Ukraine and its neighbours
    pad_lat = max(0.2, (north - south) * 0.15)
    pad_lon = max(0.3, (east - west) * 0.15)
    return [[round(south - pad_lat, 5), round(west - pad_lon, 5)],
            [round(north + pad_lat, 5), round(east + pad_lon, 5)]]


def _core(shapes, trim: float) -> list:
    """The shapes whose centres lie within the [trim, 1 - trim] quantiles of all centres, in both directions."""
    if trim <= 0 or len(shapes) < 1 / trim:
        return list(shapes)
    boxes = np.array([shape.bounds for shape in shapes])
    x, y = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
    (x_low, x_high), (y_low, y_high) = np.quantile(x, [trim, 1 - trim]), np.quantile(y, [trim, 1 - trim])
    inside = (x >= x_low) & (x <= x_high) & (y >= y_low) & (y <= y_high)
    return [shape for shape, keep in zip(shapes, inside) if keep] or list(shapes)


def _overlaps(box, claims) -> bool:
    """Whether the bounding box ``box`` (west, south, east, north) overlaps that of the claims' shapes."""
    shapes = [claim["geometry"] for claim in claims if claim["geometry"] is not None]
    if box is None or not shapes:
        return box is not None
    west, south, east, north = _total_bounds(shapes)
    return box[0] <= east and west <= box[2] and box[1] <= north and south <= box[3]


def _total_bounds(shapes) -> tuple[float, float, float, float]:
    boxes = [shape.bounds for shape in shapes]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


# --- deterministic ids and output -------------------------------------------

def _walk(element: Element):
    yield element
    for part in ("header", "html", "script"):
        sub = getattr(element, part, None)
        if isinstance(sub, Element) and sub is not element:
            yield from _walk(sub)
    for child in list(element._children.values()):
        yield from _walk(child)


def assign_ids(folium_map: Element, prefix: str) -> None:
    """Give every element under ``folium_map`` the id ``<prefix>_<n>`` in tree order.

    folium and branca draw random ids (``uuid``/``urandom``) that end up in
    variable names and element ids. Elements that already carry an id of this
    prefix keep it, so calling this again (e.g. before each render) only names
    elements added since, and keys under which parents hold their children are
    renamed along.
    """
    check_identifier(prefix)
    pattern = re.compile(rf"^{re.escape(prefix)}_(\d+)$")
    elements = list(_walk(folium_map))
    taken = [int(match.group(1)) for e in elements if (match := pattern.match(str(e._id)))]
    number = max(taken, default=-1) + 1
    for element in elements:
        if pattern.match(str(element._id)):
            continue
        old_name = element.get_name()
        element._id = f"{prefix}_{number}"
        number += 1
        parent = element._parent
        if parent is not None and parent._children.get(old_name) is element:
            parent._children = type(parent._children)(
                (element.get_name() if key == old_name else key, child) for key, child in parent._children.items()
            )


def rename(folium_map: folium.Map, prefix: str) -> None:
    """Give the map and its elements the ids ``<prefix>_<n>``, as if :func:`build_map` had been given ``prefix``.

    A build writes its map twice, as the page and as a fragment with its own
    prefix: one map renamed between the two renders costs far less than a
    second map made from the tables (rendering leaves the map as it was).
    """
    setattr(folium_map, _GEOMAP_PREFIX_ATTRIBUTE, prefix)
    assign_ids(folium_map, prefix)


@contextlib.contextmanager
def left_as_it_was(folium_map: Element) -> Iterator[None]:
    """Undo, on leaving, what rendering adds to the page of ``folium_map`` and to its elements.

    Rendering adds each element's output to the page's head/body/script under
    its name, and folium adds an "addTo" child to each layer, named by a fresh
    random id each time. Restoring every element's children afterwards keeps a
    second render identical to the first, and lets one map be rendered as the
    page and then, renamed (:func:`rename`), as the fragment.
    """
    elements = list(_walk(folium_map.get_root()))
    saved = [element._children.copy() for element in elements]
    try:
        yield
    finally:
        for element, children in zip(elements, saved):
            element._children = children


def render_html(folium_map: folium.Map) -> str:
    """The whole page as HTML; the same map (and inputs) always give the same text."""
    prefix = getattr(folium_map, _GEOMAP_PREFIX_ATTRIBUTE, DEFAULT_PREFIX)
    assign_ids(folium_map, prefix)
    with left_as_it_was(folium_map):
        return folium_map.get_root().render()


def write_html(folium_map: folium.Map, path: str | os.PathLike[str]) -> None:
    """Write the page to ``path`` via a temporary file in the same folder and ``os.replace``."""
    write_text(path, render_html(folium_map))


__all__ = ["build_map", "render_html", "write_html", "assign_ids", "DEFAULT_PREFIX"]
