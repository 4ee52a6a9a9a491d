"""Pass 5, resolution: which of its candidates each span names, read against the rest of the article.

Input: the spans with candidates and cues. Output: the spans with ``chosen``,
``confidence``, ``method`` and ``alternatives`` set, or ``chosen`` None when no
reading is good enough (a weak name far from everything else the article names).

Each candidate scores a prior (population and kind on a log scale, the phrase's
cue, a penalty for another name of a place) and the support of the article's
other places (same country, a region that contains it, distance to the nearest
one). One sense per discourse: every occurrence of a name with the same cue
gets the same reading, and a bare name follows the cue its other occurrences
carry. Context comes in rounds, so that weak readings cannot prop each other up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from geomap.gazetteer.lookup import importance
from geomap.geoparse.candidates import strip_region_word
from geomap.geoparse.spans import Span
from geomap.geoparse.words import WordLists
from geomap.records import Candidate

ACCEPT_THRESHOLD = 0.4
ALIAS_ACCEPT_THRESHOLD = 0.5
EXONYM_CITY_POPULATION = 1_000_000
NEEDED_SUPPORT = 0.5
CONFIDENT_SCORE = 0.55
UNIQUE_NAME_SCORE = 0.5
COUNTRY_SCORE = 0.9  # a country the article names a place in
UNSUPPORTED_COUNTRY_SCORE = 0.65  # a country the article names nothing in: a local reading may win
HOME_KEY = "\x00home"  # the outlet's home in the context: a key no name folds to
CUED_REGION_KINDS = ("admin1", "named_region")  # what "the X region" may name
SUPPORT_KINDS = ("populated_place", "admin1", "admin2", "named_region")
SUPPORT_SCALE_KM = 250.0
SAME_COUNTRY_SUPPORT = 0.45  # another place the article names is in the same country
NAMED_COUNTRY_SUPPORT = 0.35  # the article names the candidate's country itself
# A city of CITY_POPULATION or more in a country the article names (or names places in): local news names its
# own city bare ("London" in an Ontario paper that names Canada), and such a city outweighs a world city of the
# same name in a country the article never names.
CITY_IN_NAMED_COUNTRY_SUPPORT = 0.6
FAR_KM = 1000.0
MAX_CONTEXT_PLACES = 150
SHARED_DISTANCE_ROWS = 300  # candidates of an article whose distances to each other are measured once
CITY_POPULATION = 100_000
PRIORS_CACHED = 50_000  # (name, cue, candidates) whose priors a geoparser keeps (a few MB)


@dataclass(frozen=True, slots=True)
class NameReading:
    """What a name's candidates are worth read with a cue, before the rest of the article is read."""

    priors: list[float]  # each candidate's (see _priors)
    top: int  # the row of the highest prior (the highest id among equals)
    bare_top: int  # the same read without a cue
    # (town row, region row) for each town that shares its region's support (see _town_shares_its_region_s_support)
    shares: tuple[tuple[int, int], ...]


class Priors:
    """The :class:`NameReading` of a name's candidates read with a cue, kept for the run: it depends on the
    name, the cue and the candidates alone, and a corpus names the same places in article after article (up
    to :data:`PRIORS_CACHED` of them)."""

    def __init__(self) -> None:
        self._cache: dict[tuple, NameReading] = {}

    def __call__(self, candidates: Sequence[Candidate], cue: str | None, key: str) -> list[float]:
        return self.read(candidates, cue, key).priors

    def read(self, candidates: Sequence[Candidate], cue: str | None, key: str) -> NameReading:
        # A candidate's fields follow from its id, and its method from the id and the name.
        memo_key = (key, cue, *[c.id for c in candidates])
        reading = self._cache.get(memo_key)
        if reading is None:
            if len(self._cache) >= PRIORS_CACHED:
                self._cache.clear()
            priors = _priors(candidates, cue, key)
            top = _top_row(candidates, priors)
            reading = self._cache[memo_key] = NameReading(
                priors, top, top if cue is None else _top_row(candidates, _priors(candidates, None, key)),
                _towns_in_their_regions(candidates))
        return reading


