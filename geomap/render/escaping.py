"""Escaping for the three contexts the map writes text into.

Article text, place names and quotes reach the page in three places, each with
its own rules:

- HTML text and attribute values: ``&``, ``<``, ``>``, ``"`` and ``'`` become
  entities (jinja's autoescape does this in our templates; :func:`html_text`
  is the same rule for code that needs it outside a template).
- JSON inside ``<script>``: the JSON text must not contain ``</script>`` or
  ``<!--`` and must survive being parsed as JavaScript, so ``<``, ``>``, ``&``
  and the line separators U+2028/U+2029 are written as ``\\uXXXX`` escapes
  (:func:`script_json`).
- Names shown by Leaflet's layer control, which inserts them with
  ``innerHTML`` *and* which folium re-parses as a jinja template: they are
  HTML-escaped and braces become entities (:func:`layer_label`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from markupsafe import Markup, escape

# JSON characters that could end a <script> element, start an HTML comment or
# break a JavaScript string literal; each is only ever inside a JSON string.
_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029]")

# A JavaScript identifier we are willing to build names from (element ids,
# variable names): ASCII only so it is the same in HTML ids and JS.
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")


def script_json(value: Any) -> Markup:
    r"""Serialise ``value`` as JSON that is safe inside an HTML ``<script>``.

    Parameters
    ----------
    value
        Anything :func:`json.dumps` accepts; NaN and infinities are refused
        because JavaScript's JSON has no spelling for them.

    Returns
    -------
    Markup
        Compact JSON with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, so a
        quote containing ``</script>`` cannot end the script element.

    Examples
    --------
    >>> print(script_json({"quote": "</script>"}))
    {"quote":"\u003c/script\u003e"}
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Markup(_SCRIPT_UNSAFE.sub(lambda match: _SCRIPT_ESCAPES[match.group(0)], text))


def html_text(value: Any) -> Markup:
    """Escape ``value`` for HTML text or a quoted attribute value."""
    return escape("" if value is None else str(value))


def layer_label(name: str) -> str:
    """A layer name as Leaflet's layer control and folium's template need it.

    Leaflet writes the name with ``innerHTML`` and folium renders the control's
    output a second time as a jinja template, so the name is HTML-escaped and
    ``{``/``}`` become character references.
    """
    escaped = str(escape(name))
    return escaped.replace("{", "&#123;").replace("}", "&#125;")


def check_identifier(prefix: str) -> str:
    """Return ``prefix`` if it can start HTML ids and JavaScript names, else raise.

    Raises
    ------
    ValueError
        When ``prefix`` is not an ASCII letter followed by up to 31 letters,
        digits or underscores.
    """
    if not isinstance(prefix, str) or not _IDENTIFIER.match(prefix):
        raise ValueError(
            f"element id prefix {prefix!r} must be an ASCII letter followed by up to 31 "
            "letters, digits or underscores"
        )
    return prefix
