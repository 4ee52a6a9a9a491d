"""The map's own elements: branca ``MacroElement`` subclasses with jinja templates.

Each element keeps its data as attributes and renders it through a template in
``geomap/render/assets/`` (autoescaped HTML; JSON in scripts goes through
``script_json``). Like folium's elements, a template defines up to three macros,
``header``, ``html`` and ``script``, whose output lands in the page's
``<head>``, ``<body>`` and final ``<script>``.

One difference from branca: branca wraps each macro's output in a new
``Element``, which parses that output *again* as a jinja template, so a quote
containing ``{{`` would be evaluated. :class:`TemplateElement` hands the output
over as :class:`Verbatim` text instead.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import jinja2
from markupsafe import Markup
from branca.element import Element, Figure, MacroElement

from .escaping import script_json
from .offline import LeafletAssets, leaflet_assets
from .packing import pack_collection

# Decimals of the coordinates of claims, envelopes and markers (about 1 m); large maps keep fewer.
COORDINATE_DECIMALS = 5

ATTRIBUTION = "GeoNames (CC BY 4.0), Natural Earth (public domain), © OpenStreetMap contributors (borders, ODbL)"

# Leaflet panes (z-index): tiles 200 < basemap < claims (overlayPane, 400)
# < place labels < article markers < Leaflet's markers/tooltips/popups (600+).
BASEMAP_PANE = "geomapBasemap"
# Over the basemap's SVG (Leaflet stacks a pane's SVG above its canvas): the outlines a large map draws on a canvas.
BASEMAP_LINES_PANE = "geomapBasemapLines"
LABEL_PANE = "geomapLabels"
MARKER_PANE = "geomapMarkers"
PANES = ((BASEMAP_PANE, 350, True), (BASEMAP_LINES_PANE, 360, True), (LABEL_PANE, 450, False), (MARKER_PANE, 500, True))


@functools.cache
def template_environment() -> jinja2.Environment:
    """The jinja environment for geomap's templates (autoescaping, strict)."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("geomap.render", "assets"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["script_json"] = script_json
    return environment


def render_template(name: str, **context: Any) -> str:
    """Render one of geomap's templates to a string (used for popup HTML)."""
    return template_environment().get_template(name).render(**context)