def resolve(spans: list[Span], words: WordLists, home: Sequence[Candidate] = (), priors: Priors | None = None) -> None:
    """Choose a candidate for each span, using the rest of the article as context.

    Spans are grouped by (name, cue): every occurrence of a name with the same
    cue gets the same reading, and the work is per distinct name, not per span.
    ``home``, the outlet's home place and its region, count as places the
    article names ("Athens" in a paper from Georgia is Athens, Georgia).
    ``priors``: the geoparser's, kept from article to article (else the article's own).
    """
    priors_of = priors or Priors()
    # One sense per discourse: the cue a name carries anywhere in the article, including
    # region phrases ("Kursk region" tells how a later bare "Kursk" is meant).
    surface_cue: dict[str, str] = {}
    for span in spans:
        base = strip_region_word(span.key, words)
        if base != span.key and any(c.kind == "admin1" for c in span.candidates):
            surface_cue.setdefault(base, "region")
        if span.cue:
            surface_cue.setdefault(span.key, span.cue)
    groups: dict[tuple[str, str | None], list[Span]] = {}
    for span in spans:
        groups.setdefault((span.key, span.cue or surface_cue.get(span.key)), []).append(span)
    # What does not change from round to round, once per group: each candidate's prior,
    # whether any occurrence has a place cue.
    name_readings = {g: priors_of.read(members[0].candidates, g[1], g[0]) for g, members in groups.items()}
    # The key each name brings into the context: its name without the region word, so that "the Karak
    # district" (a district of Pakistan, the only unit of that name) cannot prop up a bare "Karak" as the
    # town inside it, nor the town the district: a name and its region phrase are one name, not two.
    context_key = {g: _bare_name(g[0], words) for g in groups}
    place_context = {g: any(m.place_context or m.strong_cue for m in members) for g, members in groups.items()}
    # Context comes in stages so that weak readings cannot prop each other up: first only
    # confident readings (countries, regions, towns of 100,000 or more, names with one
    # reading), then the readings the first round accepted with a clear margin.
    provisional = {g: members[0].candidates[name_readings[g].top] for g, members in groups.items()}
    trusted = {g for g, c in provisional.items()
               if c.kind != "populated_place" or c.population >= 100_000 or len(groups[g][0].candidates) == 1}
    # (score, candidate, support from the context before a town shares its region's), best first
    scored_by_group: dict[tuple[str, str | None], list[tuple[float, Candidate, float]]] = {}
    every_candidate = CandidateRows([c for members in groups.values() for c in members[0].candidates])
    context = None
    at_home = [(HOME_KEY, place) for place in home]
    used = None
    for _ in range(2):
        entries = at_home + [(context_key[g], c) for g, c in provisional.items() if g in trusted]
        if entries == used:
            break  # the second round would read the same context as the first
        used = entries
        context = Context(entries, every_candidate)
        for group, members in groups.items():
            candidates = members[0].candidates
            reading = name_readings[group]
            supports = context.support(candidates, context_key[group])
            shared = _town_shares_its_region_s_support(supports, reading.shares) if reading.shares else supports
            scored_by_group[group] = _scored(candidates, reading.priors, shared, supports, place_context[group],
                                             group[0] in words.common)
        provisional = {g: scored[0][1] for g, scored in scored_by_group.items()}
        # Readings confirmed in this round join the trusted ones (two places that support
        # each other, "Bakhmut and Kharkov", both stay).
        trusted |= {g for g, scored in scored_by_group.items() if scored[0][0] >= CONFIDENT_SCORE}
    for group, members in groups.items():
        scored = scored_by_group[group]
        best_score, best, best_support = scored[0]
        prior_top = members[0].candidates[name_readings[group].bare_top]
        method = "context" if len(members[0].candidates) > 1 and prior_top.id != best.id else best.method
        near = context.proximity([best], context_key[group])[0] >= NEEDED_SUPPORT
        # A small town in a country the article names nothing in, more than FAR_KM from every place it does
        # name, in an article that names a country and a place in it ("Hot Springs" beside India, Ladakh and
        # China is no town in Arkansas): the name is of a place the gazetteer lacks. A town stays when nothing
        # in the article points elsewhere.
        stranded = best.kind == "populated_place" and best.population < CITY_POPULATION \
            and context.points_to_a_country and not context.names_country_of(best, context_key[group]) \
            and FAR_KM < context.nearest_other_km(best, context_key[group]) < float("inf")
        in_named_country = near or best_support >= NAMED_COUNTRY_SUPPORT
        confidence = round(max(0.05, min(0.99, best_score)), 3)
        alternatives = [c for _, c, _ in scored[1:4]]
        # Another name of a town (a former name, a nickname) is a weaker reading than a town's own name: it
        # needs a clearer score ("Google" is an alternate name of Topeka, "Vistula" one of Toledo). Regions'
        # other names are their short forms ("Zamfara" of Zamfara State), and a city of a million people is
        # known by its exonyms ("Kiev", "Calcutta"): they need no more.
        threshold = ALIAS_ACCEPT_THRESHOLD if best.method == "alias" and best.kind == "populated_place" \
            and best.population < EXONYM_CITY_POPULATION else ACCEPT_THRESHOLD
        for span in members:
            if (best_score < threshold or stranded) and not span.strong_cue:
                continue
            unsupported_near = span.needs_support == "near" and not near
            if unsupported_near or (span.needs_support == "country" and not in_named_country):
                continue
            span.chosen = best
            span.confidence = confidence
            span.method = method
            span.alternatives = alternatives


