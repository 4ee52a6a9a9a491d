"""Who and where: the actor, holder and anchor place of a claim, and the words that name its territory.

Internal to :mod:`geomap.claims`; :mod:`geomap.claims.kinds` decides which of
these rules apply to a reading.

Actor (ISO code of who holds or took the territory)
---------------------------------------------------
Agents are country names, capitals used for their governments ("Kyiv's forces",
"Moscow says") and demonyms before a military noun ("Russian forces",
"Ukrainian army"); a name after a preposition ("the invasion of Russia") is not
an agent. Held: the holder named with the territory ("held by Kyiv's forces",
"in Ukrainian hands", "under Russian control", "Ukrainian salient", "Ukrainian
holdouts"), else the nearest agent before the verb. Seized: the agent of the
participle ("seized by Ukraine"), else the nearest agent that is not the owner
of the territory ("of Russian territory", or the anchor's country), else the
owner's opponent. Retaken: the nearest agent, else the opponent of the side that
had taken the base ("86% of the areas taken by Ukraine" -> RU), else the owner.
Depth and front width fall back on the owner's opponent when the sentence
speaks of an offensive, advance or breakthrough; distances only name an agent
that comes before them. Opponents are known for Russia and Ukraine only: in a
civil war the other side is not a country, so nothing is guessed.

Anchor (place, place_id, anchor_lat/anchor_lon)
-----------------------------------------------
``region_share``/``region_area``: the region itself. Otherwise the first of:
the populated place nearest to the quantity in its clause; a region named in
the clause; a populated place, then a region, elsewhere in the sentence; a
country named in the clause; the places of the two sentences before it in the
same paragraph; the country whose territory it is ("of Ukrainian land"); the
region the article names most; for seized land (and the captured base of a
share) the captor's opponent; retaken land is not guessed, since Moscow
"liberates" villages in Ukraine as well as in Kursk. A region is replaced by the
populated place the article names most inside it (the Kursk salient was centred
on Sudzha), not counting the region's namesake city. A distance is measured to
a point: its anchor is the first place after it in its clause ("5 miles from
Pokrovsk", "280 km north of Kidal"), else the nearest place before it in the
sentence ("Sudzha, about 10 km from the border"), and is never replaced.
Agents ("Moscow says"), the reference of a "size of" comparison and, outside
the quantity's clause, the place someone spoke in ("Speaking at a forum in
Kyiv, Syrskyi announced ...") are never anchors. A bare city name that shares
its name with its own oblast ("in Kursk") stands for the oblast in area, share
and settlement-count claims,
unless a city word says otherwise ("the city of Kursk", "north of Kursk").
Counts of people only take a place named in their clause
(:func:`clause_place`): nothing is guessed for them.

Subject
-------
:func:`territory_subject` names the territory a claim measures:
"Ukrainian-held part of Kursk Oblast", "territory in Donetsk Oblast" (holder
unknown), "Russian advance into Kharkiv Oblast" (depth, front width); none for
distances. Counts of people say what they count instead (see
:mod:`geomap.claims.kinds`).
"""

from __future__ import annotations

import re

from geomap.claims.areas import enclosing_area
from geomap.claims.article import Article, Interpretation, Place, Reading, Sentence, place_of, word_before
from geomap.claims.words import reader_patterns, reader_words
from geomap.records import AREA_KINDS, SHARE_KINDS, Mention

_WORDS = reader_words("anchors")
# An area more than this multiple of the region its anchor lies in is no area of that region ...
_TOO_LARGE = 2.0
# ... judged only against regions this large (a city's own admin-1 unit, "Shusha City", is a few km²)
_MIN_ENCLOSING_KM2 = 1000.0
_PATTERNS = reader_patterns("anchors")
_PREDICATE_BETWEEN_RE = re.compile(r"\b(?:is|are|was|were|remains?|remained)\b")
_NAMED_FORCE = r"(?-i:(?:[A-Z][\w’\-]*\s+){1,3}(?:Army|Front|Forces|Movement|Alliance))"
_WRITTEN_HOLDER_RE = re.compile(_PATTERNS.written_holder.pattern.replace(
    "FACTIONS", "|".join(sorted(_WORDS.faction_nouns))).replace("NAMED_FORCE", _NAMED_FORCE), re.IGNORECASE)

