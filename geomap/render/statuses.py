"""Place statuses on the map: one marker per place and date window, styled by what the articles last say of it.

The records are :func:`geomap.view.place_status_records` dicts. Each
status joins the date window that contains its date (else the nearest one in
time); a place's marker in a window takes the style of its latest status
there, and its popup quotes every status of that window, newest first, with
the source, the date and the character offsets of the place in the source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import shapely

from geomap.view import UNDATED, DateWindow, cell_day

from .features import features, popup_blocks

# Okabe-Ito colours, one per status; the stroke tells the fought-over (dashed) and withdrawn (thin) apart too.
STATUS_STYLES = {
    "captured": {"fillColor": "#D55E00", "color": "#5c2600", "weight": 2},
    "retaken": {"fillColor": "#CC79A7", "color": "#5e2a4a", "weight": 2},
    "lost": {"fillColor": "#000000", "color": "#ffffff", "weight": 2},
    "held": {"fillColor": "#009E73", "color": "#00402f", "weight": 2.5},
    "fought_over": {"fillColor": "#E69F00", "color": "#4d3500", "weight": 2, "dashArray": "3 2"},
    "withdrawn": {"fillColor": "#999999", "color": "#333333", "weight": 1},
    "withdrawn_to": {"fillColor": "#56B4E9", "color": "#1d4d6b", "weight": 1},
}
STATUS_LABELS = {
    "captured": "captured", "retaken": "retaken", "lost": "lost", "held": "held", "fought_over": "fought over",
    "withdrawn": "withdrawn from", "withdrawn_to": "withdrawn to",
}
MARKER_STYLE = {"radius": 7, "fillOpacity": 0.95, "opacity": 1}
STATUS_RADIUS = 7


def status_day(status: Mapping[str, Any]) -> date | None:
    return cell_day(status.get("as_of_end")) or cell_day(status.get("as_of_start")) or \
        cell_day(status.get("published"))


def window_of_day(day: date | None, windows: Sequence[DateWindow]) -> str | None:
    """The label of the window containing ``day``, else of the window nearest it in time (None: no window)."""
    dated = [w for w in windows if w.dated]
    if day is None:  # the undated window (its key may carry a theatre: "theatre-2/undated")
        return next((w.label for w in windows if w.label.rsplit("/", 1)[-1] == UNDATED), None)
    for window in dated:
        if window.contains(day):
            return window.label
    if not dated:
        return None

    def gap(window: DateWindow) -> int:
        return min(abs((day - window.start).days), abs((day - window.end).days))

    return min(dated, key=lambda w: (gap(w), w.start)).label


def status_text(status: Mapping[str, Any], country_names: Mapping[str, str]) -> str:
    """'retaken by Russia on 2025-03-13', 'withdrawn from (Ukraine) on 2025-03-21'."""
    actor = status_actor(status["status"], status.get("actor"), country_names)
    day = status_day(status)
    label = STATUS_LABELS.get(status["status"], status["status"])
    return f"{label}{actor}" + (f" on {day.isoformat()}" if day else "")


def status_actor(kind: str, actor: str | None, country_names: Mapping[str, str]) -> str:
    """' by Russia' after a verb that takes an agent, ' (Ukraine)' after one that does not read well with it."""
    if not actor:
        return ""
    name = country_names.get(actor, actor)
    return f" by {name}" if kind in ("captured", "retaken", "lost", "held") else f" ({name})"


def status_features(statuses: Sequence[Mapping[str, Any]], windows: Sequence[DateWindow],
                    source_names: Mapping[str, str], country_names: Mapping[str, str],
                    max_quotes: int | None = None,
                    own_windows: Sequence[Sequence[DateWindow]] | None = None) -> dict[str, list[dict]]:
    """Marker features by window label: one per place and window (see the module docstring).

    With ``max_quotes`` a popup quotes at most that many statuses (the newest) and counts the rest;
    ``own_windows`` (one per status) narrows each status's windows to those of its theatre.
    """
    grouped: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    # Thousands of statuses share a day and a theatre: each pair's window is looked for once.
    labels_of: dict[tuple[date | None, int], str | None] = {}
    for index, status in enumerate(statuses):
        if status.get("lon") is None or status.get("lat") is None:
            continue
        among = windows if own_windows is None else own_windows[index]
        day = status_day(status)
        key = (day, id(among))
        if key not in labels_of:
            labels_of[key] = window_of_day(day, among)
        label = labels_of[key]
        if label is not None:
            grouped.setdefault((label, str(status["place_id"])), []).append(status)
    made: dict[str, list[dict]] = {}
    labels: list[str] = []
    points: list[tuple[float, float]] = []
    properties_list: list[dict[str, Any]] = []
    order = {source: index for index, source in enumerate(source_names)}
    window_names = {window.label: window.shown for window in windows}  # as the date control names them
    for (label, _), group in sorted(grouped.items()):
        newest = sorted(group, key=lambda s: (status_day(s) or date.min, -order.get(s["source"], len(order)),
                                              -int(s.get("start") or 0)), reverse=True)
        latest = newest[0]
        blocks: list[tuple[str, Any]] = [("h", f"{latest['place']} · {window_names.get(label, label)}"),
                                         ("m", "what the articles say of this place, newest first")]
        shown = newest if max_quotes is None else newest[:max_quotes]
        for status in shown:
            source = source_names.get(status["source"], status["source"])
            blocks += [("s", f"{status_text(status, country_names)} · {source}"), ("b", status.get("quote")),
                       ("m", f"“{status.get('cue')}” · {status['source']}, characters "
                             f"{status.get('start')}–{status.get('end')}")]
        if len(shown) < len(newest):
            blocks.append(("m", f"and {len(newest) - len(shown)} more in the place_status table of geomap.gpkg"))
        properties = {"t": f"{latest['place']} ({status_text(latest, country_names)})",
                      "q": popup_blocks(*blocks), "s": dict(STATUS_STYLES.get(latest["status"], {})),
                      "r": STATUS_RADIUS}
        labels.append(label)
        points.append((float(latest["lon"]), float(latest["lat"])))
        properties_list.append(properties)
    # Every marker's coordinates rounded in one call (one call per marker took seconds at 1,000 articles).
    lons, lats = zip(*points) if points else ((), ())
    for label, made_feature in zip(labels, features(shapely.points(lons, lats).tolist(), properties_list)):
        if made_feature:
            made.setdefault(label, []).append(made_feature)
    return made


def legend_entries(statuses: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One legend entry per status shown, in :data:`STATUS_STYLES` order."""
    present = {status["status"] for status in statuses}
    return [{"key": f"status:{name}", "label": f"place reported {STATUS_LABELS[name]}", "symbol": "marker",
             "color": style["color"], "fill": style["fillColor"], "fill_opacity": 1, "dash": None}
            for name, style in STATUS_STYLES.items() if name in present]
