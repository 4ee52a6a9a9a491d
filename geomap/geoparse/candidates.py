"""Pass 4, candidates: the gazetteer entries each span may name, and the cues of its phrase.

Input: the spans that passed the filters. Output: the same spans with their
``candidates`` (the most important entries of the name, best first) and ``cue``
("region" for "the Kursk offensive", "city" for "headquarters in Kursk").
"""

from __future__ import annotations

import re

from geomap.gazetteer.folding import fold
from geomap.gazetteer.lookup import importance
from geomap.geoparse.spans import Span
from geomap.geoparse.words import WordLists
from geomap.records import Candidate

MAX_CANDIDATES = 8
READINGS_CACHED = 20_000  # names whose gazetteer entries a geoparser keeps (a few MB)

# ", Donetsk and Luhansk regions": a name in a list of regions.
_ENUMERATED_REGIONS = re.compile(r"\s*(?:,|and|or)\s+[^\W\d_][\w'’\-]*\s+(?:regions|oblasts|provinces)\b")


class Readings:
    """The gazetteer entries of a name, kept for the run: a corpus names the same places in article
    after article (up to :data:`READINGS_CACHED` names)."""

    def __init__(self, store):
        self.store = store
        self._cache: dict[str, list[Candidate]] = {}
        self._of_word: dict[tuple[str, bool, bool], list[Candidate]] = {}

    def every(self, key: str) -> list[Candidate]:
        """Every entry named ``key``, best first (not kept: asked for names written with their region)."""
        found = self.store.candidates_for_key(key)
        found.sort(key=lambda c: (-importance(c), c.id))
        return found

    def __call__(self, key: str) -> list[Candidate]:
        """The most important entries named ``key`` (at most :data:`MAX_CANDIDATES`), best first."""
        readings = self._cache.get(key)
        if readings is None:
            found = self.store.candidates_for_key(key)
            # The few most important readings are enough; "Washington" has dozens.
            found.sort(key=lambda c: (-importance(c), c.id))
            readings = found[:MAX_CANDIDATES]
            if len(self._cache) >= READINGS_CACHED:
                self._cache.clear()
                self._of_word.clear()
            self._cache[key] = readings
        return readings

    def of_word(self, key: str, common_word: bool, short_forms: bool) -> list[Candidate]:
        """The entries (as :meth:`__call__`) a word of the text named ``key`` may name: for a common word,
        only places by their own name and countries ("Western" is an alias of a town in Wisconsin); without
        ``short_forms``, no region by a short form of its name (see :func:`attach_candidates`). Kept for the
        run as the entries are."""
        memo_key = (key, common_word, short_forms)
        found = self._of_word.get(memo_key)
        if found is None:
            found = self(key)
            if common_word:
                found = [c for c in found if c.method == "exact" or c.kind == "country"]
            if not short_forms:
                found = [c for c in found if not _abbreviation(c, key)]
            self._of_word[memo_key] = found
        return found


def is_acronym(text: str, span: Span) -> bool:
    """Whether the span is written in capitals (a dotted initialism too: "U.S.") and stands inside a
    line; a capitalised word opening a line is a dateline ("GORIS", "PARIS, Mo."), not an acronym."""
    surface = span.surface
    if not (surface.isupper() and len(surface.replace(".", "")) <= 5):
        return False
    # The line around the name, read at most HEADLINE_CHARS either side (a text may be one 5 MB line).
    newline = text.rfind("\n", max(0, span.start - HEADLINE_CHARS), span.start)
    line_start = newline + 1 if newline >= 0 else max(0, span.start - HEADLINE_CHARS)
    line_end = text.find("\n", span.end, span.end + HEADLINE_CHARS)
    line = text[line_start:line_end if line_end >= 0 else span.end + HEADLINE_CHARS]
    letters = [ch for ch in line if ch.isalpha()]
    if sum(ch.isupper() for ch in letters) >= HEADLINE_CAPITALS * len(letters):
        return False  # a headline in capitals: "KYIV" is the city
    opens_line = (newline >= 0 or line_start == 0) and not text[line_start:span.start].strip()
    return not opens_line