__all__ = [
    "PREPOSITIONS", "adjective", "agent_after", "agent_by_after", "agent_ending_at", "agents_before",
    "anchor_place", "clause_place", "country_place", "first_person_actor", "holder_in", "opponent", "owner_in",
    "names_faction", "promoted", "sentence_agents", "speaker_country", "territory_subject", "written_holder",
]  # fmt: skip

PREPOSITIONS = _WORDS.prepositions
_ADJECTIVES = {"UA": "Ukrainian", "RU": "Russian", "BY": "Belarusian", "KP": "North Korean"}
# Belligerents the project is about. Elsewhere no opponent is guessed: in a civil war the
# other side is not a country.
_OPPONENTS = {"RU": "UA", "UA": "RU"}
_COUNTRY_NAMES = {"RU": "Russia", "UA": "Ukraine"}  # for an opponent the article does not name


# --------------------------------------------------------------------------
# Agents, holders, owners
# --------------------------------------------------------------------------


def opponent(code: str | None) -> str | None:
    """The other side, where the project knows it (Russia and Ukraine)."""
    return _OPPONENTS.get(code) if code is not None else None


def _agent_code(m: Mention, text: str) -> str | None:
    """The country a mention stands for when it acts (subject or 'by' agent), else None."""
    code = m.country or (m.id if m.kind == "country" else None)
    if code is None:
        return None
    after = text[m.end : m.end + 60]
    if m.type == "demonym":
        force = _PATTERNS.non_state_force.search(text, max(0, m.start - 5), m.end + 20)
        if force is not None and force.start() <= m.start < force.end():
            return None
        if names_faction(text, m):
            return None  # "the Bosnian Serbs have seized": a side within the country, not the country
        # "Russian forces", "Turkish-backed opposition forces": the side behind them acts
        words = [w.lower() for w in re.match(r"(?:-(?:backed|led|allied|supported))?(?:[ \t]+[^\W\d_][\w\-]*){0,3}",
                                             after).group().split()]
        # "the Russians have occupied 280 square miles": a plural demonym is the side's people, and acts
        plural = m.text[-1:] == "s" and not re.match(r"['’]", after)
        if not plural and not any(w in _WORDS.agent_nouns for w in words):
            return None
    elif m.kind == "country" or (m.kind == "populated_place" and m.feature_code == "PPLC"):
        possessive = re.match(r"['’]s?(?![\w])((?:[ \t]+[^\W\d_][\w\-]*){0,2})", after)
        if possessive and not any(w.lower() in _WORDS.agent_nouns for w in possessive.group(1).split()):
            return None  # "Ukraine's eastern front", "Russia's economy"
    else:
        return None
    before = word_before(text, m.start, 0)
    if before in _WORDS.compass_adjectives:  # "of southern Syria", "in eastern Ukraine"
        before = word_before(text, m.start - len(before) - 1, 0)
    if before in PREPOSITIONS:
        if before == "for" and re.match(r"(?:['’]s?)?(?:\s+[^\W\d_]+){0,2}\s+to\s", after):
            return code  # "for Russia to seize"
        return None
    return code


def sentence_agents(article: Article, sentence: Sentence) -> list[tuple[Mention, str]]:
    """The sentence's agent mentions with their country codes (cached per sentence on the article)."""
    if sentence.index not in article.agent_cache:
        asides = []  # an aside needs " by ": most sentences skip the pattern's search
        if article.text.find(" by ", sentence.start, sentence.end) >= 0:
            asides = [(a.start(), a.end()) for a in _PATTERNS.support_aside.finditer(article.text, sentence.start,
                                                                                     sentence.end)]
        article.agent_cache[sentence.index] = [
            (m, code)
            for m in article.mentions_in(sentence.start, sentence.end)
            if (code := _agent_code(m, article.text)) is not None
            and not any(start <= m.start < end for start, end in asides)
        ]
    return article.agent_cache[sentence.index]


