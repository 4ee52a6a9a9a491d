{% macro html(this, kwargs) %}
{% if this.data_block %}
{# Large or shared layers travel as JSON in the body: JSON.parse reads it much faster than a script literal. #}
<script type="application/json" id="{{ this.get_name() }}_data">{{ this.packed_json }}</script>
{% endif %}
{% endmacro %}
{% macro shared_script(this, kwargs) %}
// A packed layer (geomap/render/packing.py) as GeoJSON: each position is whole units (coordinate times
// scale) written as the step from the position before, across the whole layer.
function geomapUnpack(packed) {
  var scale = packed.scale, x = 0, y = 0;
  var depths = {Point: 0, MultiPoint: 0, LineString: 0, Polygon: 1, MultiLineString: 1, MultiPolygon: 2};
  function positions(flat) {
    var made = [];
    for (var i = 0; i < flat.length; i += 2) {
      x += flat[i];
      y += flat[i + 1];
      made.push([x / scale, y / scale]);
    }
    return made;
  }
  function nested(items, depth) {
    return depth === 0 ? positions(items) : items.map(function (item) { return nested(item, depth - 1); });
  }
  function geometry(type, items) {
    if (type === "GeometryCollection") {
      return {type: type, geometries: items.map(function (part) { return geometry(part[0], part[1]); })};
    }
    var coordinates = nested(items, depths[type]);
    return {type: type, coordinates: type === "Point" ? coordinates[0] : coordinates};
  }
  return {type: "FeatureCollection", features: packed.features.map(function (row) {
    return {type: "Feature", geometry: geometry(row[0], row[1]), properties: row[2]};
  })};
}
// Makes one GeoJSON layer of a geomap map and adds it to its group; written once per page, called once per
// layer (hundreds on a large map), so that the page carries this code once instead of once per layer.
// spec: style (base), pane, hatch ({color, background}) and hatchId, block popups allowed, and built when
// shown (a group hidden at first: the layer is made the first time the group is shown, so that a large
// map opens after making the layers of its first view only), built from zoom (see buildWhenNear). data: the features, or the <script> element
// holding them as JSON, looked up as the map is set up (a fragment pasted twice finds its own copy then).
function geomapGeoJsonLayer(group, spec, data, canvasMap) {
  var base = spec.style;
  var pane = spec.pane;
  var hatch = spec.hatch;
  function styleOf(feature) {
    return Object.assign({}, base, feature.properties.s || {});
  }
  // Popups given as [kind, text] blocks: built when opened, text only (never parsed as HTML).
  var blockTags = {h: "h4", m: "p", b: "blockquote", s: "p", x: "p", l: "ul"};
  function popupOf(blocks) {
    var root = document.createElement("div");
    root.className = "gm-popup";
    blocks.forEach(function (block) {
      var element = document.createElement(blockTags[block[0]] || "p");
      if (block[0] === "m") { element.className = "gm-meta"; }
      if (block[0] === "l") {
        block[1].forEach(function (text) {
          element.appendChild(document.createElement("li")).textContent = text;
        });
      } else if (block[0] === "s") {
        element.appendChild(document.createElement("strong")).textContent = block[1];
      } else {
        element.textContent = block[1];
      }
      root.appendChild(element);
    });
    return root;
  }
  var options = {
    style: styleOf,
    pointToLayer: function (feature, latlng) {
      var style = styleOf(feature);
      style.radius = feature.properties.r || base.radius || 5;
      if (pane) { style.pane = pane; }
      if (options.renderer) { style.renderer = options.renderer; }  // markers made here do not inherit it
      return L.circleMarker(latlng, style);
    },
    onEachFeature: function (feature, layer) {
      var properties = feature.properties;
      if (properties.t) {
        var tip = document.createElement("span");
        tip.textContent = properties.t;
        layer.bindTooltip(tip, {sticky: true});
      }
      if (properties.p) {
        layer.bindPopup(properties.p, {maxWidth: 360});
      }
      if (spec.blockPopups && properties.q) {
        // Padding keeps an opened popup clear of the controls (left) and the claims panel (right).
        layer.bindPopup(function () { return popupOf(properties.q); },
                        {maxWidth: 360, autoPanPaddingTopLeft: [60, 20], autoPanPaddingBottomRight: [400, 20]});
      }
    }
  };
  if (pane) { options.pane = pane; }
  if (canvasMap) {
    // One canvas per pane for all of this map's canvas layers: a canvas per layer
    // would mean hundreds of full-size canvases redrawn on every pan.
    var canvases = canvasMap.geomapCanvases || (canvasMap.geomapCanvases = {});
    var canvasPane = pane || "overlayPane";
    options.renderer = canvases[canvasPane] || (canvases[canvasPane] = L.canvas({pane: canvasPane, tolerance: 2}));
  }
  function build() {
    var layer = L.geoJSON(data.nodeType ? geomapUnpack(JSON.parse(data.textContent)) : data, options);
    if (hatch) {
      // Leaflet re-creates its <path> elements whenever the layer is re-added.
      var svgNs = "http://www.w3.org/2000/svg";
      var applyHatch = function () {
        layer.eachLayer(function (shape) {
          var path = shape.getElement && shape.getElement();
          if (!path || !path.ownerSVGElement) { return; }
          var svg = path.ownerSVGElement;
          // Named after the map's container, so that the same map twice in a page (a fragment pasted
          // twice) does not make two patterns of one id.
          var patternId = shape._map.getContainer().id + "_" + spec.hatchId;
          if (!svg.querySelector("#" + patternId)) {
            var defs = svg.querySelector("defs") || svg.insertBefore(document.createElementNS(svgNs, "defs"), svg.firstChild);
            var pattern = document.createElementNS(svgNs, "pattern");
            pattern.setAttribute("id", patternId);
            pattern.setAttribute("patternUnits", "userSpaceOnUse");
            pattern.setAttribute("width", "7");
            pattern.setAttribute("height", "7");
            pattern.setAttribute("patternTransform", "rotate(45)");
            var background = document.createElementNS(svgNs, "rect");
            background.setAttribute("width", "7");
            background.setAttribute("height", "7");
            background.setAttribute("fill", hatch.background);
            var stripe = document.createElementNS(svgNs, "line");
            stripe.setAttribute("x1", "0"); stripe.setAttribute("y1", "0");
            stripe.setAttribute("x2", "0"); stripe.setAttribute("y2", "7");
            stripe.setAttribute("stroke", hatch.color);
            stripe.setAttribute("stroke-width", "2");
            pattern.appendChild(background);
            pattern.appendChild(stripe);
            defs.appendChild(pattern);
          }
          path.setAttribute("fill", "url(#" + patternId + ")");
        });
      };
      layer.on("add", applyHatch);
    }
    layer.addTo(group);
  }
  // A large map's claims are hidden below the zoom where the regions' summaries give way to them: made the
  // first time the map is zoomed in that far, not as the page opens.
  function buildWhenNear() {
    if (!spec.builtFromZoom || canvasMap.getZoom() >= spec.builtFromZoom) {
      build();
      return;
    }
    var near = function () {
      if (canvasMap.getZoom() >= spec.builtFromZoom) {
        canvasMap.off("zoomend", near);
        build();
      }
    };
    canvasMap.on("zoomend", near);
  }
  if (spec.builtWhenShown) {
    group.once("add", buildWhenNear);
  } else {
    buildWhenNear();
  }
}
{% endmacro %}
{% macro script(this, kwargs) %}
geomapGeoJsonLayer({{ this._parent.get_name() }}, {{ this.spec|script_json }},
{% if this.data_of is not none %}
  document.getElementById({{ (this.data_of.get_name() ~ "_data")|script_json }}),
{% elif this.data_block %}
  document.getElementById({{ (this.get_name() ~ "_data")|script_json }}),
{% else %}
  {{ this.collection|script_json }},
{% endif %}
  {{ this.canvas_map.get_name() if this.canvas_map is not none else "null" }});
{% endmacro %}
