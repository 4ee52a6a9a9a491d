"""The map as an HTML fragment for report pages, and as a Jupyter display.

:func:`fragment_html` turns a map from :func:`geomap.render.build_map` into
one ``<div>`` holding everything it needs, with no ``<html>``, ``<head>`` or
``<body>``, so it can be pasted into a page next to other maps:

- every element id and JavaScript name starts with the map's prefix; the
  map's script runs inside a function, so it adds no global names. The same
  fragment may be pasted twice (a summary and an appendix): as the page is
  read, the second copy gives its ids a suffix that is free in the page and
  finds its own elements (``assets/fragment_ids.js``); maps built with
  different prefixes need nothing of the kind;
- Leaflet's JavaScript is inlined but only runs when ``window.L`` is not
  defined yet, so the first fragment on a page loads it and the others reuse
  it. It runs with AMD/CommonJS hidden, so pages with RequireJS (classic
  Jupyter) still get ``window.L``;
- Leaflet's and geomap's stylesheets are inserted into ``<head>`` by a script,
  each as a ``<style>`` with a fixed id, once per page;
- folium's page-wide rules (``html, body {height: 100%}``, the viewport
  ``<meta>``) are left out; the fragment's own box has the given size.

:func:`notebook_html`, :class:`NotebookMap` and :func:`enable_notebook_display`
show the whole offline page (:func:`geomap.render.render_html`) in a sandboxed
``<iframe srcdoc>`` instead: each display is its own document, so showing the
same map twice in a notebook cannot clash, and nothing is fetched. folium's
own ``_repr_html_`` is bypassed: it renders without restoring the page's
parts, so every display leaves copies of the map's scripts in the map.
"""

from __future__ import annotations

import html
import importlib.resources
import os
import re
from dataclasses import dataclass

from branca.element import Element

from ..atomic import write_text
from ..render import DEFAULT_PREFIX, assign_ids, leaflet_assets, left_as_it_was, render_html, script_json

LEAFLET_STYLE_ID = "geomap-leaflet-css"
GEOMAP_STYLE_ID = "geomap-css"
FRAGMENT_CLASS = "geomap-fragment"
DEFAULT_HEIGHT = "600px"
DEFAULT_WIDTH = "100%"

_CSS_LENGTH = re.compile(r"^(?:\d{1,5}(?:\.\d{1,3})?)(?:px|%|em|rem|vh|vw)$")
# Header parts of the full page that a fragment replaces or must not carry.
_PAGE_ONLY_HEADER = ("meta_http", "geomap_offline_assets")


def css_length(value: str | int) -> str:
    """A CSS length for the fragment's box: ``600`` -> ``"600px"``; ``"70vh"`` stays; anything else raises."""
    text = f"{value}px" if isinstance(value, int) else str(value).strip()
    if not _CSS_LENGTH.match(text):
        raise ValueError(f"not a CSS length geomap accepts (e.g. '600px', '100%', '70vh'): {value!r}")
    return text


def map_prefix(folium_map: Element) -> str:
    """The id prefix ``build_map`` gave the map (its name is ``map_<prefix>_0``)."""
    prefix = getattr(folium_map, "geomap_prefix", None)
    if prefix:
        return prefix
    match = re.fullmatch(r"map_([A-Za-z][A-Za-z0-9_]*)_\d+", folium_map.get_name())
    return match.group(1) if match else DEFAULT_PREFIX


def fragment_html(folium_map: Element, height: str | int = DEFAULT_HEIGHT, width: str | int = DEFAULT_WIDTH) -> str:
    """The map as one self-contained ``<div>`` to paste into a page (see the module docstring).

    Parameters
    ----------
    folium_map : folium.Map
        A map from :func:`geomap.render.build_map`.
    height, width : str or int
        Size of the fragment's box (CSS length; an int is pixels).

    Returns
    -------
    str
        ``<div id="<prefix>_fragment" class="geomap-fragment">`` ... ``</div>``;
        the same map always gives the same text.
    """
    height, width = css_length(height), css_length(width)
    prefix = map_prefix(folium_map)
    header_parts, body, script = _rendered_parts(folium_map, prefix)
    pieces = [
        f'<div id="{prefix}_fragment" class="{FRAGMENT_CLASS}" '
        f'style="position:relative;width:{width};height:{height};">',
        _stylesheet_loader(),
        _leaflet_loader(),
        f"<style>.{FRAGMENT_CLASS} > .folium-map{{position:absolute;top:0;right:0;bottom:0;left:0;}}</style>",
        *header_parts,
        body.strip(),
        _scoped_script(script, f"{prefix}_fragment"),
        "</div>",
    ]
    return "\n".join(piece for piece in pieces if piece) + "\n"


def write_fragment(folium_map: Element, path: str | os.PathLike[str], height: str | int = DEFAULT_HEIGHT,
                   width: str | int = DEFAULT_WIDTH) -> None:
    """Write :func:`fragment_html` to ``path`` (atomically: temporary file + ``os.replace``)."""
    write_text(path, fragment_html(folium_map, height=height, width=width))


