"""What the claims panel, the popups and the legend say: view models and wording.

Pure functions from the display records (see :mod:`geomap.view`)
to small dataclasses the templates print. All text stays raw here; the
templates escape it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from geomap.view import (
    UNDATED, DateWindow, claimed_text, format_km2, format_number, format_share,
)

if TYPE_CHECKING:
    from .budget import MapBudget

ROLE_NAMES = {
    "buffer": "area-true buffer",
    "band": "depth band",
    "ring": "distance ring",
    "line": "front line",
    "region": "region",
}

@dataclass
class ClaimView:
    claim_id: str
    quote: str
    claimed: str
    km2_text: str
    derived: list[tuple[str, str]]
    flags: list[dict[str, str]]
    unmapped: bool
    reason: str
    summary: str  # one line, for tooltips and the place popups


@dataclass
class SourceView:
    id: str
    name: str
    title: str
    published: str
    url: str | None
    color: str
    claims: list[ClaimView] = field(default_factory=list)
    more_claims: int = 0  # claims of this source in the window that a compact panel does not list


@dataclass
class WindowView:
    label: str
    range_text: str
    sources: list[SourceView]
    notes: list[str] = field(default_factory=list)  # what a compact panel or the map leaves out
    counts: str = ""  # "12 sources · 30 claims", shown by a compact panel's collapsed window
    name: str = ""  # the span the window covers, as shown (the label is its key)
    theatre: str = ""  # the theatre's key on a map of several wars


@dataclass
class ChartView:
    """One area chart of the panel: the whole map's, or one theatre's on a map of several wars."""

    theatre: str  # the theatre's key ("" for the whole map)
    theatre_name: str
    svg: Any  # Markup or None
    note: str


@dataclass
class PanelView:
    title: str
    summary: str
    windows: list[WindowView]
    sources_without_claims: list[SourceView]
    chart_svg: Any  # Markup or None
    chart_note: str
    more_sources_without_claims: int = 0
    compact: bool = False  # windows collapsed, first items listed (a large corpus)
    charts: list[ChartView] = field(default_factory=list)  # one per theatre on a map of several wars
    theatre: str = ""  # the theatre shown first (its sections visible, the others hidden)


def claim_view(rows: Sequence[Mapping[str, Any]]) -> ClaimView:
    """One claim from its geometry rows (a claim may have a buffer and a band...)."""
    first = rows[0]
    claimed = claimed_text(first)
    derived: list[tuple[str, str]] = []
    # Normalised values, unless they only repeat what the source wrote.
    if first.get("share") is not None and format_share(first["share"]) not in claimed:
        derived.append(("share", format_share(first["share"])))
    if first.get("km") is not None and f"{format_number(first['km'])} km" not in claimed:
        derived.append(("distance", f"{format_number(first['km'])} km"))
    as_of = first.get("as_of_text") or ""
    span = " – ".join(dict.fromkeys(d for d in (first.get("as_of_start"), first.get("as_of_end")) if d))
    if as_of or span:
        derived.append(("as of", f"{as_of} ({span})" if as_of and span else as_of or span))
    if first.get("place"):
        derived.append(("place", str(first["place"])))
    for row in rows:
        if row.get("status") != "mapped":
            continue
        role = ROLE_NAMES.get(row.get("role") or "", row.get("role") or "geometry")
        parts = []
        if row.get("radius_km") is not None:
            parts.append(f"radius {format_number(row['radius_km'])} km")
        if row.get("geometry_km2") is not None:
            parts.append(format_km2(row["geometry_km2"]))
        derived.append((role, ", ".join(parts) or "drawn"))
    derivations = list(dict.fromkeys(row.get("derivation") for row in rows if row.get("derivation")))
    for derivation in derivations:
        derived.append(("derivation", str(derivation)))
    constructions = list(dict.fromkeys(row.get("construction") for row in rows
                                       if row.get("construction") and row.get("status") == "mapped"))
    for construction in constructions:
        derived.append(("drawn as", str(construction)))
    flags: list[dict[str, str]] = []
    for row in rows:
        for flag in row.get("flags") or []:
            if flag not in flags:
                flags.append(flag)
    unmapped_rows = [row for row in rows if row.get("status") != "mapped"]
    unmapped = len(unmapped_rows) == len(rows)
    reason = "; ".join(dict.fromkeys(str(row.get("reason") or "no reason given") for row in unmapped_rows))
    km2_text = format_km2(first.get("km2"))
    summary = claimed + (f" ({km2_text})" if km2_text and km2_text not in claimed else "")
    return ClaimView(
        claim_id=str(first["claim_id"]),
        quote=str(first.get("quote") or ""),
        claimed=claimed,
        km2_text=km2_text,
        derived=derived,
        flags=flags,
        unmapped=unmapped,
        reason=reason if unmapped else "",
        summary=summary,
    )


def shortened_view(claim: ClaimView, limit: int) -> ClaimView:
    """``claim`` with each derived value and flag message longer than ``limit`` characters shortened
    (:func:`shortened`), pointing to the table that holds it whole."""
    derived = [(name, shortened(value, limit, "the claims table of geomap.gpkg")) for name, value in claim.derived]
    flags = [{**flag, "message": shortened(str(flag.get("message") or ""), limit, "the checks table of geomap.gpkg")}
             for flag in claim.flags]
    return replace(claim, derived=derived, flags=flags)


def shortened(text: str, limit: int, where: str) -> str:
    """``text`` without the middle items of the list it holds when it is longer than ``limit`` characters.

    The derivation of a share of other sources' peaks lists every one of them, hundreds in a large corpus:
    the first items up to ``limit`` are kept, and the last (which closes the sentence: ``) = 750 km²``),
    with the number left out and the file that has them all between.
    """
    if len(text) <= limit:
        return text
    head_end = text.rfind(", ", 0, limit)
    tail_start = text.rfind(", ")
    if head_end <= 0 or tail_start <= head_end:
        return text  # not a list: shown whole
    left_out = text.count(", ", head_end + 2, tail_start) + 1
    return f"{text[:head_end]}, … {left_out:,} more (all in {where}), {text[tail_start + 2:]}"


def group_claims(claims: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """Geometry rows grouped by claim id, in first-seen order."""
    grouped: dict[str, list[Mapping[str, Any]]] = {}
    for claim in claims:
        grouped.setdefault(claim["claim_id"], []).append(claim)
    return grouped


def published_text(source: Mapping[str, Any] | None) -> str:
    if not source or not source.get("published"):
        return "date unknown"
    text = str(source["published"])[:10]
    return f"{text} (estimated)" if source.get("published_estimated") else text


def safe_link(url: Any) -> str | None:
    """``url`` if it is an http(s) link, else ``None`` (no ``javascript:`` links)."""
    if isinstance(url, str) and re.match(r"^https?://[^\s]+$", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def source_view(source_id: str, sources_by_id: Mapping[str, Mapping[str, Any]], names: Mapping[str, str],
                colors: Mapping[str, str]) -> SourceView:
    source = sources_by_id.get(source_id)
    return SourceView(
        id=source_id,
        name=names.get(source_id, source_id),
        title=str((source or {}).get("title") or ""),
        published=published_text(source),
        url=safe_link((source or {}).get("url")),
        color=colors.get(source_id, "#999999"),
    )


def panel_view(title: str, sources: Sequence[Mapping[str, Any]], claims: Sequence[Mapping[str, Any]],
               windows: Sequence[DateWindow], colors: Mapping[str, str], names: Mapping[str, str],
               chart_svg: Any = None, chart_note: str = "", budget: MapBudget | None = None,
               drawn: set[str] | None = None) -> PanelView:
    """The claims panel: per window, each source's claims; then sources without any.

    With a ``budget`` (a :class:`geomap.render.budget.MapBudget`, for large
    corpora) each window lists its first ``max_sources_per_window`` sources with
    their first ``max_claims_per_source`` claims and counts the rest. ``drawn``
    (claim ids on the map) adds a note to windows whose claims are not all drawn.
    """
    sources_by_id = {source["id"]: source for source in sources}
    source_order = {source["id"]: index for index, source in enumerate(sources)}
    grouped = group_claims(claims)
    by_window: dict[str, dict[str, list]] = {}
    for rows in grouped.values():
        by_window.setdefault(rows[0].get("window") or UNDATED, {}).setdefault(rows[0]["source"], []).append(rows)
    max_sources = budget.max_sources_per_window if budget is not None else None
    max_claims = budget.max_claims_per_source if budget is not None else None
    window_views = []
    for window in windows:
        claims_by_source = by_window.get(window.label, {})
        order = sorted(claims_by_source, key=lambda source_id: (source_order.get(source_id, len(source_order)),
                                                                source_id))
        listed = order[:max_sources]
        ordered = []
        for source_id in listed:
            view = source_view(source_id, sources_by_id, names, colors)
            source_claims = claims_by_source[source_id]
            view.claims = [claim_view(rows) for rows in source_claims[:max_claims]]
            if budget is not None:
                view.claims = [shortened_view(claim, budget.max_detail_chars) for claim in view.claims]
            view.more_claims = len(source_claims) - len(view.claims)
            ordered.append(view)
        if ordered:
            notes = []
            unlisted = order[len(listed):]
            if unlisted:
                count = sum(len(claims_by_source[source_id]) for source_id in unlisted)
                notes.append(f"and {plural(len(unlisted), 'more source')} with {plural(count, 'claim')} "
                             "in this window (all in the claims table of geomap.gpkg)")
            window_claims = [rows for source_claims in claims_by_source.values() for rows in source_claims
                             if any(row.get("status") == "mapped" for row in rows)]
            if drawn is not None:
                on_map = sum(1 for rows in window_claims if rows[0]["claim_id"] in drawn)
                if on_map < len(window_claims):
                    notes.append(f"the map draws {on_map:,} of the {plural(len(window_claims), 'mapped claim')} "
                                 "of this window, area claims first (all in claim_geometries.geojson)")
            n_claims = sum(len(source_claims) for source_claims in claims_by_source.values())
            counts = f"{plural(len(order), 'source')} · {plural(n_claims, 'claim')}"
            window_views.append(WindowView(window.label, window.range_text, ordered, notes, counts, window.shown))
    with_claims = {claim["source"] for claim in claims}
    without_ids = [source["id"] for source in sources if source["id"] not in with_claims]
    listed_without = without_ids if budget is None else without_ids[:budget.max_sources_without_claims]
    without = [source_view(source_id, sources_by_id, names, colors) for source_id in listed_without]
    # Counts (troops, prisoners, settlements) are facts beside the territorial claims, never mapped.
    n_counts = sum(1 for rows in grouped.values() if rows[0].get("kind") == "count")
    n_claims = len(grouped) - n_counts
    n_unmapped = sum(1 for rows in grouped.values()
                     if rows[0].get("kind") != "count" and all(row.get("status") != "mapped" for row in rows))
    n_sources = len(set(source_order) | with_claims)
    summary = (f"{n_sources} source{'s' if n_sources != 1 else ''} · {n_claims} claim{'s' if n_claims != 1 else ''}"
               f" ({n_claims - n_unmapped} mapped, {n_unmapped} not mapped)")
    if n_counts:
        summary += f" · {n_counts} count{'s' if n_counts != 1 else ''} (not mapped)"
    return PanelView(title=title, summary=summary, windows=window_views, sources_without_claims=without,
                     chart_svg=chart_svg, chart_note=chart_note,
                     more_sources_without_claims=len(without_ids) - len(listed_without), compact=budget is not None)


def plural(count: int, noun: str) -> str:
    """``"1 claim"``, ``"2,345 claims"``."""
    return f"{count:,} {noun if count == 1 else noun + 's'}"