UNIT_WORDS = ("district", "districts", "county", "raion", "rayon", "municipality")  # second-level units' words


def _bare_name(key: str, words: WordLists) -> str:
    """The name a region or unit phrase is built on: "kursk" for "kursk region", "karak" for "karak district"."""
    head, _, last = key.rpartition(" ")
    return head if head and last in UNIT_WORDS else strip_region_word(key, words)


def _town_shares_its_region_s_support(supports: list[float], shares: Sequence[tuple[int, int]]) -> list[float]:
    """The supports, with a town that names its own region ("Homs" in Homs Governorate, "Kursk" in Kursk
    Oblast) given the region's support when that is higher: the other places that lie in the region are
    evidence for its capital as much as for the region, and a bare name means the town. ``shares``: the
    (town row, region row) pairs of the name's candidates (see :func:`_towns_in_their_regions`)."""
    shared = list(supports)
    for town, region in shares:
        shared[town] = max(supports[town], supports[region])
    return shared


def _towns_in_their_regions(candidates: Sequence[Candidate]) -> tuple[tuple[int, int], ...]:
    """(town row, region row) for each town among a name's candidates that lies in a region among them."""
    region_row = {c.id: row for row, c in enumerate(candidates) if c.kind == "admin1"}
    return tuple((row, region_row[c.admin1]) for row, c in enumerate(candidates)
                 if c.kind == "populated_place" and c.admin1 in region_row)


def _priors(candidates: Sequence[Candidate], cue: str | None, key: str) -> list[float]:
    """The prior of each candidate of the name ``key`` read with ``cue``."""
    local_script = any("а" <= ch <= "я" or ch in "ёіїєґ" for ch in key)
    # A region that shares its name with a town inside it ("Kursk", "Donetsk", "Amman") or with a city
    # elsewhere ("Washington"): a bare name more often means the town.
    inside = {c.admin1 for c in candidates if c.kind == "populated_place" and c.admin1}
    city = any(c.kind == "populated_place" and c.population >= CITY_POPULATION for c in candidates)
    return [_prior(c, cue, local_script, city or c.id in inside) for c in candidates]


