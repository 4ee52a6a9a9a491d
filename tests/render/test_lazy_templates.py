"""folium imported with its element templates compiled on first use: the same pages, fewer templates compiled."""

from __future__ import annotations

import json
import subprocess
import sys

# A folium page with the elements geomap's maps use (fixed ids: the page is compared byte for byte), rendered
# after importing folium plainly or under compiled_on_first_use; prints the page and the templates compiled.
PAGE = """
import json, sys
import jinja2

compiled = []
compile_source = jinja2.Environment.compile
def counted(self, source, *args, **kwargs):
    compiled.append(source)
    return compile_source(self, source, *args, **kwargs)
jinja2.Environment.compile = counted

if sys.argv[1] == "deferred":
    from geomap.render.lazy_templates import compiled_on_first_use
    with compiled_on_first_use():
        import folium
else:
    import folium
at_import = len(compiled)
kept = jinja2.Template("{{ 1 + 1 }}")  # after the import: a template as ever
page = folium.Map(location=[51.2, 35.3], zoom_start=8, tiles=None)
folium.TileLayer("OpenStreetMap", name="streets").add_to(page)
group = folium.FeatureGroup(name="claims").add_to(page)
folium.GeoJson({"type": "Point", "coordinates": [35.3, 51.2]}, name="Sudzha").add_to(group)
folium.LayerControl().add_to(page)
for number, element in enumerate([page, *page._children.values(), *group._children.values()]):
    element._id = f"fixed{number}"
html = page.get_root().render()
print(json.dumps({"html": html, "at_import": at_import, "kept": type(kept).__name__, "two": kept.render()}))
"""


def rendered(mode: str) -> dict:
    result = subprocess.run([sys.executable, "-c", PAGE, mode], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def test_a_page_is_the_same_with_templates_compiled_on_first_use():
    plain, deferred = rendered("plain"), rendered("deferred")
    assert "map_fixed0" in plain["html"] and "claims" in plain["html"] and "35.3" in plain["html"]
    assert deferred["html"] == plain["html"]
    # The import compiled (next to) none of folium's and branca's element templates (46 in folium 0.20).
    assert plain["at_import"] > 40 and deferred["at_import"] <= 2
    # Only the import was affected: a template made after it is compiled at once, as always.
    assert deferred["kept"] == "Template" and deferred["two"] == "2"
