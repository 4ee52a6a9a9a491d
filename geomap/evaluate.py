"""Accuracy of the geoparser against hand-made gold annotations (``geomap eval geocode``).

Gold format (JSON Lines, one toponym a line; see tests/data/geoparse/GUIDE.md):
``{"source", "start", "end", "text", "id", "kind", "name", "lat", "lon"}`` with
optional ``alt_ids`` (other ids judged acceptable). Demonyms are not toponyms
and are not in the gold files.

- precision, recall, F1: a predicted place mention matches a gold one when
  their character spans are identical;
- resolution accuracy: of the matched toponyms, the share resolved to the gold
  entry (same id or an alt_id) or to a point within 161 km (100 miles) of the
  gold point (geodesic, pyproj). The same id counts because a country's or a
  region's "point" is a labelling convention (Ukraine is 1,300 km wide);
- id accuracy: of the matched toponyms, the share with the gold id (or an alt_id).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from geomap.errors import GeomapError
from geomap.records import Mention

RESOLUTION_KM = 161.0


@dataclass
class GeocodeScores:
    gold: int
    predicted: int
    matched: int
    resolved_within: int
    same_id: int
    misses: list[dict] = field(default_factory=list)  # gold toponyms not found
    spurious: list[dict] = field(default_factory=list)  # predicted mentions not in gold
    wrong: list[dict] = field(default_factory=list)  # matched but farther than RESOLUTION_KM

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def resolution_accuracy(self) -> float:
        return self.resolved_within / self.matched if self.matched else 0.0

    @property
    def id_accuracy(self) -> float:
        return self.same_id / self.matched if self.matched else 0.0

    def summary(self) -> dict:
        return {"gold": self.gold, "predicted": self.predicted, "matched": self.matched,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "resolution_accuracy": round(self.resolution_accuracy, 4), "id_accuracy": round(self.id_accuracy, 4)}


def read_gold(path: Path) -> list[dict]:
    records = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GeomapError(f"cannot read gold file: {exc}", str(path)) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            for key in ("source", "start", "end", "lat", "lon"):
                if key not in record:
                    raise ValueError(f"missing {key!r}")
        except (ValueError, json.JSONDecodeError) as exc:
            raise GeomapError(f"line {number}: {exc}", str(path)) from None
        records.append(record)
    return records


def score_geocode(gold: list[dict], mentions: list[Mention]) -> GeocodeScores:
    """Compare predicted place mentions with gold toponyms (only sources present in the gold)."""
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    sources = {g["source"] for g in gold}
    predicted = {(m.source, m.start, m.end): m for m in mentions if m.type == "place" and m.source in sources}
    gold_by_span = {(g["source"], g["start"], g["end"]): g for g in gold}
    scores = GeocodeScores(gold=len(gold_by_span), predicted=len(predicted), matched=0, resolved_within=0, same_id=0)
    for span, g in sorted(gold_by_span.items()):
        m = predicted.get(span)
        if m is None:
            scores.misses.append(g)
            continue
        scores.matched += 1
        _, _, distance_m = geod.inv(g["lon"], g["lat"], m.lon, m.lat)
        same_id = str(m.id) == str(g.get("id")) or str(m.id) in {str(a) for a in g.get("alt_ids", [])}
        scores.same_id += same_id
        if same_id or distance_m / 1000.0 <= RESOLUTION_KM:
            scores.resolved_within += 1
        else:
            scores.wrong.append({**g, "predicted_id": m.id, "predicted_name": m.name, "km": round(distance_m / 1e3)})
    for span, m in sorted(predicted.items()):
        if span not in gold_by_span:
            scores.spurious.append({"source": m.source, "start": m.start, "end": m.end, "text": m.text,
                                    "id": m.id, "name": m.name})
    return scores
