"""Everything the page needs, inlined: Leaflet's JS/CSS and its images.

folium links Leaflet, jQuery, Bootstrap and font-awesome from CDNs. geomap's
maps must open with no network at all, so:

- Leaflet 1.9.4 is read at run time from the installed PyPI package
  ``django-js-lib-leaflet`` (which ships the upstream ``dist`` files) and
  written into the page (:func:`leaflet_assets`);
- the images Leaflet's CSS refers to become ``data:`` URIs;
- folium's CDN links are dropped from the map (:func:`drop_cdn_resources`);
  geomap uses no folium element that needs jQuery or Bootstrap.

:func:`fetchable_urls` lists what in a finished page could still reach the
network; the tests use it.
"""

from __future__ import annotations

import base64
import functools
import importlib.metadata
import importlib.resources
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

LEAFLET_DISTRIBUTION = "django-js-lib-leaflet"
LEAFLET_DISTRIBUTION_VERSION = "1.9.4.1"
LEAFLET_VERSION = "1.9.4"
_LEAFLET_PACKAGE = "js_lib_leaflet"
_LEAFLET_STATIC = ("static", "js_lib_leaflet")

# URLs that appear in Leaflet's own code but are never fetched: the SVG
# namespace and the project home in the licence comment / attribution prefix.
INERT_SCRIPT_URLS = ("http://www.w3.org/2000/svg", "https://leafletjs.com")

_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]*)\1\s*\)")
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$|/\*# sourceMappingURL=.*?\*/", re.MULTILINE)
_URL = re.compile(r"https?://[^\s\"'<>)\\]*", re.IGNORECASE)


def check_tile_provider(name: str) -> str:
    """``name`` if it names a tile provider folium knows (xyzservices), else a ValueError saying so.

    Online tiles (``--tiles``) are the map's one opt-in network use; a name
    folium does not know would be taken for a tile URL, which needs an
    attribution the command line has no way to give.
    """
    import xyzservices

    wanted = "OpenStreetMap Mapnik" if name.strip().lower() == "openstreetmap" else name
    try:
        xyzservices.providers.query_name(wanted)
    except ValueError:
        raise ValueError(f"unknown tile provider {name!r}: give a name from xyzservices, such as "
                         "OpenStreetMap.Mapnik or CartoDB.Positron") from None
    return name


class OfflineAssetError(RuntimeError):
    """Leaflet's files could not be found or are not the expected version."""


@dataclass(frozen=True)
class LeafletAssets:
    """Leaflet's JavaScript and CSS, ready to be written inside the page."""

    version: str
    js: str
    css: str


@functools.cache
def leaflet_assets() -> LeafletAssets:
    """Read Leaflet from ``django-js-lib-leaflet`` and inline its images.

    The files are read once per process; they are constant for an installed
    package.

    Raises
    ------
    OfflineAssetError
        When the package is missing, has another version, or its files are not
        Leaflet 1.9.4.
    """
    try:
        installed = importlib.metadata.version(LEAFLET_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as error:
        raise OfflineAssetError(
            f"{LEAFLET_DISTRIBUTION}=={LEAFLET_DISTRIBUTION_VERSION} is not installed; "
            "geomap inlines Leaflet from it to make maps that work offline"
        ) from error
    if installed != LEAFLET_DISTRIBUTION_VERSION:
        raise OfflineAssetError(
            f"{LEAFLET_DISTRIBUTION} {installed} is installed, geomap needs "
            f"{LEAFLET_DISTRIBUTION_VERSION} (Leaflet {LEAFLET_VERSION})"
        )
    static = importlib.resources.files(_LEAFLET_PACKAGE).joinpath(*_LEAFLET_STATIC)
    js = static.joinpath("leaflet.js").read_text(encoding="utf-8")
    css = static.joinpath("leaflet.css").read_text(encoding="utf-8")
    if f"Leaflet {LEAFLET_VERSION}," not in js[:300]:
        raise OfflineAssetError(f"{LEAFLET_DISTRIBUTION}'s leaflet.js is not Leaflet {LEAFLET_VERSION}")

    def read_image(relative: str) -> bytes:
        return static.joinpath(*relative.split("/")).read_bytes()

    return LeafletAssets(
        version=LEAFLET_VERSION,
        js=script_safe_code(strip_source_maps(js)),
        css=style_safe_code(inline_css_images(strip_css_comments(strip_source_maps(css)), read_image)),
    )


def strip_source_maps(code: str) -> str:
    """Remove ``sourceMappingURL`` comments, which devtools would try to fetch."""
    return _SOURCE_MAP.sub("", code)


def strip_css_comments(css: str) -> str:
    """Remove ``/* ... */`` comments (Leaflet's cite bug-tracker URLs; no licence text)."""
    return re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)