def _dotted(text: str, span: Span) -> bool:
    """Whether the name is written as an abbreviation: with a period (after it or inside: "Calif.", "W.Va."),
    in capitals (a postal code: "NY", "NSW") or without a vowel ("Qld")."""
    return text[span.end:span.end + 1] == "." or "." in span.surface or span.surface.isupper() \
        or _VOWEL.search(span.key) is None


_VOWEL = re.compile("[aeiouy]")


def _bare_postal_code(text: str, span: Span) -> bool:
    """Whether the span is two capitals without periods ("OK", "IA") and no comma stands before it."""
    surface = span.surface
    return len(surface) == 2 and surface.isupper() and not text[:span.start].rstrip(" \t").endswith(",")


def _abbreviation(candidate: Candidate, key: str) -> bool:
    """Whether a region is matched by a short form of its name ("mont" for Montana, "ky" for Kentucky)."""
    letters = key.replace(" ", "")
    return candidate.kind == "admin1" and len(letters) <= 5 and len(letters) < len(candidate.name.replace(" ", "")) \
        and key not in fold(candidate.name).split()  # "kursk" is a word of "Kursk Oblast", no short form


def strip_region_word(key: str, words: WordLists) -> str:
    """"kursk region" -> "kursk" (the name a region phrase is built on)."""
    head, _, last = key.rpartition(" ")
    return head if head and last in words.region_words else key


REGION_KINDS = ("country", "admin1", "continent", "supranational", "named_region")
HEADLINE_CAPITALS = 0.8  # a line with this share of its letters in capitals is a headline, not acronyms
HEADLINE_CHARS = 200


def attach_candidates(text: str, spans: list[Span], readings: Readings, words: WordLists) -> list[Span]:
    """Each span with its candidates; spans without any (a hash collision of the scan) are dropped, and so
    are spans that end a longer proper name unless that name ends with the place (:func:`_kept_after_a_name`)."""
    kept = []
    for span in spans:
        # A common word names a place only by that place's own name, not an alias (Readings.of_word).
        # "Mont-Royal", "Co-workers": a state's abbreviation is written with its period ("Mont.", "Colo.");
        # a two-letter postal code follows its town's comma ("Louisville, KY"), else it is a word ("it is
        # OK") or a party's seat ("Tom Harkin (D-IA)").
        short_forms = _dotted(text, span) and not _bare_postal_code(text, span)
        candidates = readings.of_word(span.key, span.key in words.common, short_forms)
        if short_forms and text[span.end:span.end + 1] == "." and not span.surface.isupper() \
                and any(_abbreviation(c, span.key) for c in candidates):
            span.end += 1  # the period is the abbreviation's: "Ky.", "Mont.", "Alta."; not a sentence's after "NSW"
            span.surface += "."
        if is_acronym(text, span):
            # "HIV", "DOH", "UGA": letters in capitals inside a line name a country or a region
            # (US, UK, DRC, EU), not the town whose name they also spell.
            candidates = [c for c in candidates if c.kind in REGION_KINDS]
        if candidates:
            span.candidates = candidates
            if not span.after_name or _kept_after_a_name(text, span, words):
                kept.append(span)
    return kept


CITY_AFTER_ACRONYM_POPULATION = 100_000


def _kept_after_a_name(text: str, span: Span, words: WordLists) -> bool:
    """Whether a span with its candidates stays when it ends a longer proper name.

    A name after a capitalised word that is no place word (``Span.after_name``) is
    part of a person's name ("Doug Logan", "Mr Bar") unless it names a country or a
    first-level region ("Costco Canada", "Environment Canada", "SOS Children's
    Villages Sudan", "Team Alberta": a branch or a team of the place; "Agence
    France-Presse" is one word), or a city of 100,000 people after an acronym ("CTV
    Winnipeg", "CBC Toronto": a broadcaster's station, a body's office in the city).
    Surnames that are such places as well ("Michael Jordan") are the people pass's; an
    initial ("the Reverend W.V. Awdry"), an organisation's noun ("Health Centre") or
    another name of a place ("Waiheke Island" is no Iceland, "Petit Cambodge" no
    Cambodia) is no place there.
    """
    top = span.candidates[0]
    if "." in span.surface or span.key in words.organisation_nouns or top.method != "exact":
        return False
    before = span.word_before or ""
    acronym = 2 <= len(before) <= 5 and before.isalpha() and before.isupper()
    if text.startswith("-", span.end):
        return False  # "Agence France-Presse": one word
    return top.kind in ("country", "admin1") or (
        acronym and top.kind == "populated_place" and top.population >= CITY_AFTER_ACRONYM_POPULATION)


