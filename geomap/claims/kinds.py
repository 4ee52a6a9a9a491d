"""Kinds: which claim, if any, a reading makes, with its actor, holder and places.

Internal to :mod:`geomap.claims`. :func:`interpret` reads one
:class:`~geomap.claims.article.Reading` in its sentence, using the cues of
:mod:`geomap.claims.cues` and the agents and places of
:mod:`geomap.claims.anchors`, and returns an
:class:`~geomap.claims.article.Interpretation` or None (no claim).

Where cues are looked for
-------------------------
First within the quantity's clause (the sentence cut at commas, semicolons,
colons, dashes and brackets; commas inside numbers do not cut), then in the
whole sentence.

Kind
----
First, a quantity that restates the claim just before it in the sentence takes
that claim's kind, actor and anchor: "down from"/"up from"/"compared with" a
quantity of the same family, and a size comparison right after an area
("gained 1,500 sq km, twice the size of London", a ``relative_area``).
Otherwise the family of the reading decides:

* Areas: ``region_area`` when a region is the subject of a size verb ("Kursk
  Oblast covers nearly 30,000 km²") or an appositive gives its size ("The
  Donetsk region, about 26,500 square kilometres in size", "Nagorno-Karabakh,
  an enclave of roughly 4,400 square kilometres,"), also of several regions
  together ("the combined land mass of Imo, Abia and Ekiti states is 18,203
  square kilometres": no one region) and of a place after "all of" ("All of
  Lagos is 3,345 square km"). Else the control cue of
  :func:`geomap.claims.cues.verb_cue`, else words of holding, or the sentence
  asking for "the size of the area still in the hands of" someone; none of
  them, no claim. Seized -> ``area_seized``, held or reduced -> ``area_held``, retaken ->
  ``area_retaken``, lost -> ``area_lost`` (the actor is who took it).
  Liberated -> ``area_retaken`` by the liberator: the speaker's word for his
  own side retaking ground, in Kursk Oblast or in Ukraine alike (what a map
  needs is who holds it now). Seized "from Russian forces" (the side named
  after the figure): the other side took it, and took it back where the land
  is its own ("captured more than 200 square kilometres ... from Russian
  forces" in Kherson -> ``area_retaken`` by Ukraine).
* Counts of settlements: ``count`` when a control cue is found, else no claim.
* Size comparisons: ``relative_area``, held when no verb says otherwise.
* Shares: "of <a region the geoparser found>", "of the region" (the admin-1
  region the article last named), "of its territory", "of the territory
  controlled by X" or "under X control" -> ``region_share``; otherwise a share
  of a territory ("of the area", "of the salient", "of what it was") that is
  held -> ``share_held``, retaken, lost or seized -> ``share_retaken``; a share
  of anything else is no claim.
* Lengths: :func:`geomap.claims.cues.length_kind`.
* Counts of people: ``count``; soldiers, prisoners and casualties always,
  civilians only with what happened to them
  (:func:`geomap.claims.cues.fate_of_people`: "killed 12 civilians"; "employ
  300 people" is no claim). They are facts about people, not territory: no
  km², km or share, and the place is only one named in their clause
  (:func:`geomap.claims.anchors.clause_place`), never a guess. ``actor`` is the
  side the people belong to when the text says so: a demonym in the counted
  noun ("Ukrainian soldiers", also when they were taken prisoner), the
  casualty noun's owner ("losses of Ukrainian forces", "Russian losses",
  "Russia's losses"), or the agent before the verb when they were lost ("the
  Russian side has lost 5,000 troops") or are troops it sends, masses or has
  ("Russia has massed 50,000 troops"); else None. ``subject`` says what is
  counted: the owner's adjective when the noun lacks it, the noun, and what
  happened to them ("Ukrainian soldiers taken prisoner", "Russian troops
  lost", "civilians killed").

Actor and holder follow :mod:`geomap.claims.anchors`. For shares the base of the
share (its of-phrase: "of the areas taken by Ukraine") tells who had taken the
territory and is hidden from the dating.
"""

from __future__ import annotations

import re

from geomap.claims.anchors import (
    PREPOSITIONS,
    adjective,
    agent_after,
    agent_by_after,
    agents_before,
    anchor_place,
    clause_place,
    country_place,
    first_person_actor,
    holder_in,
    opponent,
    owner_in,
    sentence_agents,
    taken_from,
)
from geomap.claims.areas import place_area
from geomap.claims.article import (
    Article,
    Interpretation,
    Place,
    Reading,
    Sentence,
    bulleted,
    place_of,
    word_before,
    word_tokens,
)
from geomap.claims.cues import (
    ADVANCE_NOUNS,
    DOWN_FROM_RE,
    SHARE_FROM_RE,
    OWN_TROOP_VERBS,
    ZONE_AFTER_RE,
    Cue,
    confined_side,
    control_category,
    direct_cue,
    fate_of_people,
    forced_retreat,
    governing_word,
    hypothetical,
    length_kind,
    main_verb_after,
    nearest_cue,
    people_category,
    road_length,
    verb_cue,
    weak_hold,
)
from geomap.claims.plausibility import MAX_DISTANCE_KM
from geomap.claims.shares import apposed, context_region, read_share
from geomap.claims.words import reader_patterns
from geomap.records import AREA_KINDS, Mention

