"""Accuracy against gold annotations: the geoparser (``geomap eval geocode``) and the claim
reader (``geomap eval claims``).

Geocoding
---------

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

Claims
------
Gold format (one JSON file, as ``../shared/corpora/kursk-news/gold_claims.json``):
``{"tolerance": {"value_rel", "date_days"}, "claims": [...], "not_claims": [...]}``;
each claim has ``source``, ``kind``, its value in ``km2``, ``share`` or ``km``
(a list ``[low, high]`` for a range) and ``as_of`` (``YYYY-MM-DD`` or
``YYYY-MM``, the date the claim describes; absent for timeless facts). The
scoring is the project scoreboard's (``../shared/tools/scoreboard.py``), so
that both give the same figures:

- a gold claim is *found* when an unused prediction of the same source has a
  value within 2 % (its km2, share, km, value, low, high or factor, or a range
  end scaled to the normalised unit); the first such prediction is used;
- *dated right* when the gold ``as_of`` (its whole day or month) overlaps the
  prediction's ``as_of_start``..``as_of_end`` widened by ``date_days``; a gold
  claim without ``as_of`` counts as dated right once found;
- *polarity wrong* when an area or share claim of what was lost or retaken is
  read as held or gained, or the reverse (kinds compared by their words);
- *precision*: of the predictions other than counts, the share whose value is
  within 2 % of some gold value of their source;
- *spurious*: predictions matching no gold value that take one of the
  ``not_claims`` numbers (whose first word is in their quote).
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from geomap.dates import period
from geomap.errors import GeomapError
from geomap.records import Mention

RESOLUTION_KM = 161.0
EARTH_RADIUS_KM = 6371.0088
HALF_CIRCUMFERENCE_KM = 20039.0  # the largest error AUC normalises by
MATCH_CHARACTERS = 10  # mid-points of a matched prediction and toponym are closer than this


def ratio(part: float, whole: float) -> float:
    """``part / whole``; 0.0 when there is nothing to divide by (no gold, no prediction, no match)."""
    return part / whole if whole else 0.0


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
        return ratio(self.matched, self.predicted)

    @property
    def recall(self) -> float:
        return ratio(self.matched, self.gold)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def acc161(self) -> float:
        return ratio(self.within_161, self.matched)

    @property
    def auc(self) -> float:
        return self.log_errors / self.matched / math.log(HALF_CIRCUMFERENCE_KM) if self.matched else 1.0

    @property
    def resolution_accuracy(self) -> float:
        return ratio(self.resolved_within, self.with_ids)

    @property
    def id_accuracy(self) -> float:
        return ratio(self.same_id, self.with_ids)

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
        assert hit.lat is not None and hit.lon is not None  # mentions without a point were left out above
        km = great_circle_km(g["lat"], g["lon"], hit.lat, hit.lon)
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


# -- claims ------------------------------------------------------------------------------------------

VALUE_REL = 0.02  # the scoreboard's tolerance on values
LOST_WORDS = ("lost", "retaken")  # a gold kind that names a loss
PREDICTED_LOST_WORDS = LOST_WORDS + ("recaptured",)


@dataclass
class ClaimScores:
    gold: int
    found: int = 0
    dated: int = 0
    polarity_wrong: int = 0
    predicted: int = 0  # predictions other than counts
    matched: int = 0  # of those, with a value of a gold claim of their source
    spurious: int = 0
    errors: list[dict] = field(default_factory=list)  # one per miss, date error, polarity error, extra

    @property
    def recall(self) -> float:
        return ratio(self.found, self.gold)

    @property
    def dated_right(self) -> float:
        return ratio(self.dated, self.gold)

    @property
    def precision(self) -> float | None:
        return ratio(self.matched, self.predicted) if self.predicted else None

    def summary(self) -> dict:
        precision = self.precision
        return {"gold": self.gold, "found": self.found, "recall": round(self.recall, 3),
                "dated_right": round(self.dated_right, 3), "predicted": self.predicted,
                "precision": None if precision is None else round(precision, 3),
                "polarity_wrong": self.polarity_wrong, "spurious": self.spurious}


def read_claims_gold(path: Path) -> dict:
    """A claims gold file, checked for the fields the scoring needs."""
    try:
        gold = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeomapError(f"cannot read claims gold: {exc}", str(path)) from None
    if not isinstance(gold, dict) or not isinstance(gold.get("claims"), list):
        raise GeomapError("a claims gold file is an object with a 'claims' list", str(path))
    for number, claim in enumerate(gold["claims"], start=1):
        if not isinstance(claim, dict) or "source" not in claim or "kind" not in claim:
            raise GeomapError(f"claim {number}: needs 'source' and 'kind'", str(path))
        if not _gold_values(claim):
            raise GeomapError(f"claim {number}: no value in km2, share or km", str(path))
        if "as_of" in claim and _gold_date(claim["as_of"]) is None:
            raise GeomapError(f"claim {number}: as_of {claim['as_of']!r} is no YYYY-MM-DD or YYYY-MM", str(path))
    return gold


def score_claims(gold: Mapping[str, Any], predictions: Iterable[Mapping[str, Any]]) -> ClaimScores:
    """Compare predicted claims (records as ``geomap claims`` prints them) with a claims gold file."""
    predictions = list(predictions)
    tolerance = gold.get("tolerance", {})
    rel = float(tolerance.get("value_rel", VALUE_REL))
    days = timedelta(days=float(tolerance.get("date_days", 10)))
    by_source: dict[str, list[Mapping[str, Any]]] = {}
    for p in predictions:
        by_source.setdefault(_source_id(p), []).append(p)
    scores = ClaimScores(gold=len(gold["claims"]))
    used: set[tuple[str, int]] = set()
    for g in gold["claims"]:
        values = _gold_values(g)
        candidates = by_source.get(g["source"], [])
        hit = next(((i, p) for i, p in enumerate(candidates) if (g["source"], i) not in used
                    and any(_close(a, b, rel) for a in values for b in _predicted_values(p))), None)
        if hit is None:
            scores.errors.append({"error": "missed", "source": g["source"], "kind": g["kind"], "gold": values,
                                  "as_of": g.get("as_of"), "note": g.get("note", ""),
                                  "quote": g.get("quote", "")})
            continue
        used.add((g["source"], hit[0]))
        scores.found += 1
        p = hit[1]
        if g["kind"].startswith(("area", "share")) and _names_loss(g["kind"], LOST_WORDS) != _names_loss(
                str(p.get("kind")), PREDICTED_LOST_WORDS):
            scores.polarity_wrong += 1
            scores.errors.append({"error": "polarity", "source": g["source"], "kind": g["kind"], "gold": values,
                                  "predicted_kind": p.get("kind"), "claim_id": p.get("claim_id"),
                                  "quote": str(p.get("quote", ""))})
        if "as_of" not in g:
            scores.dated += 1
            continue
        start = _gold_date(p.get("as_of_start"))
        end = _gold_date(p.get("as_of_end") or p.get("as_of_start"), end=True)
        gold_period = period(g["as_of"])
        if start and end and gold_period and start - days <= gold_period[1] and gold_period[0] <= end + days:
            scores.dated += 1
        else:
            scores.errors.append({"error": "date", "source": g["source"], "kind": g["kind"], "gold": values,
                                  "as_of": g["as_of"], "as_of_start": p.get("as_of_start"),
                                  "as_of_end": p.get("as_of_end"), "claim_id": p.get("claim_id"),
                                  "quote": str(p.get("quote", ""))})
    gold_by_source: dict[str, list[float]] = {}
    for g in gold["claims"]:
        gold_by_source.setdefault(g["source"], []).extend(_gold_values(g))
    unmatched = []
    for p in predictions:
        if p.get("kind") == "count":
            continue
        scores.predicted += 1
        if any(_close(a, b, rel) for a in gold_by_source.get(_source_id(p), []) for b in _predicted_values(p)):
            scores.matched += 1
            continue
        unmatched.append(p)
        scores.errors.append({"error": "extra", "source": _source_id(p), "kind": p.get("kind"),
                              "value": p.get("value"), "unit": p.get("unit"), "claim_id": p.get("claim_id"),
                              "quote": str(p.get("quote", ""))})
    for p in unmatched:
        quote = str(p.get("quote", ""))
        for not_claim in gold.get("not_claims", []):
            number = re.sub(r"[^\d.]", "", not_claim)
            if number.replace(".", "").isdigit() and not_claim.split()[0] in quote and any(
                    _close(float(number), v, 0.001) for v in _predicted_values(p)):
                scores.spurious += 1
                scores.errors.append({"error": "spurious", "source": _source_id(p), "kind": p.get("kind"),
                                      "not_claim": not_claim, "claim_id": p.get("claim_id"), "quote": quote})
    return scores


def _source_id(prediction: Mapping[str, Any]) -> str:
    """The source id as the scoreboard names it: a file name without its folder and extension."""
    return os.path.splitext(os.path.basename(str(prediction.get("source"))))[0]


def _names_loss(kind: str, words: tuple[str, ...]) -> bool:
    return any(word in kind for word in words)


def _close(a: float, b: float, rel: float = VALUE_REL) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-9)


def _gold_values(claim: Mapping[str, Any]) -> list[float]:
    for key in ("km2", "share", "km", "factor"):
        value = claim.get(key)
        if value is not None:
            return [float(v) for v in (value if isinstance(value, list) else [value])]
    return []


def _predicted_values(p: Mapping[str, Any]) -> list[float]:
    """Every value a prediction can be matched on: its normalised value, as written, range ends."""
    def number(key: str) -> float | None:
        value = p.get(key)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    values = [v for key in ("km2", "share", "km", "value", "low", "high", "factor") if (v := number(key)) is not None]
    written = number("value")
    normalised = next((v for key in ("km2", "share", "km") if (v := number(key)) is not None), None)
    if written and normalised is not None:
        values += [end * normalised / written for key in ("low", "high") if (end := number(key)) is not None]
    return values


def _gold_date(value: Any, end: bool = False) -> date | None:
    """The first day of a gold ``as_of`` period (:func:`geomap.dates.period`), the last with ``end``."""
    found = period(value)
    return None if found is None else (found[1] if end else found[0])
