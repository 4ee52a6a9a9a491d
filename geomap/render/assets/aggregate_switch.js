{% macro script(this, kwargs) %}
(function () {
  var map = {{ this.folium_map.get_name() }};
  var aggregates = map.createPane({{ this.pane|script_json }});
  aggregates.style.zIndex = "420";
  var below = {{ this.below_zoom|script_json }};
  function update() {
    var far = map.getZoom() < below;
    map.getPane("overlayPane").style.display = far ? "none" : "";
    aggregates.style.display = far ? "" : "none";
  }
  map.on("zoomend", update);
  map.whenReady(update);
})();
{% endmacro %}