_PATTERNS = reader_patterns("kinds")

__all__ = ["interpret"]

# Commas inside numbers ("1,300") do not break a clause.
_CLAUSE_BREAK_RE = re.compile(r"[;:()\[\]—]|\s[–-]\s|(?<!\d),|,(?!\d)")
# A period a gain is counted over: "in March", "in 2025", "this year", "last month", "since January".
_PERIOD_RE = re.compile(
    r"\b(?:in|during|throughout|over|since)\s+(?:the\s+(?:past|last|first)\s+\w+|(?:(?:early|mid|late)-?\s*)?"
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|(?:19|20)\d\d))\b"
    r"|\b(?:this|last|past)\s+(?:year|month|week)\b|\balone\b",
)
_AREA_OF_SHARE = {"region_share": "area_held", "share_held": "area_held", "share_retaken": "area_retaken"}
_SHARE_OF_AREA = {"area_retaken": "share_retaken", "area_lost": "share_retaken", "area_held": "share_held"}
_MAX_LIST_ITEMS = 15  # lines between a list's heading and an item
_MAX_LIST_ITEM_CHARS = 160
# A list item that starts with its label: "Shusha: may 08, 1992, territory 289 km2; Lachin: ...".
_LABELLED_ITEM_RE = re.compile(r"^[^\W\d][\w\-'’. ]{0,40}:\s")
# A heading line without a colon: a short title, no sentence punctuation, no figures.
_TITLE_RE = re.compile(r"[A-Z][^\d.,;:!?]{0,60}")
_HEADING_NOUNS = {"occupation": "seized", "capture": "seized", "seizure": "seized", "conquest": "seized",
                  "gain": "seized", "liberation": "liberated", "recapture": "retaken", "loss": "lost"}
_HEADING_NOUN_RE = re.compile(r"\b(" + "|".join(_HEADING_NOUNS) + r")(?:es|s)?\b", re.IGNORECASE)
# "Nagorno-Karabakh, an enclave of roughly 4,400 km²", "Darfur, an area of ...", "Kursk, which covers ...".
# Words before a region that make it no subject: "stretching across Syria and Iraq that was similar in size to"
_OBJECT_BEFORE = PREPOSITIONS | {"and", "or"}
_NAME_AFTER_RE = re.compile(r"\s+[A-Z][\w\-’']+")
_FOUNDING_WORDS = ("proclaimed", "declared", "founded", "established", "created", "set up")
_OWN_SIZE_REL = 0.1  # a bracketed area this close to a region's bundled area is the region's own size
_OWN_SIZE_PART = 0.5  # an appositive area below this share of a region's bundled area is a part of it


def interpret(
    article: Article,
    sentence: Sentence,
    reading: Reading,
    earlier: list[tuple[Reading, Sentence, Interpretation]],
) -> Interpretation | None:
    """The claim ``reading`` makes in ``sentence``, or None.

    ``earlier`` are the readings before it in the same sentence that made a claim
    (with their claims, in text order), for quantities that restate one ("down
    from", size comparisons, "that is", "or") or continue a list ("..., and
    13,000 to 14,000 km²").
    """
    previous = earlier[-1] if earlier else None
    window = _clause(article.text, sentence, reading)
    before = article.text[sentence.start : reading.span_start]
    if reading.family == "area":
        zone = _zone_size(article, sentence, reading)
        if zone is not None:  # a region's own size is a fact, whatever the sentence plans
            return zone
    if reading.family != "people" and hypothetical(article.text, sentence, reading, window):
        if reading.family == "relative" and reading.reference is not None:
            owner = _compared_place(article, sentence, reading)
            if owner is not None:  # "aims to take over all of Adamawa, a state ... roughly the size of Maryland":
                # the state's own size is a fact, whatever the sentence plans for it
                return Interpretation(kind="relative_area", place=owner, region=place_of(reading.reference))
        if reading.family == "length" and _PATTERNS.to_reach_after.match(article.text, reading.span_end):
            # "The Alliance would need to advance 2,600 km (1,600 miles) to reach Kinshasa": the advance is a
            # plan, the length how far the place is
            return Interpretation(kind="distance", place=anchor_place(article, sentence, reading, window,
                                                                      "distance", set()))
        return None
    if previous is not None and _restates(article.text, previous[0], reading):
        restated = _restated(article, sentence, reading, window, previous[2])
        if restated is not None:
            restated.dated_with = restated.dated_with or previous[0]
            return restated
    continued = _continued(article, sentence, reading, window, earlier)
    if continued is not None:
        return continued
    if (
        previous is not None
        and reading.family == "relative"
        and previous[0].family in ("area", "relative")
        and not article.text[previous[0].span_end : reading.span_start].strip(" ,")
    ):
        # "gained 1,500 sq km, twice the size of London": the same area again, compared.
        before_claim = previous[2]
        return Interpretation(
            kind="relative_area", actor=before_claim.actor, holder=before_claim.holder, place=before_claim.place,
            region=place_of(reading.reference), dated_with=previous[0],
        )  # fmt: skip
    if previous is not None and previous[0].family == reading.family and (DOWN_FROM_RE.search(before) or (
            reading.family == "share" and SHARE_FROM_RE.search(before))):
        before_claim = previous[2]
        return Interpretation(
            kind=before_claim.kind, actor=before_claim.actor, holder=before_claim.holder, place=before_claim.place,
            region=before_claim.region,
        )  # fmt: skip
    if reading.family == "area":
        result = _read_area(article, sentence, reading, window)
        if result is not None:
            result.mask += _founding_times(article.text, sentence, reading)
        return result
    if reading.family == "share":
        link = apposed(article.text, sentence, reading)
        if link is not None:  # "has lost nearly half, or 45 percent, of": the clause of the share it restates
            window = (_clause_start(article.text, sentence, link.start()), window[1])
        return read_share(article, sentence, reading, window, previous[2] if previous is not None else None)
    if reading.family == "length":
        return _read_length(article, sentence, reading, window)
    if reading.family == "count":
        return _read_count(article, sentence, reading, window)
    if reading.family == "people":
        return _read_people(article, sentence, reading, window)
    return _read_relative(article, sentence, reading, window)