_COMMA = re.compile(r",[ \t]*")
PLACE_KINDS = ("populated_place", "admin2")


def read_region_after_comma(text: str, spans: list[Span], readings: Readings) -> None:
    """A town written with its region or country after a comma ("Paris, Missouri", "London, Ark.",
    "Victoria, B.C.") is a town of that region, among all the name's entries, not only the few most
    important; the article's other occurrences of the name mean the same town (one sense per discourse).
    ``spans`` are sorted by offset and carry their candidates."""
    inside: dict[str, list[Candidate]] = {}
    for span, following in zip(spans, spans[1:]):
        if span.key in inside or text[span.end:span.end + 1] != "," \
                or not _COMMA.fullmatch(text, span.end, following.start) \
                or span.candidates[0].kind in REGION_KINDS:
            continue  # a list of regions or countries: "California, Maryland", "Georgia, Armenia"
        within = {c.id for c in following.candidates if c.kind in ("admin1", "country")}
        towns = [c for c in readings.every(span.key)
                 if c.kind in PLACE_KINDS and (c.admin1 in within or c.country in within)][:MAX_CANDIDATES]
        # Its own name before another name of a place ("Western" is an alias of a town in Wisconsin).
        towns = [c for c in towns if c.method == "exact"] or towns
        if towns:
            inside[span.key] = towns
    for span in spans:
        if span.key in inside:
            span.candidates = inside[span.key]


_LIST_JOINER = re.compile(r"(?:,[ \t]*(?:(?:and|or)[ \t]+)?|[ \t]+(?:and|or)[ \t]+)")
LIST_MEMBERS = 3  # names in a list before the list says what kind of place each is


def read_list_cue(text: str, spans: list[Span]) -> None:
    """A name in a list of three or more names that are mostly first-level regions ("Ohio, Oregon, Utah and
    Wyoming", "Alberta, Manitoba, Ontario and New Brunswick") or mostly countries is one too: its cue says so,
    so that a town named after the state ("Oregon, Ohio") does not take it. ``spans`` are sorted by offset
    and carry their candidates; a cue already read stays."""
    run = spans[:1]
    for span, following in zip(spans, [*spans[1:], None]):
        if following is not None and _LIST_JOINER.fullmatch(text, span.end, following.start):
            run.append(following)
            continue
        if len(run) >= LIST_MEMBERS:
            for kind, cue in (("admin1", "region"), ("country", "country")):
                if 2 * sum(member.candidates[0].kind == kind for member in run) > len(run):
                    for member in run:
                        if member.cue is None and any(c.kind == kind for c in member.candidates):
                            member.cue = cue
        run = [following]


def read_region_or_city_cue(text: str, spans: list[Span], words: WordLists) -> None:
    """Set each span's cue: "region", "city" or "country" when its phrase says which is meant."""
    for span in spans:
        if strip_region_word(span.key, words) != span.key:
            span.cue = "region"  # the phrase says so itself: "the Luhansk region", "Sumy Oblast"
            continue
        after = (span.word_after or "").lower()
        before_phrase = " ".join(span.words_before)
        if after in words.region_cues_after or before_phrase.endswith(words.region_cues_before) \
                or _ENUMERATED_REGIONS.match(text, span.end, span.end + 60):
            span.cue = "region"
        elif after in words.city_cues_after or before_phrase.endswith(words.city_cues_before):
            span.cue = "city"
        elif before_phrase.endswith(words.country_cues_before):
            span.cue = "country"