def agent_after(article: Article, sentence: Sentence, position: int) -> tuple[Mention, str] | None:
    """The agent right after ``position`` ('by Ukraine', "by Kyiv's forces", 'by the Russian army')."""
    for mention in article.mentions_in(position, min(sentence.end, position + 40)):
        if not _PATTERNS.only_the.fullmatch(article.text[position : mention.start]):
            break
        # A demonym or country right after "by" is the agent, whatever noun follows (but "by the Bosnian Serbs",
        # a side within the country, is none).
        code = mention.country or (mention.id if mention.kind == "country" else None)
        if mention.type == "demonym" and names_faction(article.text, mention):
            break
        if code and (mention.type == "demonym" or mention.kind == "country" or mention.feature_code == "PPLC"):
            return mention, code
        break
    return None


def agent_ending_at(article: Article, sentence: Sentence, position: int) -> tuple[Mention, str] | None:
    """The agent (or country) right before ``position``, only spaces between: 'the land Ukraine seized'."""
    for mention, code in sentence_agents(article, sentence):
        if mention.end <= position and not article.text[mention.end : position].strip():
            return mention, code
    for mention in article.mentions_in(sentence.start, position):
        if mention.kind == "country" and not article.text[mention.end : position].strip():
            return mention, mention.country or mention.id or ""
    return None


def agents_before(article: Article, sentence: Sentence, position: int, since: int = 0) -> list[str]:
    """Agent codes before ``position`` (and from ``since`` on) in the sentence, nearest first."""
    agents = sentence_agents(article, sentence)
    found = [(m.start, code) for m, code in agents if since <= m.start and m.end <= position]
    return [code for _, code in sorted(found, reverse=True)]


def agent_by_after(article: Article, sentence: Sentence, position: int) -> str | None:
    """The code of the agent of a 'by' right after ``position``: 'retaken by Russian forces'."""
    by = re.match(r"\s+by\s+", article.text[position : position + 10])
    if by is None:
        return None
    agent = agent_after(article, sentence, position + by.end())
    return agent[1] if agent else None


_TAKEN_FROM_RE = re.compile(r"(?:\s*\([^()]{0,40}\))?\s+from\s+(?:the\s+)?", re.IGNORECASE)


def taken_from(article: Article, sentence: Sentence, position: int) -> str | None:
    """The side ground was taken from, named right after the quantity ("captured more than 200 square kilometres
    (75 square miles) from Russian forces"): a demonym of forces or a country."""
    found = _TAKEN_FROM_RE.match(article.text, position, sentence.end)
    if found is None:
        return None
    agent = agent_after(article, sentence, found.end())
    return agent[1] if agent is not None else None


def holder_in(article: Article, sentence: Sentence, start: int, end: int) -> str | None:
    """Who holds the territory, as written with it: 'held by X', 'in Ukrainian hands', 'Ukrainian salient', 'under
    control by X'."""
    text = article.text
    for mention in article.mentions_in(start, end):
        code = mention.country or (mention.id if mention.kind == "country" else None)
        if code is None or (mention.type == "demonym" and names_faction(text, mention)):
            continue
        after = text[mention.end : mention.end + 30].lower()
        before = text[max(sentence.start, mention.start - 30) : mention.start].lower()
        if re.match(r"-(?:held|controlled|occupied)\b", after):
            return code
        if mention.type == "demonym":
            if re.search(r"\bin\s+$", before) and re.match(r"\s+hands\b", after):
                return code
            if re.search(r"\bunder\s+$", before) and re.match(r"\s+(?:control|occupation|rule)\b", after):
                return code
            next_word = re.match(r"\s+([a-z\-]+)", after)
            if next_word and next_word.group(1) in _WORDS.holding_nouns and next_word.group(1) != "territory":
                return code
        if re.search(r"\b(?:held|controlled|occupied|retained)\s+by\s+(?:the\s+)?$", before):
            return code
        if re.search(r"\bunder\s+(?:the\s+)?(?:control|occupation|rule)\s+(?:of|by)\s+(?:the\s+)?$", before):
            return code  # "the amount of Armenian territory currently under control by Azerbaijan"
    return None