def _restates(text: str, earlier: Reading, reading: Reading) -> bool:
    """Whether ``reading`` gives the quantity of ``earlier`` again: only a link between them ("or",
    ", that is,", ", which amounts to"), or the rest of its clause and then such a link with a comma
    ("800 km² have been liberated, which amounts to about 64%")."""
    between = text[earlier.span_end : reading.span_start]
    if len(between) > 120 or any(ch.isdigit() for ch in between):
        return False
    found = _PATTERNS.restated.search(between)
    if found is None:
        return False
    return found.start() == 0 or (found.group().strip(" ,") != "" and "," in found.group())


def _restated(
    article: Article, sentence: Sentence, reading: Reading, window: tuple[int, int], earlier: Interpretation
) -> Interpretation | None:
    """The same claim in another measure: an area after a share ("13.7% of Syria, that is, 25,470 square
    kilometers", "63.2% or 801 km²") or a share after an area ("recaptured 593 square kilometers, nearly
    half of them")."""
    if reading.family == "area" and earlier.kind in _AREA_OF_SHARE:
        return Interpretation(kind=_AREA_OF_SHARE[earlier.kind], actor=earlier.actor, holder=earlier.holder,
                              place=earlier.place)
    if reading.family == "share" and earlier.kind in _SHARE_OF_AREA:
        own = read_share(article, sentence, reading, window, None)
        if own is not None and own.kind == "region_share":
            return own  # "captured 5,600 km² -- nearly 1% of the country"
        # "its net territorial losses -- 35,000 to 36,000 km², or about 62 percent of the territory it had
        # dominated": the share of the same loss
        return Interpretation(kind=_SHARE_OF_AREA[earlier.kind], actor=earlier.actor, holder=earlier.holder,
                              place=earlier.place, mask=own.mask if own is not None else [])
    return None


def _continued(
    article: Article,
    sentence: Sentence,
    reading: Reading,
    window: tuple[int, int],
    earlier: list[tuple[Reading, Sentence, Interpretation]],
) -> Interpretation | None:
    """An item of a list in a sentence, with no verb of its own: the kind and actor of the last earlier
    claim of its family ("lost 62% of the territory ... in Iraq, and 30% in Syria"; "losses -- 35,000 km²
    ..., and 13,000 to 14,000 square kilometers")."""
    if not earlier or reading.family not in ("area", "share", "length"):
        return None
    text = article.text
    if not _PATTERNS.and_before.search(text, max(sentence.start, reading.span_start - 30), reading.span_start):
        return None
    if direct_cue(text, window, reading) is not None:
        return None
    same = [found for found in earlier if found[0].family == reading.family]
    if not same:
        return None
    last_reading, _, last = same[-1]
    if reading.family == "length" and (last.kind != "depth" or length_kind(text, sentence, reading, window)):
        return None  # "advanced two kilometres ... along the main road ... and three kilometres ... along the coast
        # road": a second advance of the same verb (a length with words of its own is read by them)
    mask = list(last.mask)
    if reading.family == "share" and (last.kind == "region_share" or re.match(r"\s+of\s", text[reading.span_end:
                                                                                             reading.span_end + 4])):
        held_base = _PATTERNS.held_base_after.match(text, reading.span_end) if last.kind == "share_retaken" else None
        if held_base is None:
            return None  # region shares continue in read_share; a share with its own of-phrase is read on its own
        mask = [(reading.span_end, held_base.end())]  # "and 27 percent of what it once held in Syria": lost too
    return Interpretation(kind=last.kind, actor=last.actor, holder=last.holder, place=anchor_place(
        article, sentence, reading, window, last.kind, set(), earlier=False) or last.place, mask=mask)


def _clause(text: str, sentence: Sentence, reading: Reading) -> tuple[int, int]:
    """Absolute bounds of the quantity's clause: the sentence cut at commas, semicolons, dashes, brackets."""
    left = _clause_start(text, sentence, reading.span_start)
    right_match = _CLAUSE_BREAK_RE.search(text, reading.span_end, sentence.end)
    right = right_match.start() if right_match else sentence.end
    return left, right


def _founding_times(text: str, sentence: Sentence, reading: Reading) -> list[tuple[int, int]]:
    """When something named before the figure was founded ("the 'caliphate' proclaimed by IS two years ago had
    shrunk to 68,300 sq km"): hidden from the dating, which it would date to the founding."""
    before = text[sentence.start : reading.span_start].lower()
    if not any(word in before for word in _FOUNDING_WORDS):  # most sentences found nothing
        return []
    return [m.span() for m in _PATTERNS.founded_when.finditer(text, sentence.start, reading.span_start)]


