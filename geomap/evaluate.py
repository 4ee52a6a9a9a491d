"""Accuracy of the geoparser against gold annotations (``geomap eval geocode``).

Gold format (JSON Lines, one toponym a line): ``{"source", "start", "end",
"text", "lat", "lon"}``, as public geoparsing corpora give it; the project's
own gold files (see tests/data/geoparse/GUIDE.md) add ``id``, ``kind``,
``name`` and optional ``alt_ids`` (other ids judged acceptable).

The measures are those of the published comparisons of geoparsers:

- a predicted mention matches a gold toponym when their texts are equal
  ignoring case and their mid-points are less than 10 characters apart; each
  prediction matches at most one toponym (the first of its source, in offset
  order);
- precision, recall and F1 over toponyms;
- Acc@161: of the matched toponyms, the share resolved within 161 km (100 miles)
  of the gold point; AUC: the mean of ln(1 + km) / ln(20039), 0 when every
  point is exact, 1 at the antipode (lower is better). Distances are
  great-circle distances on a sphere of 6,371.0088 km, the measure's own
  definition, so that the figures are comparable with published ones;
- with ids in the gold: resolution accuracy (the gold id, an alt_id or a point
  within 161 km: a country's or region's point is a labelling convention, and
  Ukraine is 1,300 km wide) and id accuracy (the gold id or an alt_id).

Which predictions count: those with a point whose ``type`` is in ``types``
(default: places only, the project's convention that demonyms are no toponyms;
``all`` counts every mention with a point, as the published comparisons do).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from geomap.errors import GeomapError
from geomap.records import Mention

RESOLUTION_KM = 161.0
EARTH_RADIUS_KM = 6371.0088
HALF_CIRCUMFERENCE_KM = 20039.0  # the largest error AUC normalises by
MATCH_CHARACTERS = 10  # mid-points of a matched prediction and toponym are closer than this


@dataclass
class GeocodeScores:
    gold: int
    predicted: int
    matched: int = 0
    within_161: int = 0  # matched and within 161 km
    log_errors: float = 0.0  # sum of ln(1 + km) over matched toponyms
    with_ids: int = 0  # matched toponyms whose gold has an id
    resolved_within: int = 0  # of those: same id, an alt_id, or within 161 km
    same_id: int = 0
    misses: list[dict] = field(default_factory=list)  # gold toponyms not found
    spurious: list[dict] = field(default_factory=list)  # predicted mentions not in gold
    wrong: list[dict] = field(default_factory=list)  # matched but 161 km or more from the gold point

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
    def acc161(self) -> float:
        return self.within_161 / self.matched if self.matched else 0.0

    @property
    def auc(self) -> float:
        return self.log_errors / self.matched / math.log(HALF_CIRCUMFERENCE_KM) if self.matched else 1.0

    @property
    def resolution_accuracy(self) -> float:
        return self.resolved_within / self.with_ids if self.with_ids else 0.0

    @property
    def id_accuracy(self) -> float:
        return self.same_id / self.with_ids if self.with_ids else 0.0

    def summary(self) -> dict:
        out = {"gold": self.gold, "predicted": self.predicted, "matched": self.matched,
               "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
               "acc161": round(self.acc161, 4), "auc": round(self.auc, 4)}
        if self.with_ids:
            out.update(resolution_accuracy=round(self.resolution_accuracy, 4), id_accuracy=round(self.id_accuracy, 4))
        return out


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
            for key in ("source", "start", "end", "text", "lat", "lon"):
                if key not in record:
                    raise ValueError(f"missing {key!r}")
        except (ValueError, json.JSONDecodeError) as exc:
            raise GeomapError(f"line {number}: {exc}", str(path)) from None
        records.append(record)
    return records


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance on the sphere, as the published Acc@161 and AUC define it."""
    p = math.pi / 180
    a = math.sin((lat2 - lat1) * p / 2) ** 2 \
        + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def score_geocode(gold: list[dict], mentions: list[Mention], types: frozenset[str] | None = frozenset({"place"})
                  ) -> GeocodeScores:
    """Compare predicted mentions with gold toponyms (predictions of sources the gold does not have are
    left out). ``types``: the mention types that count (None: all)."""
    sources = {g["source"] for g in gold}
    predicted: dict[str, list[Mention]] = {}
    for m in sorted(mentions, key=lambda m: (m.source, m.start, m.end)):
        if m.source in sources and m.lat is not None and (types is None or m.type in types):
            predicted.setdefault(m.source, []).append(m)
    scores = GeocodeScores(gold=len(gold), predicted=sum(len(p) for p in predicted.values()))
    for g in sorted(gold, key=lambda g: (g["source"], g["start"], g["end"])):
        candidates = predicted.get(g["source"], [])
        middle = (g["start"] + g["end"]) / 2
        hit = next((m for m in candidates if m.text.lower() == g["text"].lower()
                    and abs((m.start + m.end) / 2 - middle) < MATCH_CHARACTERS), None)
        if hit is None:
            scores.misses.append(g)
            continue
        candidates.remove(hit)
        scores.matched += 1
        km = great_circle_km(g["lat"], g["lon"], float(hit.lat), float(hit.lon))
        scores.within_161 += km < RESOLUTION_KM
        scores.log_errors += math.log1p(km)
        if "id" in g:
            scores.with_ids += 1
            same_id = str(hit.id) == str(g["id"]) or str(hit.id) in {str(a) for a in g.get("alt_ids", [])}
            scores.same_id += same_id
            scores.resolved_within += same_id or km < RESOLUTION_KM
        if km >= RESOLUTION_KM:
            scores.wrong.append({**g, "predicted_id": hit.id, "predicted_name": hit.name, "km": round(km)})
    for source in sorted(predicted):
        scores.spurious += [{"source": m.source, "start": m.start, "end": m.end, "text": m.text, "id": m.id,
                             "name": m.name, "type": m.type} for m in predicted[source]]
    return scores