def names_faction(text: str, mention: Mention) -> bool:
    """Whether a demonym names a side within its country ("Bosnian Serbs", "Syrian rebels"), not the country."""
    following = re.match(r"[\s\-]+([^\W\d_]+)", text[mention.end : mention.end + 30])
    return following is not None and following.group(1).lower() in _WORDS.faction_nouns


def written_holder(article: Article, sentence: Sentence, reading: Reading) -> tuple[str, bool] | None:
    """The side that holds the ground, named as written in the sentence, when it is no country: "held by the
    Bosnian Serbs" (Bosnian Serbs), "SDF-held areas" (SDF), "the rebels control" (rebels). The nearest before the
    quantity, else the first after it; a name the gazetteer knows as a country or a country's people is none.
    With it, whether it is the subject of the verb right before the quantity ("Chad says rebels control
    one-third"), which no agent elsewhere in the sentence overrides."""
    text = article.text
    found = []
    for match in _WRITTEN_HOLDER_RE.finditer(text, sentence.start, sentence.end):
        group = next(name for name in ("by", "held", "subject") if match.group(name))
        name_start = match.start(group)
        name = " ".join(match.group(group).split())
        if name.split()[-1].lower() not in _WORDS.faction_nouns and any(
                m.start <= name_start < m.end for m in article.mentions_in(name_start, match.end(group))):
            continue  # "Russian-held", "held by Ukraine": a country's, read as its actor
        if name.lower() in _WORDS.state_force_acronyms:
            continue  # "the IDF still controls over half of Gaza": a state's army
        if group == "held" and name.islower() and name in _WORDS.faction_nouns and not name.endswith("s"):
            name += "s"  # "rebel-held areas": held by rebels
        governs = group == "subject" and _PATTERNS.only_qualifiers.fullmatch(text, match.end(), reading.span_start)
        found.append((match.start(), name, governs is not None))
    before = [(name, governs) for start, name, governs in found if start < reading.span_start]
    # after the quantity only as its predicate ("80% of the city of Tripoli is under the control of Libyans rebels",
    # "is now 80% under the control of"), not as its base ("captured 70 percent of rebel-held areas": whose it was)
    after = [(name, False) for start, name, _ in found if start >= reading.span_end
             and (not text[reading.span_end : start].strip() or _PREDICATE_BETWEEN_RE.search(text, reading.span_end,
                                                                                            start))]
    return before[-1] if before else (after[0] if after else None)


def owner_in(article: Article, start: int, end: int) -> str | None:
    """The country whose land it is, when the text says so: 'of Russian territory', 'on Ukrainian soil'."""
    for mention in article.mentions_in(start, end):
        if mention.type != "demonym":
            continue
        following = re.match(r"\s+([^\W\d_]+)", article.text[mention.end : mention.end + 20])
        if following and following.group(1).lower() in _WORDS.land_nouns:
            return mention.country or mention.id
    return None