def _clause_start(text: str, sentence: Sentence, position: int) -> int:
    """Where the clause of ``position`` begins: after the last clause break before it in its sentence."""
    left = sentence.start
    for m in _CLAUSE_BREAK_RE.finditer(text, sentence.start, position):
        left = m.end()
    return left


def _region_area(article: Article, sentence: Sentence, reading: Reading) -> Place | None:
    """The region whose own size the quantity gives, or None."""
    text = article.text
    places = [m for m in article.mentions_in(sentence.start, reading.span_start) if m.type == "place"]
    whole = places[-1] if places else None
    if whole is not None and _PATTERNS.whole_of_before.search(text, max(sentence.start, whole.start - 20),
                                                              whole.start) and (
            _PATTERNS.is_size.fullmatch(text, whole.end, reading.span_start)):
        return place_of(whole)  # "All of Lagos is 3,345 square km": a city's own size too
    regions = [m for m in places if m.kind in ("admin1", "named_region", "country")]
    if not regions:
        return None
    region = regions[-1]
    between = text[region.end : reading.span_start]
    if any(control_category(t.lower) for t in word_tokens(text, region.end, reading.span_start)):
        return None
    # "in Kursk now measures 80 km²" is about an enclave in Kursk, not Kursk itself.
    is_subject = word_before(text, region.start, sentence.start) not in PREPOSITIONS
    if is_subject and _PATTERNS.subject_size.match(between):
        return place_of(region)
    if _PATTERNS.appositive.match(between) and not _part_of(text, sentence, region, reading, is_subject):
        return place_of(region)
    if re.fullmatch(r"\s*,\s*", between) and _PATTERNS.in_size.match(text[reading.span_end : reading.span_end + 20]):
        return place_of(region)
    # "Luxembourg's total landmass (2,586 sq km)", "the Gaza Strip, which has a total landmass of about 360"
    if _PATTERNS.possessive_size.fullmatch(between) or _PATTERNS.has_size.fullmatch(between):
        return place_of(region)
    # "Germany's federal state of Saarland (2,569 sq km)": a size in brackets that is the region's own
    if re.fullmatch(r"\s*\(\s*", between) and reading.normalised is not None:
        area = place_area(region)
        if area is not None and abs(reading.normalised - area.km2) <= _OWN_SIZE_REL * area.km2:
            return place_of(region)
    # "The size of Libya is 1,760,000 km"
    if (_PATTERNS.size_of_before.search(text, max(sentence.start, region.start - 40), region.start)
            and _PATTERNS.is_size.fullmatch(between)):
        return place_of(region)
    return None


def _compared_place(article: Article, sentence: Sentence, reading: Reading) -> Place | None:
    """The place a size comparison describes through an apposition ("Adamawa, a state of nearly 4 million people
    roughly the size of Maryland"), or None."""
    for mention in article.mentions_backwards(sentence.start, reading.span_start):
        if mention.type != "place":
            continue
        if _PATTERNS.apposed_kind.fullmatch(article.text, mention.end, reading.span_start):
            return place_of(mention)
        return None
    return None


def _regions_together(article: Article, sentence: Sentence, reading: Reading) -> bool:
    """Whether the quantity is the size of a list of regions together: "the combined land mass of Imo, Abia and
    Ekiti states is 18,203 square kilometres"."""
    text = article.text
    regions = [
        m for m in article.mentions_in(sentence.start, reading.span_start)
        if m.type == "place" and m.kind in ("admin1", "named_region", "country")
    ]  # fmt: skip
    if len(regions) < 2 or not _PATTERNS.regions_is_size.fullmatch(text, regions[-1].end, reading.span_start):
        return False
    first = len(regions) - 1
    while first > 0 and _PATTERNS.list_join.fullmatch(text, regions[first - 1].end, regions[first].start):
        first -= 1
    if first == len(regions) - 1:
        return False
    return _PATTERNS.size_of_before.search(text, max(sentence.start, regions[first].start - 40),
                                           regions[first].start) is not None


def _part_of(text: str, sentence: Sentence, region: Mention, reading: Reading, is_subject: bool) -> bool:
    """Whether an appositive area after a region is ground in it rather than its own size: the subject of a
    control verb ("the Netzarim axis in central Gaza Strip, an area of 49 km², ... has been occupied"), or, after
    a region named inside a prepositional phrase, far smaller than the region's bundled area."""
    if main_verb_after(text, reading.span_end, sentence.end)[0] is not None:
        return True
    if is_subject:
        return False
    area = place_area(region) if reading.normalised is not None else None
    return area is not None and reading.normalised < _OWN_SIZE_PART * area.km2


