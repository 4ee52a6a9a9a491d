{% macro script(this, kwargs) %}
(function () {
  var map = {{ this.folium_map.get_name() }};
  var group = L.layerGroup().addTo({{ this._parent.get_name() }});
  // [lat, lon, minZoom, name], largest places first.
  var places = {{ this.places|script_json }};
  var markers = places.map(function (place) {
    var label = document.createElement("span");
    label.className = place[2] <= 5 ? "gm-place gm-big" : "gm-place";
    label.textContent = place[3];
    return L.marker([place[0], place[1]], {
      icon: L.divIcon({className: "gm-place-icon", html: label, iconSize: null}),
      interactive: false, keyboard: false, pane: {{ this.pane|script_json }}
    });
  });
  function overlaps(a, b) {
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  }
  function update() {
    var zoom = map.getZoom();
    var view = map.getBounds().pad(0.25);
    var taken = [];
    group.clearLayers();
    for (var i = 0; i < places.length; i++) {
      var place = places[i];
      if (place[2] > zoom) { continue; }
      var latlng = L.latLng(place[0], place[1]);
      if (!view.contains(latlng)) { continue; }
      var point = map.latLngToContainerPoint(latlng);
      // Label box estimated from its length: a dot, then text to the right.
      var box = [point.x - 4, point.y - 8, point.x + 10 + place[3].length * 6.5, point.y + 8];
      if (taken.some(function (other) { return overlaps(box, other); })) { continue; }
      taken.push(box);
      group.addLayer(markers[i]);
    }
  }
  map.on("zoomend moveend", update);
  map.whenReady(update);
})();
{% endmacro %}