def _entered_before(article: Article, sentence: Sentence) -> str | None:
    """The country whose border was crossed or whose land was entered in the two sentences before a depth that
    names no place ("Israeli troops crossed the Lebanese border on Wednesday" over "... and advanced about 200
    metres towards the eastern entrance of Adaisseh"; "advanced ... into Lebanese territory"), also a paragraph
    before: how deep the advance went into that country."""
    text = article.text
    for back in (1, 2):
        if sentence.index - back < 0:
            return None
        before = article.sentences[sentence.index - back]
        for mention in article.mentions_in(before.start, before.end):
            entered = _PATTERNS.entered_before.search(text, max(before.start, mention.start - 30), mention.start)
            if mention.type == "place" and mention.kind == "country" and entered is not None:
                return mention.id  # "crossed into Lebanon"
            if mention.type != "demonym":
                continue
            following = re.match(r"\s+([^\W\d_]+)", text[mention.end : mention.end + 20])
            noun = following.group(1).lower() if following else ""
            if noun in _WORDS.land_nouns or (noun in _WORDS.crossed_nouns and entered is not None):
                return mention.country or mention.id
    return None


# --------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------


def _base_name(name: str | None) -> str:
    return _PATTERNS.region_suffix.sub("", name or "").casefold()


def promoted(mention: Mention, text: str, kind: str) -> Place:
    """A bare city name that is also its oblast's name stands for the oblast in territorial claims."""
    territorial = kind in AREA_KINDS or kind in SHARE_KINDS or kind in ("count", "relative_area", "region_share")
    if not territorial or mention.kind != "populated_place" or mention.admin1 is None:
        return place_of(mention)
    if _PATTERNS.city_cues_before.search(text, max(0, mention.start - 25), mention.start):
        return place_of(mention)
    if re.match(r"\s+(?:city|town)\b", text[mention.end : mention.end + 8], re.IGNORECASE):
        return place_of(mention)
    for alternative in mention.alternatives:
        if (
            alternative.get("kind") == "admin1"
            and alternative.get("id") == mention.admin1
            and _base_name(alternative.get("name")) == _base_name(mention.name)
        ):
            return Place(
                name=alternative.get("name"), id=alternative.get("id"), kind="admin1", lat=alternative.get("lat"),
                lon=alternative.get("lon"), country=alternative.get("country") or mention.country,
                admin1=mention.admin1,
            )  # fmt: skip
    return place_of(mention)


def anchor_place(
    article: Article,
    sentence: Sentence,
    reading: Reading,
    window: tuple[int, int],
    kind: str,
    excluded: set[int],
    *,
    earlier: bool = True,
) -> Place | None:
    """The place a claim is tied to (see the module docstring for the order); with ``earlier`` False,
    only a place named in the sentence. An area over twice the region its anchor lies in is a total of a
    wider war ("Russia has taken 65,776 km² of Ukrainian territory", anchored to Donetsk Oblast by the text
    around it): the country whose land it is (said with it, else the region's) anchors it instead."""
    place = _text_anchor(article, sentence, reading, window, kind, excluded, earlier)
    if place is None or kind not in AREA_KINDS or reading.normalised is None or place.kind == "country":
        return place
    enclosing = enclosing_area(place)
    if enclosing is None or enclosing.km2 < _MIN_ENCLOSING_KM2 or reading.normalised <= _TOO_LARGE * enclosing.km2:
        return place  # a city's own small region, or an area it may hold (the bundled areas are approximate)
    owner = owner_in(article, window[0], window[1]) or owner_in(article, sentence.start, sentence.end)
    return country_place(article, owner or place.country) or place