def _zone_size(article: Article, sentence: Sentence, reading: Reading) -> Interpretation | None:
    """The size of a region or zone: "Kursk Oblast covers nearly 30,000 km²", "the 360 [km²] that the
    enclave comprises", "The 235 square kilometre buffer zone is a demilitarised area" (the zone named by
    the area as an adjective, when no verb says it was taken or held)."""
    region = _region_area(article, sentence, reading)
    if region is not None:
        return Interpretation(kind="region_area", place=region, region=region)
    if _regions_together(article, sentence, reading):
        return Interpretation(kind="region_area")  # the size of several regions together: no one region's
    text = article.text
    line_start = max(sentence.start, text.rfind("\n", 0, reading.span_start) + 1)
    if _PATTERNS.size_label.fullmatch(text, line_start, reading.span_start):  # "AREA: 222,236 square km": a
        region = context_region(article, sentence, reading.span_start)  # factbox line, the size of what it is about
        return Interpretation(kind="region_area", place=region, region=region)
    if _PATTERNS.generic_apposed_size.fullmatch(text, sentence.start, reading.span_start) and (
            _PATTERNS.generic_apposed_end.match(text, reading.span_end)):  # "The buffer zone, a narrow area
        region = context_region(article, sentence, reading.span_start)  # spanning 400 square kilometres, was ...":
        return Interpretation(kind="region_area", place=region, region=region)  # the zone's own size
    if _PATTERNS.at_size_before.fullmatch(text, sentence.start, reading.span_start) and _PATTERNS.at_size_after.match(
            text, reading.span_end):  # "At 266,000 square kilometres it is relatively large": the size of the
        region = context_region(article, sentence, reading.span_start)  # place the sentences before are about
        return Interpretation(kind="region_area", place=region, region=region)
    if _PATTERNS.comprises_after.match(text, reading.span_end):
        region = context_region(article, sentence, reading.span_start)
        return Interpretation(kind="region_area", place=region, region=region)
    covers = _PATTERNS.zone_covers_before.search(text, max(sentence.start, reading.span_start - 80), reading.span_start)
    if covers is not None:  # a zone someone keeps is ground held, dated as such (its size changes, a region's not)
        result = Interpretation(kind="area_held")
        _territorial_actor(article, sentence, reading, _clause(text, sentence, reading),
                           Cue("held", covers.start(), covers.end()), result)
        return result
    if _zone_is(text, reading) and verb_cue(article, sentence, reading, _clause(text, sentence, reading))[0] is None:
        result = Interpretation(kind="area_held")  # "Today, it is a sprawling 18-square-mile zone": kept, dated
        _territorial_actor(article, sentence, reading, _clause(text, sentence, reading),
                           Cue("held", reading.start, reading.end), result)
        return result
    if (ZONE_AFTER_RE.match(text, reading.span_end) or _sized_place(article, reading)) and verb_cue(
            article, sentence, reading, _clause(text, sentence, reading))[0] is None:
        if _PATTERNS.indefinite_before.search(text, max(0, reading.span_start - 4), reading.span_start) and (
                hypothetical(text, sentence, reading, _clause(text, sentence, reading))):
            return None  # "Turkey could create a 5,000-square-kilometre (1,900 square-mile) safe zone": a zone
            # still to be made has no size yet (not "The 235-square-kilometer demilitarized buffer zone")
        place = anchor_place(article, sentence, reading, _clause(text, sentence, reading), "region_area", set(),
                             earlier=False)
        return Interpretation(kind="region_area", place=place)
    return None


def _sized_place(article: Article, reading: Reading) -> bool:
    """Whether the area is the adjective of a place the article knows, its unit in the singular: "the
    16,000-square mile region", "the 16,000 square-mile enclave", "the hilly, 1,200-square-kilometre Golan
    Heights" (not "250 square miles of territory", nor "on a 3 square kilometer area")."""
    text = article.text
    definite = _PATTERNS.sized_place_before.search(text, max(0, reading.span_start - 40), reading.span_start)
    if definite is None or reading.unit.lower().endswith("s"):
        return False
    if _PATTERNS.sized_place_after.match(text, reading.span_end) is not None:
        return True
    # a name right after it: "the hilly, 1,200-square-kilometre Golan Heights" (the geoparser may not know it)
    return _NAME_AFTER_RE.match(text, reading.span_end) is not None


def _zone_is(text: str, reading: Reading) -> bool:
    """Whether the area is the adjective of a zone the subject is ("Today, it is a sprawling 18-square-mile
    zone"): ground someone keeps, whose size changes."""
    copula = _PATTERNS.zone_is_before.search(text, max(0, reading.span_start - 30), reading.span_start)
    return (copula is not None and not reading.unit.lower().endswith("s")
            and _PATTERNS.sized_place_after.match(text, reading.span_end) is not None)