def _prior(candidate: Candidate, cue: str | None, local_script: bool, shares_a_town_name: bool = False) -> float:
    prior = min(1.0, importance(candidate) / 8.0)
    # A region cue speaks for a region: an admin unit, or a named region ("the Kurdistan Region" of Iraq over
    # Iran's Kurdistan province, which the cue's word would otherwise make the only region of the name).
    region_read = cue == "region" and candidate.kind in CUED_REGION_KINDS
    if region_read:
        prior += 0.5
    elif cue == "city" and candidate.kind == "populated_place":
        prior += 0.5
    elif cue == "country" and candidate.kind == "country":
        prior += 0.5
    elif candidate.kind == "admin1" and shares_a_town_name:
        prior -= 0.15
    if candidate.method == "alias" and not region_read \
            and not local_script:  # "Суджа" is Sudzha's own name in its own script, not an exonym
        # Another name of a place (an exonym, a former name: Pokrovsk was Engels' name until
        # 1931) counts for less than a place's own name.
        prior -= 0.2 if candidate.population >= 10000 else 0.3
    return prior


def _scored(candidates: Sequence[Candidate], priors: list[float], supports: list[float], own_supports: list[float],
            place_context: bool, common_word: bool) -> list[tuple[float, Candidate, float]]:
    """(score, candidate, own support) of each of a name's candidates, best first (the lowest id among
    equals). ``supports``: what the article's other places give each (a town sharing its region's);
    ``own_supports``: before that sharing; ``place_context``: whether an occurrence has a place cue;
    ``common_word``: whether the name is a common word."""
    bonus = 0.1 if place_context else 0.0
    # The only place in the world with this name, after "in"/"near"/"the town of": enough even in a
    # one-line text.
    unique = len(candidates) == 1 and place_context and not common_word
    scored = []
    for candidate, prior, support, own in zip(candidates, priors, supports, own_supports):
        score = 0.6 * prior + 0.35 * support + bonus
        if candidate.kind == "country":
            # A country is the likeliest reading of its name, unless the article names nothing in it and a
            # town of that name lies in a region it does name ("Lebanon" in a Pennsylvania paper).
            score = max(score, COUNTRY_SCORE if support > 0 else UNSUPPORTED_COUNTRY_SCORE)
        elif unique and candidate.method == "exact":
            score = max(score, UNIQUE_NAME_SCORE)
        scored.append((score, candidate, own))
    if len(scored) > 1:
        scored.sort(key=_best_first)
    return scored


def _best_first(scored: tuple[float, Candidate, float]) -> tuple[float, str]:
    return -scored[0], scored[1].id


def _top_row(candidates: Sequence[Candidate], priors: list[float]) -> int:
    """The row of the candidate with the highest prior (the highest id among equals; the first of equal ids)."""
    return max(range(len(candidates)), key=lambda row: (priors[row], candidates[row].id))


class CandidateRows:
    """An article's distinct candidates, one row each, with their coordinates in radians: the rows of the
    distance matrix of every round's :class:`Context`, read once for the article.

    The places of a context are candidates too (each name's provisional reading), so the distances between
    all the candidates, measured once, serve every round: a column per place is then a lookup. An article
    with more than :data:`SHARED_DISTANCE_ROWS` candidates measures each round's places instead (the matrix
    grows with the square of the candidates, a context's places stop at MAX_CONTEXT_PLACES).
    """

    def __init__(self, candidates: Sequence[Candidate]):
        import numpy as np

        distinct = list(dict((c.id, c) for c in candidates).values())
        self.row_of = {c.id: i for i, c in enumerate(distinct)}
        self.lat = np.radians([c.lat for c in distinct])[:, None]
        self.lon = np.radians([c.lon for c in distinct])[:, None]
        self.cos_lat = np.cos(self.lat)
        self._between: Any = None  # (rows, rows) km, measured when first asked

    def distances_to(self, places: Sequence[Candidate]):
        """The (rows, places) matrix of great-circle km from each candidate to each place (a new array)."""
        import numpy as np

        if not self.row_of or not places:
            return np.zeros((len(self.row_of), len(places)))
        columns = [self.row_of.get(c.id) for c in places]
        if len(self.row_of) <= SHARED_DISTANCE_ROWS and None not in columns:
            if self._between is None:
                self._between = _great_circle_km(self.lat, self.lon, self.cos_lat, self.lat.T, self.lon.T)
            return self._between[:, columns]
        lat = np.radians([c.lat for c in places])
        lon = np.radians([c.lon for c in places])
        return _great_circle_km(self.lat, self.lon, self.cos_lat, lat, lon)