def notebook_html(folium_map: Element, height: str | int = DEFAULT_HEIGHT, width: str | int = DEFAULT_WIDTH) -> str:
    """The whole offline page in a sandboxed ``<iframe srcdoc>``, for Jupyter and similar hosts.

    The sandbox allows scripts (Leaflet) and popups (source links open in a
    new tab) but not same-origin access, so article text in the map cannot
    reach the notebook.
    """
    height, width = css_length(height), css_length(width)
    page = render_html(folium_map)
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" title="{html.escape(_title(folium_map))}" '
            'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
            f'style="width:{width};height:{height};border:none;"></iframe>')


@dataclass(frozen=True)
class NotebookMap:
    """A geomap map that shows itself in Jupyter, offline.

    >>> NotebookMap(build_map(...))   # doctest: +SKIP   (last line of a cell)
    """

    folium_map: Element
    height: str | int = DEFAULT_HEIGHT
    width: str | int = DEFAULT_WIDTH

    def _repr_html_(self) -> str:
        return notebook_html(self.folium_map, height=self.height, width=self.width)

    def fragment_html(self) -> str:
        return fragment_html(self.folium_map, height=self.height, width=self.width)

    def page_html(self) -> str:
        return render_html(self.folium_map)


def enable_notebook_display(folium_map: Element, height: str | int = DEFAULT_HEIGHT,
                            width: str | int = DEFAULT_WIDTH) -> Element:
    """Make ``folium_map`` itself show as :func:`notebook_html` in Jupyter; returns the same map.

    folium's own ``_repr_html_`` renders without restoring the page's parts,
    so each display leaves copies of the map's scripts behind (a later
    :func:`geomap.render.render_html` of the same map then differs) and uses
    random names. The instance attribute set here takes precedence over it.
    """
    height, width = css_length(height), css_length(width)
    folium_map._repr_html_ = lambda **_: notebook_html(folium_map, height=height, width=width)
    return folium_map


def _title(folium_map: Element) -> str:
    root = folium_map.get_root()
    return html.unescape(str(getattr(root, "title", "") or "geomap map"))


def _rendered_parts(folium_map: Element, prefix: str) -> tuple[list[str], str, str]:
    """(header parts a fragment keeps, body HTML, the map's script), rendered like a full page.

    Rendering adds each element's output to the page's header/html/script
    parts; they are restored afterwards, as :func:`geomap.render.render_html`
    does, so rendering twice gives the same text.
    """
    assign_ids(folium_map, prefix)
    root = folium_map.get_root()
    with left_as_it_was(folium_map):
        for child in list(root._children.values()):
            child.render()
        skip = set(_PAGE_ONLY_HEADER) | {folium_map.get_name()}  # folium's viewport meta and html/body rules
        header = [child.render().strip() for name, child in root.header._children.items() if name not in skip]
        return [part for part in header if part], root.html.render(), root.script.render()


def _scoped_script(script: str, fragment_id: str) -> str:
    """The map's script in a function of its own, run after the ids of a second copy are made unique.

    ``fragment`` is the script's parent (the fragment's ``<div>``), found
    through ``document.currentScript``; a host that runs scripts some other
    way gets the first element with the fragment's id.
    """
    ids = importlib.resources.files("geomap.render").joinpath("assets", "fragment_ids.js").read_text(encoding="utf-8")
    return ("<script>\n(function (fragment) {\n" + ids.strip() + "\ntry {\n" + script.strip()
            + "\n} finally {\n  scope.end();\n}\n})(document.currentScript ? document.currentScript.parentNode : "
            f"document.getElementById({script_json(fragment_id)}));\n</script>")


def _stylesheet_loader() -> str:
    """A script adding Leaflet's and geomap's stylesheets to ``<head>`` unless a fragment already did."""
    sheets = [(LEAFLET_STYLE_ID, leaflet_assets().css), (GEOMAP_STYLE_ID, _geomap_css())]
    return (
        "<script>\n(function () {\n"
        f"  var sheets = {script_json(sheets)};\n"
        "  sheets.forEach(function (sheet) {\n"
        "    if (document.getElementById(sheet[0])) { return; }\n"
        '    var style = document.createElement("style");\n'
        "    style.id = sheet[0];\n"
        "    style.textContent = sheet[1];\n"
        "    (document.head || document.documentElement).appendChild(style);\n"
        "  });\n"
        "})();\n</script>"
    )


def _leaflet_loader() -> str:
    """Leaflet, run only when ``window.L`` is undefined, with AMD/CommonJS hidden from its loader."""
    return (
        '<script>\nif (typeof window.L === "undefined") {\n'
        "(function (define, exports, module) {\n"
        + leaflet_assets().js.strip()  # checked by geomap.render.offline: no "</script" inside
        + "\n}).call(window);\n}\n</script>"
    )


def _geomap_css() -> str:
    return importlib.resources.files("geomap.render").joinpath("assets", "geomap.css").read_text(encoding="utf-8")


__all__ = ["NotebookMap", "css_length", "enable_notebook_display", "fragment_html", "map_prefix", "notebook_html",
           "write_fragment"]