def _read_area(
    article: Article, sentence: Sentence, reading: Reading, window: tuple[int, int]
) -> Interpretation | None:
    cue, source = verb_cue(article, sentence, reading, window)
    heading = None
    if cue is None:
        heading = list_heading(article, sentence)
        if heading is not None:  # "Russia has captured:" then one line per direction
            cue = nearest_cue(article.text, heading.start, heading.end, leftwards=True) or _heading_noun_cue(
                article.text, heading)
    if cue is None and _PATTERNS.holding_peaked.search(article.text, max(sentence.start, reading.span_start - 60),
                                                       reading.span_start):
        cue, source = Cue("held", reading.start, reading.end), "weak"  # "IS’s territory peaked at 110,000 km²"
    if cue is None:
        sized = _PATTERNS.size_of_held.search(article.text, sentence.start, reading.span_start)
        if not weak_hold(article.text, window, reading) and sized is None:
            return None
        cue, source = Cue("held", reading.start, reading.end), "weak"
    if _PATTERNS.held_by_no_one_after.match(article.text, reading.span_end, sentence.end):
        return None  # "82 square kilometers ... of the Sumy region are under neither side's control": a grey zone
    if _PATTERNS.cleared_not_taken_after.match(article.text, reading.span_end, sentence.end):
        return None  # "another 195 square kilometers ... have been cleared of sabotage groups": still one's own
    category = "held" if cue.category == "reduced" else cue.category
    if category == "held" and _PATTERNS.occupied_over_a_period.match(article.text, cue.start) and _PERIOD_RE.search(
            article.text, sentence.start, sentence.end):
        category = "seized"  # "Russian forces occupied 133 sq km of Ukrainian territory in March": a gain
    kind = {"seized": "area_seized", "retaken": "area_retaken", "liberated": "area_retaken", "held": "area_held",
            "lost": "area_lost"}[category]
    result = Interpretation(kind=kind)
    if source == "participle":
        result.focus_end = cue.end
    if heading is not None:
        _territorial_actor(article, heading, reading, (heading.start, heading.end), cue, result)
        item = _list_item(article.text, sentence, reading)  # the item's own label names its place
        own = anchor_place(article, sentence, reading, item, result.kind, set(), earlier=False)
        result.place = own or result.place
        result.heading = heading
        return result
    _territorial_actor(article, sentence, reading, window, cue, result)
    return result


def list_heading(article: Article, sentence: Sentence) -> Sentence | None:
    """The heading line of a list the sentence is an item of: the nearest earlier line ending with a
    colon, with only list items (short lines, no blank line between) from it to this one."""
    text = article.text
    index = sentence.index
    for _ in range(_MAX_LIST_ITEMS):
        if index == 0:
            return None
        earlier = article.sentences[index - 1]
        between = text[earlier.end : article.sentences[index].start]
        if "\n" not in between or ("\n\n" in between.replace("\r", "") and not bulleted(
                text, article.sentences[index].start)):
            return None  # list items and their heading are single lines (a bulleted item may stand a line apart)
        if earlier.text.rstrip().endswith(":"):
            return earlier
        if index == sentence.index and _LABELLED_ITEM_RE.match(sentence.text) and _TITLE_RE.fullmatch(
                earlier.text.strip()):
            return earlier  # "The Occupation in Figures" over "Shusha: may 08, 1992, territory 289 km2; ..."
        if len(earlier.text) > _MAX_LIST_ITEM_CHARS:
            return None
        index -= 1
    return None


def _list_item(text: str, sentence: Sentence, reading: Reading) -> tuple[int, int]:
    """The ;-separated item of ``sentence`` that holds ``reading`` (the whole sentence if it has none)."""
    start = text.rfind(";", sentence.start, reading.span_start) + 1 or sentence.start
    end = text.find(";", reading.span_end, sentence.end)
    return max(start, sentence.start), sentence.end if end < 0 else end


def _heading_noun_cue(text: str, heading: Sentence) -> Cue | None:
    """A list heading that names what happened with a noun ("The Occupation in Figures", "Losses:")."""
    match = _HEADING_NOUN_RE.search(text, heading.start, heading.end)
    if match is None:
        return None
    return Cue(_HEADING_NOUNS[match.group(1).lower()], match.start(1), match.end(1))


def _km_written_for_km2(
    article: Article, sentence: Sentence, reading: Reading, window: tuple[int, int], region: Place | None
) -> Interpretation | None:
    """ "The size of Libya is 1,760,000 km. The army is in control of 1,730,000 km": "km" written for km²,
    when it gives a region's size or a length no two places are apart is held or taken."""
    flag = {"code": "unit_read_as_area",
            "message": f"'{article.text[reading.start : reading.end]}' read as km²: as a length it cannot be "
                       "territory"}
    if region is not None:
        return Interpretation(kind="region_area", place=region, region=region, flags=[flag])
    if reading.normalised is None or reading.normalised <= MAX_DISTANCE_KM:
        return None
    cue, _ = verb_cue(article, sentence, reading, window)
    if cue is None or length_kind(article.text, sentence, reading, window) in ("depth", "front_width"):
        return None
    result = _read_area(article, sentence, reading, window)
    if result is not None:
        result.flags.append(flag)
    return result


def _read_count(
    article: Article, sentence: Sentence, reading: Reading, window: tuple[int, int]
) -> Interpretation | None:
    cue, _ = verb_cue(article, sentence, reading, window)
    if cue is None:
        return None
    result = Interpretation(kind="count")
    _territorial_actor(article, sentence, reading, window, cue, result)
    return result


def _read_people(
    article: Article, sentence: Sentence, reading: Reading, window: tuple[int, int]
) -> Interpretation | None:
    """A count of soldiers, prisoners, casualties, or of civilians with what happened to them."""
    assert reading.counted is not None
    text = article.text
    counted = text[reading.counted[0] : reading.counted[1]]
    fate = fate_of_people(text, window, reading)
    if people_category(counted.split()[-1]) == "civilians" and fate is None:
        return None  # "a plant that will employ 300 people"
    named = [m for m in article.mentions_in(*reading.counted) if _code(m) is not None]
    actor = _code(named[0]) if named else _people_owner(article, sentence, reading, window, fate)
    words = [adjective(article, actor)] if actor is not None and not named else []
    words += [" ".join(counted.split()), fate or ""]
    return Interpretation(
        kind="count", actor=actor, place=clause_place(article, sentence, reading, window),
        subject=" ".join(w for w in words if w),
    )  # fmt: skip


