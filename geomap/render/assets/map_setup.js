{% macro script(this, kwargs) %}
(function () {
  var map = {{ this.folium_map.get_name() }};
  var panes = {{ this.panes|script_json }};
  panes.forEach(function (spec) {
    var pane = map.createPane(spec.name);
    pane.style.zIndex = String(spec.z);
    if (!spec.interactive) { pane.style.pointerEvents = "none"; }
  });
  if (map.attributionControl) {
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution({{ this.attribution|e|script_json }});
  }
})();
{% endmacro %}
