{% macro script(this, kwargs) %}
(function () {
  var base = {{ this.style|script_json }};
  var pane = {{ this.pane|script_json }};
  var hatch = {{ this.hatch|script_json }};
  function styleOf(feature) {
    return Object.assign({}, base, feature.properties.s || {});
  }
  var options = {
    style: styleOf,
    pointToLayer: function (feature, latlng) {
      var style = styleOf(feature);
      style.radius = feature.properties.r || base.radius || 5;
      if (pane) { style.pane = pane; }
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
    }
  };
  if (pane) { options.pane = pane; }
  var layer = L.geoJSON({{ this.collection|script_json }}, options);
  if (hatch) {
    // Leaflet re-creates its <path> elements whenever the layer is re-added.
    var patternId = {{ (this.get_name() ~ "_hatch")|script_json }};
    var svgNs = "http://www.w3.org/2000/svg";
    var applyHatch = function () {
      layer.eachLayer(function (shape) {
        var path = shape.getElement && shape.getElement();
        if (!path || !path.ownerSVGElement) { return; }
        var svg = path.ownerSVGElement;
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
  layer.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