def _code(mention: Mention) -> str | None:
    return mention.country or (mention.id if mention.kind == "country" else None)


def _people_owner(
    article: Article, sentence: Sentence, reading: Reading, window: tuple[int, int], fate: str | None
) -> str | None:
    """Whose people a count counts when its noun does not say: "the losses of Ukrainian forces",
    "Russian losses", "Russia's losses", "the Russian side has lost 5,000 troops", "Russia has massed
    50,000 troops"; else None."""
    assert reading.counted is not None
    text = article.text
    counted_start, counted_end = reading.counted
    if counted_end <= reading.start:  # the noun before the number: "losses of Ukrainian forces ... at 67,000"
        for mention in article.mentions_in(counted_end, reading.span_start):
            if mention.type == "demonym" or (
                mention.kind == "country" and re.search(r"\bof\s+$", text[counted_end : mention.start])
            ):
                return _code(mention)
    for mention in reversed(article.mentions_in(max(window[0], counted_start - 40), counted_start)):
        gap = text[mention.end : counted_start]
        if mention.type == "demonym" and re.fullmatch(r"\s+(?:[a-z]+\s+)?", gap):
            return _code(mention)  # "Russian losses", "Russian military losses"
        if mention.type == "place" and re.fullmatch(r"['’]s?\s+(?:[a-z]+\s+)?", gap):
            return _code(mention)  # "Russia's losses"
        break
    own_troops = people_category(text[counted_start:counted_end].split()[-1]) == "troops" and (
        governing_word(text, window, reading) in OWN_TROOP_VERBS
    )
    if fate == "lost" or own_troops:  # "the Russian side has lost 5,000 troops", "Russia has massed 50,000 troops"
        agents = agents_before(article, sentence, reading.span_start, since=window[0])
        return agents[0] if agents else None
    return None


def _read_relative(
    article: Article, sentence: Sentence, reading: Reading, window: tuple[int, int]
) -> Interpretation | None:
    assert reading.reference is not None
    cue, _ = verb_cue(article, sentence, reading, window)
    if cue is None:
        region_is = _PATTERNS.region_is.search(article.text, max(sentence.start, reading.span_start - 40),
                                               reading.span_start)
        if region_is and any(
                m.type == "place" and m.kind in ("admin1", "named_region", "country")
                and word_before(article.text, m.start, sentence.start) not in _OBJECT_BEFORE
                for m in article.mentions_in(sentence.start, reading.span_start)):
            return None  # "Kursk Oblast ... is comparable in size to Maryland": a region's own size (not the
            # object of a preposition: "a caliphate stretching across Syria and Iraq that was similar in size to")
        cue = Cue("held", reading.start, reading.end)
    result = Interpretation(kind="relative_area", region=place_of(reading.reference))
    _territorial_actor(article, sentence, reading, window, cue, result)
    return result


def _fronted_participle_subject(article: Article, sentence: Sentence, reading: Reading, cue: Cue) -> str | None:
    """The subject of the main clause after a fronted participle clause, which is the participle's too:
    "after occupying some 51,000 square miles (132,000 sq km) of Ukrainian land, Russia has lost a fifth"."""
    text = article.text
    if not text[cue.start : cue.end].lower().endswith("ing") or not _PATTERNS.fronted_participle.search(
            text, max(sentence.start, cue.start - 12), cue.start):
        return None
    comma = re.compile(r"(?<!\d),\s*|,(?!\d)\s*").search(text, reading.span_end, sentence.end)
    if comma is None:
        return None
    agent = agent_after(article, sentence, comma.end())
    return agent[1] if agent is not None else None