def _great_circle_km(lat, lon, cos_lat, to_lat, to_lon):
    """Haversine km from the points (lat, lon: columns of radians; cos_lat: their cosines) to the points
    (to_lat, to_lon: rows of radians), for ranking readings only (measures on maps use pyproj's Geod)."""
    import numpy as np

    a = np.sin((to_lat - lat) / 2) ** 2 + cos_lat * np.cos(to_lat) * np.sin((to_lon - lon) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(1.0, a)))


class Context:
    """The places an article names (by name key), for scoring one name's candidates against the others.

    Built for a fixed set of candidates (every candidate of the article), so that
    scoring one name's candidates is lookups, not array work per name.
    """

    def __init__(self, entries: list[tuple[str, Candidate]], candidates: Sequence[Candidate] | CandidateRows = ()):
        rows = candidates if isinstance(candidates, CandidateRows) else CandidateRows(candidates)

        by_id = {}
        for key, candidate in entries:
            by_id.setdefault(candidate.id, (key, candidate))
        if len(by_id) > MAX_CONTEXT_PLACES:
            # A report naming thousands of places: its most important ones are context enough,
            # and keep the work linear in the number of names.
            ranked = sorted(by_id.items(), key=lambda item: (-importance(item[1][1]), item[0]))
            by_id = dict(ranked[:MAX_CONTEXT_PLACES])
        # By key: each key's places are then neighbouring columns of the distance matrix.
        places = sorted(((k, c) for k, c in by_id.values() if c.kind in SUPPORT_KINDS), key=lambda kc: kc[0])
        # The key that brings each country or region into the context (None when several do): whether one
        # is named under another key than a given one is then a lookup (see support).
        self.country_key: dict[str | None, str | None] = {}  # the countries of the places
        self.inside_key: dict[str | None, str | None] = {}  # the regions the places (not regions) lie in
        for k, c in places:
            for code in (c.country or "").split(","):
                if code:
                    _add_key(self.country_key, code, k)
            if c.kind != "admin1" and c.admin1:
                _add_key(self.inside_key, c.admin1, k)
        self.named_key: dict[str | None, str | None] = {}  # the countries named
        self.region_key: dict[str | None, str | None] = {}  # the regions named
        for k, c in by_id.values():
            if c.kind == "country":
                _add_key(self.named_key, c.id, k)
            elif c.kind == "admin1":
                _add_key(self.region_key, c.id, k)
        # Whether the article names a country and a place in it: its context points somewhere.
        self.points_to_a_country = any(code in self.country_key for code in self.named_key)
        self.row_of = rows.row_of
        self._nearest_by_key([k for k, _ in places], rows.distances_to([c for _, c in places]))

    def _nearest_by_key(self, place_keys: list[str], distances) -> None:
        """For each candidate, its nearest place, that place's key, and the nearest place under another key.

        The nearest place not named by key K is then the nearest one, or the
        second when the nearest is K's: a selection, so the same distance as a
        minimum over the places not named by K. ``place_keys`` are sorted.
        """
        import numpy as np

        firsts = [i for i, k in enumerate(place_keys) if i == 0 or k != place_keys[i - 1]]
        self.key_number = {place_keys[i]: number for number, i in enumerate(firsts)}
        rows = np.arange(distances.shape[0])
        if firsts and len(rows):
            # (candidates, keys); a fresh array (it is written to): the places' columns are one per key, as
            # most often, or each key's nearest
            by_key = distances if len(firsts) == len(place_keys) else np.minimum.reduceat(distances, firsts, axis=1)
            nearest_key = by_key.argmin(axis=1)
            nearest = by_key[rows, nearest_key]
            by_key[rows, nearest_key] = np.inf
            second = by_key.min(axis=1)
        else:
            nearest_key = np.full(len(rows), -1)
            nearest = second = np.full(len(rows), np.inf)
        self.nearest_key = nearest_key.tolist()
        both = np.stack([nearest, second])
        self.nearest_km = both.tolist()
        # exp(-d/250 km): closeness of the nearest other place, as proximity and support weigh it.
        self.closeness = np.exp(-both / SUPPORT_SCALE_KM).tolist()

    def _nearest(self, candidate: Candidate, key: str) -> tuple[int, int]:
        """The candidate's row, and 1 when its nearest place is named by ``key`` (the second nearest counts
        then), else 0: the index into nearest_km and closeness."""
        row = self.row_of[candidate.id]
        return row, int(self.nearest_key[row] == self.key_number.get(key))

    def names_country_of(self, candidate: Candidate, key: str) -> bool:
        """Whether the article names the candidate's country, or a place in it, under another key."""
        return self.country_key.get(candidate.country, key) != key or self.named_key.get(candidate.country, key) != key

    def nearest_other_km(self, candidate: Candidate, key: str) -> float:
        """The km from the candidate to the nearest place the article names under another key (inf: none)."""
        row, which = self._nearest(candidate, key)
        return self.nearest_km[which][row]

    def proximity(self, candidates: list[Candidate], key: str) -> list[float]:
        """exp(-d/250 km) for the nearest other place (not country) the article names; 0 for countries."""
        out = []
        for candidate in candidates:
            row, which = self._nearest(candidate, key)
            out.append(0.0 if candidate.kind == "country" else self.closeness[which][row])
        return out

    def support(self, candidates: Sequence[Candidate], key: str) -> list[float]:
        """How much the rest of the article supports each candidate (0-1): being in the same
        country as the other places it names, near one of them, or in a country it names."""
        # A code comes with a name other than ``key`` when ``key_by_code.get(code, key) != key`` (the key
        # it comes with is None when several do); written out, as this runs for every candidate.
        country_key, region_key, inside_key = self.country_key, self.region_key, self.inside_key
        key_number = self.key_number.get(key)
        out = []
        for candidate in candidates:
            kind = candidate.kind
            if kind == "country":
                out.append(1.0 if country_key.get(candidate.id, key) != key else 0.0)
                continue
            if kind != "admin1" and region_key.get(candidate.admin1, key) != key:
                out.append(1.0)  # inside a region the article names ("Korenevo ... in the Kursk region")
                continue
            if kind == "admin1" and inside_key.get(candidate.id, key) != key:
                out.append(1.0)  # a region the article names a place in ("Georgia" with "Atlanta")
                continue
            support = SAME_COUNTRY_SUPPORT if country_key.get(candidate.country, key) != key else (
                NAMED_COUNTRY_SUPPORT if self.named_key.get(candidate.country, key) != key else 0.0)
            if support and kind == "populated_place" and candidate.population >= CITY_POPULATION:
                support = CITY_IN_NAMED_COUNTRY_SUPPORT
            row = self.row_of[candidate.id]
            which = 1 if self.nearest_key[row] == key_number else 0  # (as _nearest reads it)
            if self.nearest_km[which][row] > FAR_KM and candidate.population < 100_000:
                support = 0.0  # a small town 4,000 km from every other place named: the country is no help
            out.append(max(support, self.closeness[which][row]))
        return out


def _add_key(key_by_code: dict[str | None, str | None], code: str, key: str) -> None:
    """Record that ``code`` comes with the name ``key``: {code: its key, or None when it comes with several}."""
    key_by_code[code] = key if key_by_code.get(code, key) == key else None
