"""Pass 3, filters: which spans name places here, by the article's own evidence.

Input: the place spans, the text, the word lists. Output: the spans that stay,
each with the cues read around it (``words_before``, ``place_context``,
``strong_cue``, ``needs_support``).

A span is dropped when the text says it is not a place here:

- it is part of a longer proper name: a capitalised word that is no place word
  precedes it ("Mr Bar", "Artem Kariakin"; marked ``after_name``, and the
  candidates pass keeps "Costco Canada", "CTV Winnipeg"), it ends an organisation's "X of Y"
  name ("Armed Forces of Ukraine") or starts an "X for Y" one ("Centers for
  Disease Control"), or it is itself a title before a name ("Ms. Kelly");
- the article uses the name for a person (:func:`person_names`): after a title
  ("President Trump"), as the surname after a given name ("Boris Johnson"),
  next to a verb of speech ("said Taylor", "Steele told"), with an age
  ("Burton, 39,"). Every bare occurrence of such a name is the person too, unless
  a locative preposition or "the town of" says a place is meant ("in Jordan");
- it is a month, weekday or feast without "the town of", or a common English
  word ("Western aid", "a Bar", "As many as") without a place cue.

An organisation named after a place ("Kenya Red Cross", "California Department
of Health") says nothing about the place's other occurrences: only people's
names spread through the article.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from geomap.gazetteer.folding import fold
from geomap.geoparse.spans import Span, name_after
from geomap.geoparse.text import is_capitalised, of_head, spaces_before, tokens_before, word_after, word_before
from geomap.geoparse.words import WordLists
from geomap.records import Candidate

COMMON_WORD_ZIPF = 4.0  # at least ten times per million English words: a place only with a place cue
OPENING_COMMON_WORD_ZIPF = 5.0  # a hundred times per million: not even opening a sentence ("As many as")
MAJOR_PLACE_POPULATION = 100_000  # a name this big is no person's by a verb of speech alone ("Moscow said")
FIRST_NAME_PLACE_POPULATION = 1_000_000  # nor is a first name this big the person elsewhere ("Paris Hilton")
LARGE_PLACE_POPULATION = 1_000_000  # a common word that names a region or a city this big is the place ("Berlin")
REGION_KINDS = ("country", "admin1", "continent", "supranational", "named_region")

_UPPER = "A-ZА-ЯЁЇІЄҐ"
_LOWER = "a-zа-яёїієґ"
# A word of a person's name: capitalised and then lower case ("McDonald", "O'Brien"), or an initial ("F.").
_NAME_WORD = rf"(?:[{_UPPER}][{_LOWER}][\w'’\-]*|[A-Z]\.)"
_NAME_CHUNK = re.compile(rf"(?=[{_UPPER}])(?<![\w'’\-]){_NAME_WORD}(?:[ \t]+{_NAME_WORD})*")
_AGE_AFTER = re.compile(r",\s*(?:aged\s+)?\d{1,3}\s*[,.;)]")
_CLAUSE_END = re.compile(r"\s*(?:[,.;:!?)\"”’—–]|$)")
_FOR_AFTER = re.compile(rf"[ \t]+for[ \t]+(?:the[ \t]+)?[{_UPPER}]")


def strong_cue_before(text: str, start: int, words: WordLists, words_before: list[str] | None = None) -> bool:
    """Whether the words before ``start`` say a place follows ("the city of", "the village of")."""
    before = tokens_before(text, start, 2) if words_before is None else words_before
    return " ".join(before).endswith(words.strong_cues_before)


def drop_parts_of_longer_names(text: str, spans: list[Span], initials: set[int], words: WordLists) -> list[Span]:
    """The spans that are not part of a longer proper name, nor right after a personal title."""
    ends = {s.end for s in spans}
    starts = {s.start for s in spans}
    kept = []
    for span in spans:
        before = span.word_before
        word = before.lower().rstrip(".") if before else None
        if before and word in words.titles:
            continue  # "President Trump"
        if before and is_capitalised(before) and span.start not in initials and not _place_preceder(word, words) \
                and not before.endswith(("'s", "’s")) and fold(before) not in words.demonyms \
                and not (before.isupper() and span.surface.isupper()):  # a headline: "RUSSIA RETAKES SUDZHA"
            gap_end = span.start - spaces_before(text, span.start)  # where the word before ends
            if gap_end - len(before) not in initials and gap_end not in ends:
                span.after_name = True  # "Mr Bar", "Artem Kariakin"; "Costco Canada" (candidates._kept_after_a_name)
        if _hyphenated_to_a_name(text, span.start, ends, words):
            continue  # "Ebola-Reston", "Sinclair-Alexander"; not "Middlesex-London", "Mid-Jutland"
        head = of_head(text, span.start) if _may_follow_of(text, span.start, before) else None
        if head and is_capitalised(head.group(1)) and head.group(1).lower() in words.organisation_nouns:
            span.embedded = True  # "Armed Forces of Ukraine", "University of Manitoba": the organisation's place
        # (After another head the place is the place: "the Republic of Crimea", "Mayor of Boston",
        # "Anne McLellan of Edmonton".)
        for_after = _FOR_AFTER.match(text, span.end)
        if for_after and for_after.end() - 1 not in starts \
                and span.surface.rpartition(" ")[2].lower() in words.organisation_nouns:
            continue  # "Centers for Disease Control"; not "left Sudzha for Kharkov", "leaving Cairo for the Hajj"
        if span.surface.lower().rstrip(".") in words.titles and is_capitalised(word_after(text, span.end + 1)
                                                                                 or word_after(text, span.end)):
            continue  # "Ms. Kelly", "Gen. Syrsky": a title, not the place the abbreviation also names
        kept.append(span)
    return kept


def _may_follow_of(text: str, start: int, before: str | None) -> bool:
    """Whether an "X of (the)" head (text.of_head) may end at ``start``: the word right before
    (text.word_before) is "of", or "the" after "of" within of_head's window, or not a word after spaces.
    (Most spans follow another word: of_head's search of its window is then spared; "the" alone came
    before a sixth of a corpus' spans.)"""
    if before is None or before == "of":
        return True
    if before != "the":
        return False
    the_at = text.rfind("the", 0, start)
    return text[max(0, start - 60):the_at].rstrip().endswith("of")


_HYPHENATED_WORD = re.compile(rf"(?<![\w'’\-])[{_UPPER}][\w'’]*[\-–]\Z")


def _hyphenated_to_a_name(text: str, start: int, ends: set[int], words: WordLists) -> bool:
    """Whether a capitalised word that is neither a place nor a place word is joined by a hyphen right
    before ``start``: the name is the second half of a compound one (a virus "Ebola-Reston", a double
    surname "Sinclair-Alexander", "Mahidol–Oxford"), not the place ("Middlesex-London", "Mid-Jutland")."""
    if not start or text[start - 1] not in "-–":
        return False  # the common case, told without trying the regex at each of 30 positions
    joined = _HYPHENATED_WORD.search(text, max(0, start - 30), start)
    if joined is None or start - 1 in ends:
        return False
    word = joined.group()[:-1].lower()
    return not _place_preceder(word, words) and word not in words.qualifiers and word != "mid" \
        and fold(word) not in words.demonyms


def _place_preceder(word: str | None, words: WordLists) -> bool:
    """Whether a word may stand before a place's name ("North", "Greater"), hyphenated ones too ("North-Western")."""
    return bool(word) and all(part in words.place_preceders for part in word.split("-"))


# What follows a month's abbreviation in a date: "Nov. 13", "Sept 2024", "Jun.\u00a05".
DAY_OR_YEAR_AFTER = re.compile(r"\.?\s{1,2}\d{1,4}\b")


def drop_names_of_things(text: str, spans: list[Span], words: WordLists) -> list[Span]:
    """The spans that are not the first words of the name of a street or a publication ("Hertford Road",
    "the New York Times": no place is meant, and the street is rarely in the town it is named after),
    nor of a building or campus ("Aberdeen University", "Buffalo Public Schools", "Dresden Zoo"), nor a
    building itself ("the White House": a town in Tennessee is named so too), nor a currency's country
    prefix ("US$460 million", "A$20", "$US 15 billion"), nor a part of a virus strain's designation
    ("A/California/7/2009"), nor an era after a year ("500 B.C."), nor a month's abbreviation before a day or
    a year ("in Nov. 13 last year": Nov is a town in Tajikistan, Jun one in Spain)."""
    abbreviations = {month[:3] for month in words.months} | {"sept"}
    kept = []
    for span in spans:
        if span.key in abbreviations and DAY_OR_YEAR_AFTER.match(text, span.end):
            continue
        if text.startswith("$", span.end) or text[span.start - 1:span.start] == "$":
            continue
        if text[span.start - 1:span.start] == "/" and text.startswith("/", span.end):
            continue
        head, _, last = span.surface.rpartition(" ")
        if head and last.istitle() and last.lower() in words.building_nouns \
                and tokens_before(text, span.start, 1) == ["the"]:
            continue
        if span.surface.lower() in words.eras and text[max(0, span.start - 8):span.start].rstrip()[-1:].isdigit():
            continue
        following = span.word_after
        noun = following.lower().rstrip(".") if following and is_capitalised(following) else None
        if noun and (noun in words.thoroughfare_nouns or noun in words.publication_nouns):
            continue
        if noun and any(word.removesuffix("'s").removesuffix("’s") in words.facility_nouns
                        for word in name_after(text, span.end)):
            continue
        kept.append(span)
    return kept


def person_names(text: str, words: WordLists, readings: Callable[[str], list[Candidate]],
                 asked: set[str] | None = None, spans: list[Span] = ()) -> set[str]:
    """The names the article uses for people (as written): the last word of each person's name.

    ``asked``: the names whose evidence matters (the place names the article
    writes); runs of capitalised words that neither start nor end with one of
    them are not read, which keeps the pass cheap. None reads every run.
    ``spans``: names whose words before and after are read already, with their two words before
    (:func:`read_place_cues`): a run is often one of them.

    A run of capitalised words ("Paul Allen", "Gov. Hugh Carey", "Steele") is a
    person's name when a title comes before or opens it, when it has two to four
    words and the first is a given name, when a verb of speech stands next to it
    ("said volunteer Artem Kariakin", "Taylor said"), or when an age follows it
    ("Burton, 39,"); a run that ends with an organisation's noun ("Kenya
    Broadcasting Corporation") is none. Its last word is the person's surname; its
    first is the person's first name, unless it also names a region or a city of a
    million people ("Paris Hilton" says nothing about Paris). A single word next to
    a verb of speech is a person unless it is also a country, a region or a city of
    100,000 people ("Moscow said" is the Russian government).
    """
    people: set[str] = set()
    before_at = {span.start: span.word_before for span in spans}
    after_at = {span.end: span.word_after for span in spans}
    words_before_at = {span.start: span.words_before for span in spans}
    for chunk in _NAME_CHUNK.finditer(text):
        names = chunk.group().split()
        if asked is not None and _bare(names[-1]) not in asked and names[0] not in asked:
            continue
        before = before_at[chunk.start()] if chunk.start() in before_at else word_before(text, chunk.start())
        titled = bool(before) and before.lower().rstrip(".") in words.titles
        while names and names[0].lower().rstrip(".") in words.titles:
            titled = True
            names = names[1:]
        if len(names) > 1:
            # A title inside the run: the person's name is what follows the last one ("Granville County Fire
            # Marshal Doug Logan", "Agriculture Minister Jim Sutton").
            inner_title = max((i for i, name in enumerate(names) if name.lower().rstrip(".") in words.titles),
                              default=-1)
            if inner_title >= 0:
                titled = True
                names = names[inner_title + 1:]
        names = [_bare(name) for name in names]
        if not names or "." in names[-1]:
            continue
        if names[-1] in people and (len(names) == 1 or names[0] in people):
            continue  # a person named before: this run can add no name (the evidence is read once a name)
        last = names[-1].lower()
        if last in words.organisation_nouns or last in words.place_followers or last in words.inner_words:
            continue
        if titled or _age_after(text, chunk.end()) or (
                2 <= len(names) <= 4 and (names[0].lower() in words.given_names
                                          or _speech_next_to(text, chunk.start(), chunk.end(), words, after_at,
                                                             words_before_at))):
            people.add(names[-1])
            if len(names) >= 2 and not _major_place(readings(fold(names[0])), FIRST_NAME_PLACE_POPULATION):
                people.add(names[0])  # "Artem" after "soldier Artem Kariakin"; not "Georgia", "Paris"
        elif len(names) == 1 and _speech_next_to(text, chunk.start(), chunk.end(), words, after_at, words_before_at) \
                and not _ends_a_longer_name(text, chunk.start(), words) \
                and not _major_place(readings(fold(names[0])), MAJOR_PLACE_POPULATION):
            people.add(names[0])
    return people


def _bare(name: str) -> str:
    """A name without its possessive: "Steele's" -> "Steele"."""
    return name.removesuffix("'s").removesuffix("’s")


def _speech_next_to(text: str, start: int, end: int, words: WordLists, after_at: dict[int, str | None],
                    words_before_at: dict[int, Sequence[str]]) -> bool:
    """A verb of speech right after the name ("Taylor said"), or before it with at most one word between
    when the clause ends with the name ("said Taylor.", "said volunteer Artem Kariakin,", "according to
    Xinhua."; not "said Korenevo had been retaken"). ``after_at``, ``words_before_at``: the word after and
    the two words before (text.tokens_before) some offsets, read already."""
    after = after_at[end] if end in after_at else word_after(text, end)
    if (after or "").lower() in words.speech_verbs:
        return True
    if not _CLAUSE_END.match(text, end):
        return False
    before = words_before_at[start] if start in words_before_at else tokens_before(text, start, 2)
    return bool(before) and (before[-1] in words.speech_verbs or (len(before) == 2 and before[0] in words.speech_verbs))


def _ends_a_longer_name(text: str, start: int, words: WordLists) -> bool:
    """Whether a word joining the parts of a name comes right before ``start`` ("Department of Health said")."""
    before = tokens_before(text, start, 1)
    return bool(before) and before[-1] in words.name_connectors


def _age_after(text: str, end: int) -> bool:
    return bool(_AGE_AFTER.match(text, end, end + 14))


def _major_place(candidates: list[Candidate], population: int) -> bool:
    """Whether one of the candidates is a country or larger, or has ``population`` people (an admin-1
    unit counts by its people: Natural Earth's include small municipalities, "Paul", "Bar")."""
    return any(c.population >= population if c.kind in ("populated_place", "admin1") else c.kind in REGION_KINDS
               for c in candidates)


def drop_people(text: str, spans: list[Span], people: set[str], words: WordLists) -> list[Span]:
    """The spans that do not name one of the article's people, or that a place cue keeps
    ("in Jordan", "the town of Artem"; not "in Artem's words")."""
    return [s for s in spans if s.surface not in people or s.strong_cue
            or (s.words_before and s.words_before[-1] in words.locative_prepositions
                and not text.startswith(("'s", "’s"), s.end))]


def read_place_cues(text: str, spans: list[Span], words: WordLists) -> None:
    """Set each span's words before, place preposition, strong cue and qualifier."""
    for span in spans:
        span.words_before = tokens_before(text, span.start, 2)
        span.strong_cue = strong_cue_before(text, span.start, words, span.words_before)
        span.place_context = bool(span.words_before and span.words_before[-1] in words.place_prepositions)
        # (Each of the two reads opens with the word before, or after: most spans have neither.)
        before, after = span.word_before, span.word_after
        span.qualifier_start = qualifier_start(text, span.start, words, before) \
            if before and before.lower() in words.qualifiers else None
        span.feature_end = feature_end(text, span, words) if after and after.lower() in words.feature_nouns else None
        if span.feature_end is not None:
            span.embedded = False  # "Salinas Valley" is a place, not an organisation named after Salinas


def feature_end(text: str, span: Span, words: WordLists) -> int | None:
    """Where the capitalised feature noun one space after the span ends ("Salinas Valley", "Panama Canal"),
    unless the name ends with one itself ("Peace River Valley" is the valley of the town Peace River)."""
    following = span.word_after
    if not (following and following.istitle() and following.lower() in words.feature_nouns
            and text.startswith(" " + following, span.end)):
        return None
    last = span.surface.rpartition(" ")[2].lower()
    if last in words.feature_nouns or last in words.organisation_nouns:  # "river", "lake", "island" too
        return None
    return span.end + 1 + len(following)


QUALIFIER_WORDS = 2  # "South West England"


def qualifier_start(text: str, start: int, words: WordLists, before_start: str | None) -> int | None:
    """Where the capitalised qualifiers right before ``start`` begin ("Northern Europe", "North Dallas",
    "South West England"), one space apart; None without any, or when they follow another capitalised word
    that is no place word: "Far North Queensland" is Queensland's far north, not a place "North Queensland".
    ``before_start``: the word right before ``start`` (text.word_before)."""
    found = None
    at = start
    for _ in range(QUALIFIER_WORDS):
        before = word_before(text, at) if at != start else before_start
        if not (before and before.istitle() and before.lower() in words.qualifiers
                and text[at - 1:at] == " " and text.endswith(before, 0, at - 1)):
            break
        at = at - 1 - len(before)
        found = at
    if found is not None:
        preceding = word_before(text, found)
        if preceding and is_capitalised(preceding) and preceding.lower() not in words.place_preceders \
                and text[found - 1:found] == " ":
            return None
    return found


def gate_common_words(spans: list[Span], words: WordLists, readings: Callable[[str], list[Candidate]]) -> list[Span]:
    """Months, weekdays, feasts and common words count as places only with a place cue.

    How much cue a common word needs depends on the place it would be: none for a
    region or a city of a million ("Michigan", "Berlin"), support from the
    article's country for a city of 100,000 ("Buffalo", "Tripoli"), a place cue or
    a place named nearby for anything smaller ("Hope", "Sparks").
    """
    kept = []
    for span in spans:
        key = span.key
        if key in words.months or key in words.weekdays or key in words.holidays:
            if span.strong_cue:
                kept.append(span)
            continue
        zipf = words.common.get(key, 0.0)
        if zipf and not span.strong_cue and not span.cue:  # "the Boston region", "Mayor of Boston": a place
            candidates = readings(key)
            if _major_place(candidates, LARGE_PLACE_POPULATION):
                pass  # "Berlin", "Michigan": the place, whatever the word
            elif _major_place(candidates, MAJOR_PLACE_POPULATION):
                span.needs_support = None if span.place_context else "country"
            elif not span.place_context and zipf >= (OPENING_COMMON_WORD_ZIPF if span.sentence_initial
                                                     else COMMON_WORD_ZIPF):
                continue  # "Western aid", "a Bar", "As many as": a common word without a place cue
            else:
                # "Sparks flew", "the Hope clinic": the place must also lie near the article's
                # other places, or the word is just a word.
                span.needs_support = "near"
        kept.append(span)
    return kept


def drop_organisations(spans: list[Span], words: WordLists) -> list[Span]:
    """The resolved spans, without groupings of countries that are organisations unless a locative
    preposition makes them places ("NATO said" goes, "across the EU" stays)."""
    return [s for s in spans if s.chosen is None or s.chosen.id not in words.organisation_regions
            or (s.words_before and s.words_before[-1] in words.locative_prepositions)]


def demonym_names_its_country(text: str, span: Span, words: WordLists) -> bool:
    """Whether a demonym names its country's land, as an adjective does ("Russian troops", "Turkish
    officials"), or only people or a language: a plural noun ("Americans", "Russians") or a language
    after "speaks" or "in" ("speaks French", "in Turkish"). Only the first gets the country's point."""
    key = span.key
    if key.endswith("s") and key[:-1] in words.demonyms:
        return False  # "Americans": people
    before = tokens_before(text, span.start, 1)
    following = span.word_after
    if before and before[-1] in words.language_cues and not (following and following.islower()
                                                             and following not in ("and", "or")):
        return False  # "speaks French", "in Turkish,"; not "in Turkish prisons"
    return True