def _territorial_actor(
    article: Article,
    sentence: Sentence,
    reading: Reading,
    window: tuple[int, int],
    cue: Cue,
    result: Interpretation,
) -> None:
    """Fill actor, holder and place of an area, count or size comparison."""
    excluded = {id(reading.reference)} if reading.reference is not None else set()
    result.place = anchor_place(article, sentence, reading, window, result.kind, excluded)
    owner = owner_in(article, window[0], window[1]) or owner_in(article, sentence.start, sentence.end)
    if owner is None and result.place is not None:
        owner = result.place.country
    verb_position = min(cue.start, reading.span_start)
    subjects = [
        code
        for m, code in sentence_agents(article, sentence)
        if m.end <= verb_position and id(m) not in excluded
    ]
    subjects = list(reversed(subjects))  # nearest first
    if not subjects:
        speaker = first_person_actor(article, sentence, window[0], verb_position)  # "we have liberated"
        speaker = speaker or _fronted_participle_subject(article, sentence, reading, cue)
        subjects = [speaker] if speaker is not None else []
    category = "held" if cue.category == "reduced" else cue.category
    actor: str | None = None
    if category == "held":
        actor = holder_in(article, sentence, *window)
        if actor is None and cue.agent is not None:
            actor = cue.agent[1]
        side = confined_side(article.text, cue)
        if side is not None:  # "Sri Lankan forces had squeezed Tamil Tiger fighters into": the side squeezed holds it
            subjects = [code for m, code in sentence_agents(article, sentence) if side[0] <= m.start < side[1]]
        if actor is None and subjects:
            actor = subjects[0]
        result.holder = actor
    elif category == "seized" and _PATTERNS.previously_occupied.search(article.text, reading.span_end, window[1]):
        # "taken control of 700 km² of the previously occupied territory": taken back
        actor = cue.agent[1] if cue.agent is not None else (subjects[0] if subjects else None)
        result.holder = actor
        if result.kind in AREA_KINDS:
            result.kind = "area_retaken"
    elif category == "seized":
        actor = cue.agent[1] if cue.agent is not None else None
        if actor is None and subjects:
            # "the Ukrainian army stunned Russia when it ... seized 1,300 km² of Russian territory":
            # the nearest agent that is not the land's owner, else the nearest agent.
            actor = next((code for code in subjects if code != owner), subjects[0])
        loser = taken_from(article, sentence, reading.span_end) if actor is None else None
        if loser is not None:
            # "his forces had captured more than 200 square kilometres from Russian forces": the other side took
            # it, and took it back when the land is its own (in Kherson)
            actor = opponent(loser)
            land = owner or (result.place.country if result.place is not None else None)
            if result.kind == "area_seized" and actor is not None and actor == land:
                result.kind = "area_retaken"
        if actor is None:
            actor = opponent(owner)
        result.holder = actor
    elif category in ("retaken", "liberated"):
        # "liberated" is the speaker's word for his own side retaking ground, wherever it lies: a retaking by the
        # liberator ("Russian forces liberated 4,714 km²"), who holds it now. An act another sentence reports
        # (the headline's) carries its own agent.
        actor = (agent_by_after(article, sentence, cue.end) or (subjects[0] if subjects else None)
                 or (cue.agent[1] if cue.agent is not None and cue.end <= sentence.start else None) or owner)
        result.holder = opponent(actor)
    elif category == "lost":
        loser = subjects[0] if subjects else None
        actor = opponent(loser)  # who took it
        result.holder = loser
    result.actor = actor
    if result.place is None and (result.kind == "area_seized" or category == "seized"):
        # Unnamed land that was seized is the other side's. (Retaken land is not guessed: Moscow
        # "liberates" villages in Ukraine as well as in Kursk.)
        result.place = country_place(article, opponent(actor))




def _place_dimension(article: Article, sentence: Sentence, reading: Reading) -> bool:
    """Whether a length is how long or wide a named place itself is ("the Gaza Strip was around 41 kilometers
    long"): a fact about geography, no claim; a zone's width ("the corridor is 5 km wide") stays one."""
    text = article.text
    if _PATTERNS.place_noun_after.match(text, reading.end):
        return True  # "a 41km (25-mile) long and 10km-wide territory"
    if not _PATTERNS.dimension_after.match(text, reading.end):
        return False
    for mention in article.mentions_backwards(sentence.start, reading.span_start):
        if mention.type != "place":
            continue
        copula = _PATTERNS.copula_after_place.match(text, mention.end)
        if copula is None:
            continue
        between = text[mention.start : reading.span_start]
        return not _PATTERNS.zone_words.search(between) and not re.search(r"[;:]", between)
    return False


def _read_length(
    article: Article, sentence: Sentence, reading: Reading, window: tuple[int, int]
) -> Interpretation | None:
    if reading.unit.lower().startswith("k") and reading.normalised is not None and (
            reading.normalised > MAX_DISTANCE_KM or _PATTERNS.is_size_before.search(
                article.text, max(sentence.start, reading.span_start - 12), reading.span_start)):
        region = _region_area(article, sentence, reading)
        as_area = _km_written_for_km2(article, sentence, reading, window, region)
        if as_area is not None:
            return as_area
    if road_length(article.text, sentence, reading):
        # a road's length between two places is how far they are apart, whoever means to secure it
        return Interpretation(kind="distance", place=anchor_place(article, sentence, reading, window, "distance",
                                                                  set()))
    if _place_dimension(article, sentence, reading):
        return None
    kind = length_kind(article.text, sentence, reading, window)
    if kind is None:
        return None
    result = Interpretation(kind=kind)
    result.place = anchor_place(article, sentence, reading, window, kind, set())
    subjects = agents_before(article, sentence, reading.span_start)
    if kind == "distance":
        # Who is that far: an agent of the clause ("Russian troops are now 5 miles from"), or of the
        # sentence when the clause is a participle ("soldiers crawled ..., traveling nearly 9 miles").
        first = word_tokens(article.text, window[0], reading.span_start)[:1]
        participle = bool(first) and first[0].lower.endswith("ing")
        if not participle:
            subjects = agents_before(article, sentence, reading.span_start, since=window[0])
        result.actor = subjects[0] if subjects else None
        return result
    actor = subjects[0] if subjects else None
    if kind == "depth" and forced_retreat(article.text, window[0], reading.span_start):
        actor = opponent(actor)  # "Ukrainian forces have been compelled to retreat ... kilometers": Russia advanced
    if actor is None and any(t.lower in ADVANCE_NOUNS for t in word_tokens(article.text, sentence.start, sentence.end)):
        owner = result.place.country if result.place is not None else None
        actor = opponent(owner)
    result.actor = actor
    result.holder = actor
    return result