def inline_css_images(css: str, read_image: Callable[[str], bytes]) -> str:
    """Replace relative ``url(images/x.png)`` references with ``data:`` URIs.

    Parameters
    ----------
    css
        Stylesheet text.
    read_image
        Returns the bytes of an image given its path relative to the stylesheet.

    Raises
    ------
    OfflineAssetError
        When a ``url()`` names anything other than a relative PNG, a ``data:``
        URI or a fragment (``#...``), since that would be fetched.
    """

    def replace(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        if target.startswith(("data:", "#")):
            return match.group(0)
        if re.fullmatch(r"[\w./-]+\.png", target) and ":" not in target and not target.startswith("/"):
            encoded = base64.b64encode(read_image(target)).decode("ascii")
            return f'url("data:image/png;base64,{encoded}")'
        raise OfflineAssetError(f"stylesheet refers to {target!r}, which would be fetched")

    return _CSS_URL.sub(replace, css)


def script_safe_code(js: str) -> str:
    """Return ``js`` if it can sit inside ``<script>...</script>``, else raise."""
    if re.search(r"</script|<!--", js, re.IGNORECASE):
        raise OfflineAssetError("inlined JavaScript contains '</script' or '<!--'")
    return js


def style_safe_code(css: str) -> str:
    """Return ``css`` if it can sit inside ``<style>...</style>``, else raise."""
    if re.search(r"</style", css, re.IGNORECASE):
        raise OfflineAssetError("inlined CSS contains '</style'")
    return css


def drop_cdn_resources(folium_map) -> None:
    """Stop ``folium_map`` from linking Leaflet, jQuery, Bootstrap etc. from CDNs.

    folium keeps the links as class attributes of ``Map``; the instance gets
    empty lists of its own, so other maps are not affected.
    """
    folium_map.default_js = []
    folium_map.default_css = []


class _FetchScanner(HTMLParser):
    """Collect URLs a browser would fetch while loading the page."""

    # Attributes a browser loads on its own. <a href> only navigates on a click.
    _LOADING_ATTRIBUTES = frozenset(
        {"src", "href", "srcset", "poster", "data", "background", "manifest", "xlink:href", "action", "formaction"}
    )

    def __init__(self, inert_script_urls: tuple[str, ...]):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._inert = inert_script_urls
        self._inside: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "style":
                self.found.extend(_css_fetches(value))
            elif name in self._LOADING_ATTRIBUTES and not (tag == "a" and name == "href"):
                if re.match(r"\s*(https?:)?//", value, re.IGNORECASE):
                    self.found.append(value.strip())
        self._inside = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag: str) -> None:
        self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside == "style":
            self.found.extend(_css_fetches(data))
        elif self._inside == "script":
            self.found.extend(url for url in _URL.findall(data) if url.rstrip("/") not in self._inert)


def _css_fetches(css: str) -> list[str]:
    urls = [m.group(2) for m in _CSS_URL.finditer(css) if re.match(r"\s*(https?:)?//", m.group(2), re.I)]
    urls += re.findall(r"@import\s+(?:url\()?\s*['\"]?([^'\")\s;]+)", css, re.IGNORECASE)
    return urls


def fetchable_urls(html: str, inert_script_urls: tuple[str, ...] = INERT_SCRIPT_URLS) -> list[str]:
    """URLs in ``html`` that a browser could fetch from the network.

    Counts loading attributes (``src``, ``<link href>``, ``srcset``...) with
    ``http(s)://`` or protocol-relative values, ``url()``/``@import`` in CSS,
    and any ``http(s)://`` text inside ``<script>`` except Leaflet's known inert
    strings. ``<a href>`` links are not counted: they load nothing until clicked.
    The script rule is deliberately strict: an article sentence quoting a URL
    would be reported too.
    """
    scanner = _FetchScanner(inert_script_urls)
    scanner.feed(html)
    scanner.close()
    return scanner.found