def _text_anchor(article: Article, sentence: Sentence, reading: Reading, window: tuple[int, int], kind: str,
                 excluded: set[int], earlier: bool) -> Place | None:
    """The place the text ties a claim to, in the order of the module docstring."""
    text = article.text
    agents = {id(m) for m, _ in sentence_agents(article, sentence)}
    excluded = excluded | article.references
    centre = (reading.start + reading.end) / 2

    def usable(start: int, end: int) -> list[Mention]:
        return [
            m for m in article.mentions_in(start, end)
            if m.type == "place" and id(m) not in excluded and id(m) not in agents
        ]  # fmt: skip

    def nearest(mentions: list[Mention]) -> Mention | None:
        return min(mentions, key=lambda m: (abs((m.start + m.end) / 2 - centre), m.start), default=None)

    if kind == "distance":
        # A distance is measured to a point: the place it is "from"/"north of", else the one before it.
        after = [m for m in usable(reading.span_end, window[1]) if m.kind != "country"]
        before = [m for m in usable(sentence.start, reading.span_start) if m.kind != "country"]
        if after or before:
            return place_of(after[0] if after else before[-1])
    for start, end in ((window[0], window[1]), (sentence.start, sentence.end)):
        mentions = usable(start, end)
        if start == sentence.start:  # outside the quantity's clause, not where someone spoke
            mentions = [m for m in mentions
                        if not _PATTERNS.venue_before.search(text, max(start, m.start - 80), m.start)]
        cities = [m for m in mentions if m.kind == "populated_place"]
        if cities:
            place = promoted(nearest(cities), text, kind)  # type: ignore[arg-type]
            return _expand(article, place) if place.kind == "admin1" else place
        regions = [m for m in mentions if m.kind in ("admin1", "named_region")]
        if regions:
            return _expand(article, place_of(nearest(regions)))  # type: ignore[arg-type]
    countries = [m for m in usable(window[0], window[1]) if m.kind == "country"]
    if countries:
        return place_of(nearest(countries))  # type: ignore[arg-type]
    if not earlier:
        return None
    for back in (1, 2):
        index = sentence.index - back
        if index < 0 or article.sentences[index].paragraph != sentence.paragraph:
            break
        earlier = article.sentences[index]
        mentions = [m for m in usable(earlier.start, earlier.end) if m.kind != "country"]
        mentions = [m for m in mentions if m.feature_code != "PPLC"]
        if mentions:
            chosen = max(mentions, key=lambda m: (_specificity(m), m.start))
            place = promoted(chosen, text, kind)
            return _expand(article, place) if place.kind == "admin1" else place
    owner = owner_in(article, window[0], window[1]) or owner_in(article, sentence.start, sentence.end)
    if owner is None and kind == "depth":
        owner = _entered_before(article, sentence)
    region = _dominant_region(article, owner)
    if region is not None:
        return _expand(article, region)
    if owner is not None:
        return country_place(article, owner)
    return None




def speaker_country(article: Article, sentence: Sentence, exclude: str | None = None) -> str | None:
    """The country of whoever speaks in or just before ``sentence``: a country or demonym before a
    title ("Ukraine President Volodymyr Zelensky", "the Ukrainian leader said", "Russian President
    Vladimir Putin said"), other than ``exclude``."""
    start = article.sentences[sentence.index - 1].start if sentence.index > 0 else sentence.start
    for mention in article.mentions_in(start, sentence.end):
        code = mention.country or (mention.id if mention.kind == "country" else None)
        if code is not None and code != exclude and (mention.type == "demonym" or mention.kind == "country") and (
                _PATTERNS.speaker_title.match(article.text, mention.end)):
            return code
    return None


def first_person_actor(article: Article, sentence: Sentence, start: int, end: int) -> str | None:
    """The speaker's country when "we" or "our forces" act in ``text[start:end]`` ("we have liberated")."""
    if _PATTERNS.first_person.search(article.text, start, end) is None:
        return None
    return speaker_country(article, sentence)


def clause_place(article: Article, sentence: Sentence, reading: Reading, window: tuple[int, int]) -> Place | None:
    """The place named in the quantity's clause, nothing guessed: the populated place nearest to it, else
    the region (for counts of people, which are facts about people, not territory)."""
    agents = {id(m) for m, _ in sentence_agents(article, sentence)}
    mentions = [
        m for m in article.mentions_in(*window)
        if m.type == "place" and id(m) not in agents and id(m) not in article.references
    ]  # fmt: skip
    centre = (reading.start + reading.end) / 2
    for kinds in (("populated_place",), ("admin1", "named_region")):
        candidates = [m for m in mentions if m.kind in kinds]
        if candidates:
            return place_of(min(candidates, key=lambda m: (abs((m.start + m.end) / 2 - centre), m.start)))
    return None


