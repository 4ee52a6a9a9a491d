{# Show the block with id `element_id` (written by an html macro) as a Leaflet control. #}
{% macro as_control(this) %}
  var control = L.control({position: {{ this.position|script_json }}});
  control.onAdd = function () {
    var block = document.getElementById({{ this.get_name()|script_json }});
    L.DomEvent.disableClickPropagation(block);
    L.DomEvent.disableScrollPropagation(block);
    return block;
  };
  control.addTo({{ this.folium_map.get_name() }});
{% endmacro %}