class Verbatim(Element):
    """Text that is written into the page as it is, never parsed as a template."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "Verbatim"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class TemplateElement(MacroElement):
    """A ``MacroElement`` whose template is a file in ``geomap/render/assets``.

    Subclasses set ``template_name`` and ``element_name``. Macros receive the
    element as ``this``.
    """

    template_name: ClassVar[str]
    element_name: ClassVar[str]
    # Parts keyed by a fixed name are written once per page even when two maps
    # share it (the Leaflet library, the stylesheet).
    shared_part_keys: ClassVar[Mapping[str, str]] = {}

    def __init__(self) -> None:
        super().__init__()
        self._name = self.element_name
        self._template = template_environment().get_template(self.template_name)

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise ValueError(f"{self.element_name} must be added to a map before it is rendered")
        module = self._template.module
        # "shared_script": code that several elements call, written once per page (under a fixed key).
        for part, target in (("header", figure.header), ("html", figure.html), ("shared_script", figure.script),
                             ("script", figure.script)):
            macro = getattr(module, part, None)
            if macro is not None:
                text = str(macro(self, kwargs))
                if not text.strip():
                    continue  # a macro with nothing to say this time (e.g. a small layer's body part)
                key = self.shared_part_keys.get(part, self.get_name())
                target.add_child(Verbatim(text), name=key)
        for child in self._children.values():
            child.render(**kwargs)


class OfflineAssets(TemplateElement):
    """Leaflet's JS and CSS and geomap's stylesheet, inlined into ``<head>``."""

    template_name = "offline_assets.html"
    element_name = "OfflineAssets"
    shared_part_keys = {"header": "geomap_offline_assets"}

    def __init__(self, assets: LeafletAssets | None = None):
        super().__init__()
        self.assets = assets if assets is not None else leaflet_assets()

    @property
    def leaflet_js(self) -> Markup:
        # Checked by offline.script_safe_code: no '</script' inside.
        return Markup(self.assets.js)

    @property
    def leaflet_css(self) -> Markup:
        return Markup(self.assets.css)


class MapSetup(TemplateElement):
    """Panes for the basemap, labels and markers; the attribution line."""

    template_name = "map_setup.js"
    element_name = "MapSetup"

    def __init__(self, folium_map: Element, attribution: str = ATTRIBUTION):
        super().__init__()
        self.folium_map = folium_map
        self.attribution = attribution
        self.panes = [{"name": name, "z": z, "interactive": interactive} for name, z, interactive in PANES]


class GeoJsonLayer(TemplateElement):
    """GeoJSON features drawn with one base style, tooltips and popups.

    Each feature's ``properties`` may carry ``t`` (tooltip, plain text, shown
    with ``textContent``), ``p`` (popup, HTML already escaped by a template),
    ``q`` (popup as text blocks, see :func:`geomap.render.features.popup_blocks`),
    ``s`` (style overrides) and ``r`` (circle marker radius for points). The
    layer is added to its parent (a ``folium.FeatureGroup``). With ``hatch``
    the polygons are filled with diagonal lines (an SVG pattern in the page).
    With ``canvas_map`` (the folium map) the shapes are drawn on one canvas per
    pane, shared by every such layer of that map, instead of one SVG element
    per shape: thousands of shapes then stay quick to draw (no hatching there).
    With ``data_of`` (another GeoJsonLayer) the layer draws that layer's
    features in its own style, and the page holds them once. In a group hidden
    at first (``folium.FeatureGroup(show=False)``) the layer is made the first
    time the group is shown, not as the page opens. A layer written as a JSON block is packed
    (:mod:`geomap.render.packing`): its coordinates, rounded to ``decimals``, as whole-number steps.
    With ``built_from_zoom`` (and ``canvas_map``) the layer is made the first time the map is zoomed in
    to that level (a large map's claims, hidden further out by :class:`~geomap.render.aggregates.AggregateSwitch`).
    """

    template_name = "geojson_layer.js"
    element_name = "GeoJsonLayer"
    shared_part_keys = {"shared_script": "geomap_geojson_layer_function"}

    def __init__(self, features: Sequence[dict], style: Mapping[str, Any], pane: str | None = None,
                 hatch: Mapping[str, str] | None = None, canvas_map: Element | None = None,
                 data_of: GeoJsonLayer | None = None, decimals: int = COORDINATE_DECIMALS,
                 built_from_zoom: int | None = None):
        super().__init__()
        if built_from_zoom is not None and canvas_map is None:
            raise ValueError("a layer made from a zoom level on needs the map (canvas_map) to follow its zoom")
        self.built_from_zoom = built_from_zoom
        if hatch and canvas_map is not None:
            raise ValueError("hatching needs SVG: a hatched layer cannot be drawn on a canvas")
        if data_of is not None:
            features = data_of.collection["features"]
            data_of.data_block = True  # written where this layer reads it, in the page's body
        self.data_of = data_of
        # The features travel as a JSON block in the body (parsed once, read by every layer drawing them).
        self.data_block = canvas_map is not None and data_of is None  # (with data_of, that layer's block is read)
        self.collection = {"type": "FeatureCollection", "features": list(features)}
        self.canvas_map = canvas_map
        self.block_popups = any("q" in f.get("properties", {}) for f in self.collection["features"])
        self.style = dict(style)
        self.pane = pane
        # {"color": stroke of the hatch lines, "background": fill between them}
        self.hatch = dict(hatch) if hatch else None
        self.decimals = decimals

    @property
    def packed(self) -> dict[str, Any]:
        """The features as the page's JSON block holds them."""
        return pack_collection(self.collection, self.decimals)

    @functools.cached_property
    def packed_json(self) -> Markup:
        """:attr:`packed` as the page's JSON block, made once: a build renders the map twice (page and fragment)."""
        return script_json(self.packed)

    @property
    def spec(self) -> dict[str, Any]:
        """What the page's shared layer function needs to know of this layer besides its features."""
        spec: dict[str, Any] = {"style": self.style, "pane": self.pane}
        if self.hatch:
            spec.update(hatch=self.hatch, hatchId=f"{self.get_name()}_hatch")
        if self.block_popups:
            spec["blockPopups"] = True
        if getattr(self._parent, "show", True) is False:  # a group hidden at first: made when first shown
            spec["builtWhenShown"] = True
        if self.built_from_zoom is not None:
            spec["builtFromZoom"] = self.built_from_zoom
        return spec

    def _get_self_bounds(self):
        lats: list[float] = []
        lons: list[float] = []
        for feature in self.collection["features"]:
            _collect_positions(feature.get("geometry"), lons, lats)
        if not lats:
            return [[None, None], [None, None]]
        return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _collect_positions(geometry: Any, lons: list[float], lats: list[float]) -> None:
    if not geometry:
        return
    if geometry.get("type") == "GeometryCollection":
        for part in geometry.get("geometries", []):
            _collect_positions(part, lons, lats)
        return

    def walk(coordinates: Any) -> None:
        if coordinates and isinstance(coordinates[0], (int, float)):
            lons.append(coordinates[0])
            lats.append(coordinates[1])
        else:
            for item in coordinates:
                walk(item)

    walk(geometry.get("coordinates", []))


class PlaceLabels(TemplateElement):
    """Populated-place labels that appear by zoom level, without overlaps.

    ``places`` rows are ``[lat, lon, min_zoom, name]`` sorted by importance
    (largest first); a label is drawn when the map's zoom reaches its
    ``min_zoom`` and it does not overlap a label drawn before it.
    """

    template_name = "place_labels.js"
    element_name = "PlaceLabels"

    def __init__(self, folium_map: Element, places: Sequence[Sequence[Any]]):
        super().__init__()
        self.folium_map = folium_map
        self.places = [list(place) for place in places]
        self.pane = LABEL_PANE


class ControlElement(TemplateElement):
    """An HTML block written by a template and shown as a Leaflet control."""

    def __init__(self, folium_map: Element, position: str):
        super().__init__()
        if position not in ("topleft", "topright", "bottomleft", "bottomright"):
            raise ValueError(f"unknown control position {position!r}")
        self.folium_map = folium_map
        self.position = position


class Legend(ControlElement):
    """Swatches for the sources' colours and the other layer styles.

    ``entries`` are dicts with ``label`` and ``symbol`` (``fill``, ``line`` or
    ``marker``) plus ``color``, ``fill`` and ``dash``. ``outlets`` (entries with a
    ``count`` too), when given, are listed first in a scrolling list with a filter box:
    a corpus of hundreds of sources is coloured by outlet.
    """

    template_name = "legend.html"
    element_name = "Legend"

    def __init__(self, folium_map: Element, entries: Sequence[Mapping[str, Any]], title: str = "Legend",
                 position: str = "bottomleft", outlets: Sequence[Mapping[str, Any]] = ()):
        super().__init__(folium_map, position)
        self.entries = [dict(entry) for entry in entries]
        self.outlets = [dict(outlet) for outlet in outlets]
        self.title = title


class DateControl(ControlElement):
    """Buttons over the claims' date windows (plus "all").

    Choosing a window shows only the layers valid in it and hides the others;
    sections of the claims panel marked with ``data-window`` follow the choice.

    Parameters
    ----------
    windows
        Dicts with ``label`` (the window's key), ``title`` (its date range as
        text) in display order.
    layers_by_window
        Window label -> folium layers shown for it.
    controlled
        Every layer the control switches ("all" shows them all); defaults to
        those named in ``layers_by_window``. A controlled layer not listed for
        a window is hidden there.
    panel
        The claims panel whose sections follow the choice, if any.
    as_list
        A drop-down list instead of a row of buttons (for many windows).
    open_sections
        Open the ``<details>`` of the panel section chosen (a compact panel's windows).
    theatres
        On a map of several wars, dicts with ``key``, ``name``, ``claims`` (a count as
        text) and ``bounds`` (``[[south, west], [north, east]]``) per theatre: a selector
        above the windows shows one theatre's windows, panel sections and layers at a
        time and moves the map to its extent. Windows and panel sections then carry
        ``theatre`` (a key); ``theatre`` is the one shown first.

    ``layer_control``, set once the map's ``folium.LayerControl`` exists, is
    updated once per choice instead of once per layer switched.
    """

    template_name = "date_control.html"
    element_name = "DateControl"

    def __init__(self, folium_map: Element, windows: Sequence[Mapping[str, str]],
                 layers_by_window: Mapping[str, Sequence[Element]], controlled: Sequence[Element] | None = None,
                 panel: Element | None = None, position: str = "topleft", as_list: bool = False,
                 open_sections: bool = False, theatres: Sequence[Mapping[str, Any]] = (), theatre: str = ""):
        super().__init__(folium_map, position)
        self.windows = [dict(window) for window in windows]
        self.theatres = [dict(choice) for choice in theatres]
        self.theatre = theatre
        self.as_list = as_list
        self.open_sections = open_sections
        self.layers_by_window = {label: list(layers) for label, layers in layers_by_window.items()}
        self.panel = panel
        self.layer_control: Element | None = None
        listed = list(controlled or []) + [layer for layers in self.layers_by_window.values() for layer in layers]
        unique: dict[int, Element] = {}
        for layer in listed:
            unique.setdefault(id(layer), layer)
        self.controlled_layers = list(unique.values())


class ClaimsPanel(ControlElement):
    """The claims, per date window and source, with the area chart.

    ``view`` is a :class:`geomap.render.panel.PanelView`.
    """

    template_name = "claims_panel.html"
    element_name = "ClaimsPanel"

    def __init__(self, folium_map: Element, view: Any, position: str = "topright"):
        super().__init__(folium_map, position)
        self.view = view