def _specificity(m: Mention) -> int:
    return {"populated_place": 3, "admin1": 2, "named_region": 2, "country": 1}.get(m.kind or "", 0)


def _dominant_region(article: Article, country: str | None) -> Place | None:
    """The admin-1 region the article names most (optionally within ``country``)."""
    for code in article.regions_ranked:
        mention = article.places.get(code)
        if mention is not None and mention.kind == "admin1":
            if country is None or mention.country == country:
                return place_of(mention)
            continue
        # Only places inside it are named: the region as their alternatives describe it.
        inside = next(m for m in article.mentions if m.admin1 == code and m.kind == "populated_place")
        if country is not None and inside.country != country:
            continue
        described = next((a for a in inside.alternatives if a.get("id") == code), None)
        if described is None:
            return place_of(inside)
        return Place(
            name=described.get("name"), id=code, kind="admin1", lat=described.get("lat"), lon=described.get("lon"),
            country=inside.country, admin1=code,
        )  # fmt: skip
    return None


def _expand(article: Article, region: Place) -> Place:
    """A region becomes the populated place the article names most inside it, if any."""
    if region.kind != "admin1" or region.id is None:
        return region
    namesake = _base_name(region.name)
    for place_id in article.places_by_region.get(region.id, ()):
        mention = article.places[place_id]
        if _base_name(mention.name) != namesake:
            return place_of(mention)
    return region


def country_place(article: Article, code: str | None) -> Place | None:
    """The country ``code`` as the article names it, else by its code (None for no code)."""
    if code is None:
        return None
    mention = article.places.get(code)
    if mention is not None and mention.kind == "country":
        return place_of(mention)
    for m in article.mentions:
        if m.kind == "country" and (m.country == code or m.id == code):
            return place_of(m)
    return Place(name=_COUNTRY_NAMES.get(code), id=code, kind="country", lat=None, lon=None, country=code, admin1=None)


# --------------------------------------------------------------------------
# The territory in words
# --------------------------------------------------------------------------


def territory_subject(article: Article, kind: str, result: Interpretation, side: str | None = None) -> str | None:
    """Which territory the claim measures, in words: 'Ukrainian-held part of Kursk Oblast'; with ``side``, a
    holder that is no country, as written: 'part of Bosnia and Herzegovina held by Bosnian Serbs'."""
    if side is not None:
        area = _area_name(article, result.region if kind == "region_share" else result.place)
        return f"part of {area} held by {side}" if area else f"territory held by {side}"
    if kind == "region_area":
        return result.region.name if result.region else None
    if kind == "distance":
        return None
    area = _area_name(article, result.region if kind == "region_share" else result.place)
    if area is None:
        return None
    if kind in ("depth", "front_width"):
        return f"{adjective(article, result.actor)} advance into {area}" if result.actor else f"advance into {area}"
    if result.holder is None:
        return f"territory in {area}"
    return f"{adjective(article, result.holder)}-held part of {area}"


def _area_name(article: Article, place: Place | None) -> str | None:
    """The name of the region a place lies in (the place itself for regions and countries)."""
    if place is None:
        return None
    if place.kind == "populated_place" and place.admin1:
        region = article.places.get(place.admin1)
        if region is not None and region.name:
            return region.name
        if place.admin1 in article.alternative_names:
            return article.alternative_names[place.admin1]
        return f"the area around {place.name}" if place.name else None
    return place.name or place.id


def adjective(article: Article, code: str) -> str:
    """The demonym used as an adjective for a country code: 'Ukrainian', 'North Korean'."""
    if code in _ADJECTIVES:
        return _ADJECTIVES[code]
    for m in article.mentions:
        if m.type == "demonym" and (m.country == code or m.id == code):
            return m.text.rstrip("s") if m.text.endswith("ns") else m.text
    return code
