"""What the articles say of each named place: captured, retaken, lost, held, fought over, withdrawn from.

>>> statuses = place_statuses(sources, mentions)                       # doctest: +SKIP
>>> [(s.place, s.status, s.actor, s.as_of_end) for s in statuses]      # doctest: +SKIP
[('Sudzha', 'captured', 'RU', datetime.date(2025, 3, 12)), ...]

One :class:`PlaceStatus` per place mention that a status cue governs, with
the sentence quoted and the offsets of the place and of the sentence, dated
like a claim (the sentence's temporal expression nearest the place, else the
publication date; see :func:`geomap.claims.temporal.as_of_for_sentence`).

Rules
-----
A cue governs a place when only "filler" separates them: articles, place
nouns and capitalised words ("seized the Kursk town of Sudzha", "the fall of
Sudzha", "raids into Russia's Belgorod region"), or when the place comes first
("Sudzha fell", "Sudzha, which is under Kyiv's control", "Sudzha was
recaptured by Russian forces"). A place joined to a governed place by a comma
or "and" shares its cue ("liberated the settlements of Melovoy, Podol and
Sudzha"). Anything else between them (a verb, a clause) breaks the link, so
"seizing 386 square miles centred on Sudzha" and "the largest settlement
controlled by Ukraine" say nothing of Sudzha's status.

Statuses (``status``) and who ``actor`` is:

============  ===========================================================  ======================
status        cues                                                         actor
============  ===========================================================  ======================
captured      took, seized, captured, entered, raised their flag over      who took it
retaken       retook, recaptured, regained control over, liberated         who took it back [#]_
lost          lost, the fall/loss/collapse of, defeat in, X fell           who lost it (often
                                                                           unknown: "the fall of")
held          holds, controls, retains, X is under Kyiv's control,         who holds it
              Ukrainian-held X, X remained in Ukrainian hands
fought_over   fighting in/for/near, battle for, assault on, raids into,    who attacks it
              advance on, X is encircled/under attack
withdrawn     withdrew from, pulled back from, retreated from, fled, left  who withdrew
withdrawn_to  a withdrawal "to"/"toward" a place ("a retreat from Kursk    who withdrew there
              to Sumy province")
============  ===========================================================  ======================

.. [#] A capture by the place's own country is a retaking ("Russia took
   Sudzha" is ``retaken``); "liberated" with no agent named is credited to
   the place's own country.

The actor is the agent of the cue: "by X" after it, a demonym inside it
("Ukrainian-held", "under Russian control"), else the nearest agent before it
in its clause (a country, a capital standing for its government, or a
demonym before a military noun: "Russian forces"). It may stay unknown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from geomap.claims.temporal import as_of_for_sentence
from geomap.claims.words import blind_to_case, folds_to_ascii, holds_none
from geomap.records import Mention, PlaceStatus, Source

__all__ = ["STATUSES", "PlaceStatus", "place_statuses"]

STATUSES = ("captured", "retaken", "lost", "held", "fought_over", "withdrawn", "withdrawn_to")
PLACE_KINDS = ("populated_place", "admin1", "named_region")  # countries are too big to say anything of a front


# -- vocabularies -------------------------------------------------------------------------------------------
_FLAG = r"raised\s+(?:their|its|the)(?:\s+\w+){0,2}\s+flags?\s+(?:over|above|in)"
# Cues that come before the place, by status (alternatives of one regex group each).
_BEFORE = {
    "retaken": r"retook|retake|retakes|retaking|retaken|recaptured?|recaptures|recapturing|reclaimed|reclaiming"
               r"|liberated?|liberates|liberating|regained(?:\s+control)?(?:\s+(?:of|over))?"
               r"|regain(?:s|ing)?\s+control\s+(?:of|over)|(?:the\s+)?(?:recapture|liberation)\s+of",
    "captured": rf"took|taken|take|takes|taking|seized?|seizes|seizing|captured?|captures|capturing|entered"
                rf"|enter|enters|entering|overran|overrun|{_FLAG}"
                r"|(?:took|taken|take|takes|taking|gained|gain|gains|seized?|seizing)\s+control\s+(?:of|over)"
                r"|(?:the\s+)?(?:capture|seizure)\s+of",
    "lost": r"lost|lose|loses|losing|(?:the\s+)?(?:\w+\s+)?(?:fall|loss|collapse|surrender)\s+of"
            r"|defeats?\s+(?:in|at)|(?:pushed|driven|forced|kicked)\s+out\s+of|expelled\s+from|ousted\s+from",
    "held": r"(?:holds?|held|holding|retains?|retained|retaining|kept|keeps?|maintain(?:s|ed|ing)?)"
            r"(?:\s+control\s+(?:of|over))?|controls|controlled|controlling|remains?\s+in|remained\s+in"
            r"|still\s+in|\w+-(?:held|controlled)",
    "fought_over": r"(?:fighting|fights?|fought|battles?|battling|clashes|combat|assaults?|attacks?|attacking"
                   r"|offensives?|advances?|advanced|advancing|pushe?s?|pushed|pushing|raids?|storm|storms"
                   r"|storming|stormed|shelling|closing\s+in|closed\s+in|encircled|encircling|encirclement)"
                   r"(?:\s+(?:continues?|continued|continuing|rages?|raged|raging|is|are|was|were|remains?"
                   r"|remained|still|heavy|fierce|intense|ongoing|reported|underway)){0,3}"
                   r"\s+(?:in|for|near|around|over|on|at|into|toward|towards|outside|of|against"
                   r"|on\s+the\s+outskirts\s+of)",
    "withdrawn": r"(?:withdr(?:ew|awn|aws?|awing|awal)|pull(?:ed|ing|s)?\s+(?:back|out)|pullback|pull-back"
                 r"|retreat(?:ed|ing|s)?|fled|flee(?:ing|s)?|escaped?|evacuat(?:ed|ing|ion)|exit(?:ed)?"
                 r"|departure)\s+(?:from|of)|left|leaving|abandon(?:ed|ing|s)?|fled|fleeing",
}
# A withdrawal toward a place: "a retreat from Kursk to Sumy province", "pulled back towards the border".
_WITHDRAW_TO = re.compile(
    r"\b(?:withdr\w+|retreat\w*|pull\w*\s+back|pullback|fall(?:ing|s)?\s+back|fell\s+back|escap\w+)"
    r"(?:\s+[^\s,.;:!?]+){0,6}?\s+(?:to|toward|towards|into|back\s+to|back\s+into)\s+$", re.IGNORECASE)
_WITHDRAW_WORDS = ("withdr", "retreat", "pull", "fall", "fell", "escap")  # every match of _WITHDRAW_TO holds one
# Cues that come after the place.
_AUX = r"(?:,\s*)?(?:(?:which|that)\s+)?(?:(?:is|was|are|were|has|have|had|been|being|remains?|remained|now|still" \
       r"|already|reportedly|finally|officially)\s+)*"
_AFTER = {
    "lost": r"fell|falls|fallen|lost|collapsed",
    "retaken": r"retaken|recaptured|liberated|reclaimed",
    "captured": r"captured|taken|seized|overrun|occupied",
    "held": r"under\s+(?:[\w'’\-]+\s+){1,2}(?:control|occupation)|in\s+[\w'’\-]+\s+hands|held|controlled",
    "fought_over": r"encircled|surrounded|besieged|contested|under\s+(?:attack|fire|assault|siege)",
}
_FILLER_WORDS = (
    "the|a|an|of|nearby|key|strategic|border|frontline|front-line|small|large|major|remaining|last|embattled|"
    "city|cities|town|towns|village|villages|settlement|settlements|district|districts|region|regions|area|areas|"
    "province|oblast|outskirts|centre|center|heart|streets|hamlet|hamlets|administrative|regional|its|their"
)
_NUMBER_WORDS = r"two|three|four|five|six|seven|eight|nine|ten|several|many|few|some|\d+"
# What may stand between a cue and the place it governs: words only (a verb or a clause breaks the link),
# including the names before it in a list ("liberated the settlements of Melovoy, Podol and Sudzha").
_FILLER = (rf"(?:\s+(?:(?:{_FILLER_WORDS}|{_NUMBER_WORDS}|and|or)\b|(?-i:[A-Z])[\w'’\-]*(?:['’]s)?,?)){{0,8}}"
           r"\s*:?\s*")
# One pass for every status: the greedy ".*" puts the cue as near the place as it can be (the last one
# before it wins); the named group that matched says which status it is.
_BEFORE_RE = re.compile(
    r"^.*(?<![\w-])(?P<cue>" + "|".join(f"(?P<{status}>{pattern})" for status, pattern in _BEFORE.items())
    + rf"){_FILLER}$", re.IGNORECASE | re.DOTALL)
# _BEFORE_RE blind to case, for the lower-cased window: it matches wherever _BEFORE_RE does (and where a small
# letter stands for a capital), three times as fast. Most windows hold no cue: this turns them away.
_BEFORE_GATE_RE = re.compile(blind_to_case(_BEFORE_RE.pattern), re.DOTALL)
# An object after the verb makes it active and about something else ("Kursk Oblast, captured 1,263 sq km").
_NO_OBJECT = r"(?!\s+(?:\d|the\b|a\b|an\b|some\b|about\b|over\b|more\b|nearly\b|roughly\b|around\b|up\b))"
# One pass for every status: no cue word is an auxiliary, so the cue can start at one place only, and there the
# statuses are tried in the order of _AFTER (the first that matches wins, as one pattern per status would).
_AFTER_RE = re.compile(
    rf"^\s*{_AUX}(?P<cue>" + "|".join(f"(?P<{status}>{pattern})" for status, pattern in _AFTER.items())
    + rf")\b{_NO_OBJECT}", re.IGNORECASE)
_LIST_JOIN = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)$")
_BY_AGENT = re.compile(r"^\s*(?:\w+\s+){0,2}?by\s+(?:the\s+)?$", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[;:—–()\[\]\"“”]|,\s+(?:but|while|whereas|although|though)\b|\bbut\b|\bwhile\b")
# Nouns that make a demonym (or "Ukraine's") an agent: "Russian forces", "Ukraine's army".
_AGENT_NOUNS = frozenset(
    """forces force troops army armies military soldiers servicemen units unit brigades brigade battalions
    battalion fighters marines paratroopers infantry defenders troopers command defence defense ministry
    government leadership side sources officials commanders""".split())
_PREPOSITIONS = frozenset(
    """of in into from to against across with on over toward towards at inside within near around about
    beyond through behind between under onto upon throughout along outside than like among via""".split())
_OPPONENTS = {"RU": "UA", "UA": "RU"}  # the belligerents geomap knows; elsewhere no opponent is guessed
WINDOW_BEFORE = 140  # characters of the sentence looked at before a place for its cue
WINDOW_AFTER = 80


def opponent(code: str | None) -> str | None:
    return _OPPONENTS.get(code) if code is not None else None


# -- extraction ---------------------------------------------------------------------------------------------
def place_statuses(sources: Iterable[Source], mentions: Iterable[Mention]) -> list[PlaceStatus]:
    """Every status the sources' sentences give a named place, in source and text order."""
    by_source: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_source.setdefault(mention.source, []).append(mention)
    found: list[PlaceStatus] = []
    for source in sources:
        found += source_statuses(source, by_source.get(source.id, []))
    return found


def source_statuses(source: Source, mentions: list[Mention]) -> list[PlaceStatus]:
    """The statuses of one source's places."""
    text = source.text
    ordered = sorted((m for m in mentions if 0 <= m.start < m.end <= len(text)), key=lambda m: (m.start, m.end))
    agents = [m for m in ordered if _agent_code(m, text) is not None]
    found: list[PlaceStatus] = []
    previous: tuple[Mention, str, str, str | None] | None = None  # last governed place: (mention, status, cue, actor)
    for mention in ordered:
        if mention.type != "place" or mention.kind not in PLACE_KINDS or mention.lat is None or mention.id is None:
            continue
        reading = _read_cue(text, mention, agents)
        if reading is None and previous is not None and previous[0].sentence_start == mention.sentence_start \
                and _LIST_JOIN.match(text[previous[0].end:mention.start]):
            reading = previous[1:]  # "Melovoy, Podol and Sudzha": the list shares the cue
        if reading is None:
            previous = None
            continue
        status, cue, actor = reading
        previous = (mention, status, cue, actor)
        found.append(_status(source, mention, status, cue, actor))
    return found


def _read_cue(text: str, mention: Mention, agents: list[Mention]) -> tuple[str, str, str | None] | None:
    """(status, cue, actor) for a place mention, or None when no cue governs it."""
    sentence_start = mention.sentence_start
    sentence_end = sentence_start + len(mention.sentence)
    before = text[max(sentence_start, mention.start - WINDOW_BEFORE):mention.start]
    after = text[mention.end:min(sentence_end, mention.end + WINDOW_AFTER)]
    tail = _clause_tail(before)
    to_match = None if holds_none(tail, _WITHDRAW_WORDS) else _WITHDRAW_TO.search(tail)
    if to_match:
        start = mention.start - len(tail) + to_match.start()
        return _with_actor("withdrawn_to", to_match.group().strip(), start, start, mention, text, agents)
    cannot_match = not folds_to_ascii(before) and _BEFORE_GATE_RE.match(before.lower()) is None
    match = None if cannot_match else _BEFORE_RE.match(before)
    if match:
        status = next(name for name in _BEFORE if match.group(name) is not None)
        cue_start = mention.start - len(before) + match.start("cue")
        cue_end = mention.start - len(before) + match.end("cue")
        return _with_actor(status, match.group("cue"), cue_start, cue_end, mention, text, agents)
    match = _AFTER_RE.match(after)
    if match:
        status = next(name for name in _AFTER if match.group(name) is not None)
        cue_start = mention.end + match.start("cue")
        cue_end = mention.end + match.end("cue")
        return _with_actor(status, match.group("cue"), cue_start, cue_end, mention, text, agents, after=True)
    return None


def _clause_tail(before: str) -> str:
    """The part of ``before`` after its last clause break."""
    breaks = list(_CLAUSE_BREAK.finditer(before))
    return before[breaks[-1].end():] if breaks else before


def _with_actor(status: str, cue: str, cue_start: int, cue_end: int, mention: Mention, text: str,
                agents: list[Mention], after: bool = False) -> tuple[str, str, str | None]:
    actor = _actor(cue_start, cue_end, mention, text, agents, after)
    cue = " ".join(cue.split())
    if status == "captured" and actor is not None and actor == _country_of(mention):
        status = "retaken"  # Russia taking a Russian town takes it back
    if status == "retaken" and actor is None and re.match(r"liberat", cue, re.IGNORECASE):
        actor = _country_of(mention)  # "liberated" is what the place's own country says of it
    return status, cue, actor


def _actor(cue_start: int, cue_end: int, mention: Mention, text: str, agents: list[Mention],
           after: bool) -> str | None:
    sentence_start = mention.sentence_start
    sentence_end = sentence_start + len(mention.sentence)
    # "by X" right after the cue (or after the place for "Sudzha was recaptured by Russian forces")
    follow = max(cue_end, mention.end)
    for agent in agents:
        if follow <= agent.start < min(sentence_end, follow + 40) and _BY_AGENT.match(text[follow:agent.start]):
            return _agent_code(agent, text)
    # a demonym or capital inside the cue: "Ukrainian-held", "under Kyiv's control"
    inside = _demonyms_between(text, cue_start, cue_end)
    if inside:
        return inside[0]
    # the nearest agent before the cue in its clause
    first = min(cue_start, mention.start)
    clause = text[sentence_start:first]
    breaks = list(_CLAUSE_BREAK.finditer(clause))
    clause_start = sentence_start + (breaks[-1].end() if breaks else 0)
    candidates = [a for a in agents if clause_start <= a.start and a.end <= first and a is not mention]
    return _agent_code(candidates[-1], text) if candidates else None


_WORD_AFTER = re.compile(r"[^\W\d_][\w\-]*")
_DEMONYM_CODES = {"ukrainian": "UA", "russian": "RU", "kyiv": "UA", "kiev": "UA", "moscow": "RU"}


def _demonyms_between(text: str, start: int, end: int) -> list[str]:
    """Country codes of the demonyms and capitals written inside a cue ("Ukrainian-held", "Kyiv's control")."""
    return [_DEMONYM_CODES[word.lower()] for word in re.findall(r"[A-Za-z]+", text[start:end])
            if word.lower() in _DEMONYM_CODES]


def _agent_code(m: Mention, text: str) -> str | None:
    """The country a mention stands for when it acts ("Russian forces", "Kyiv said", "Russia took"), else None."""
    code = m.country or (m.id if m.kind == "country" else None)
    if code is None:
        return None
    # Most mentions are places that cannot act: turned away before the words after them are read.
    if m.type != "demonym" and not (m.kind == "country" or (m.kind == "populated_place" and m.feature_code == "PPLC")):
        return None
    after = text[m.end:m.end + 60]
    words = [w.lower() for w in _WORD_AFTER.findall(after)[:3]]
    if m.type == "demonym":
        return code if any(w in _AGENT_NOUNS for w in words) else None
    if re.match(r"['’]s?\b", after) and not any(w in _AGENT_NOUNS for w in words[1:3]):
        return None  # "Russia's Kursk region", "Ukraine's economy"
    before = re.search(r"([^\W\d_]+)\s+(?:the\s+)?$", text[max(0, m.start - 30):m.start])
    if before and before.group(1).lower() in _PREPOSITIONS and before.group(1).lower() != "by":
        return None  # "the invasion of Russia", "into Ukraine"
    return code


def _country_of(mention: Mention) -> str | None:
    return mention.country


def _status(source: Source, mention: Mention, status: str, cue: str, actor: str | None) -> PlaceStatus:
    sentence = mention.sentence
    focus = (mention.start - mention.sentence_start, mention.end - mention.sentence_start)
    as_of = as_of_for_sentence(sentence, source.published, focus=focus)
    return PlaceStatus(
        source=source.id, place=mention.name or mention.text, place_id=str(mention.id),
        place_kind=mention.kind or "", country=mention.country, lon=float(mention.lon), lat=float(mention.lat),
        status=status, actor=actor, cue=cue, as_of_start=as_of.start, as_of_end=as_of.end, as_of_text=as_of.text,
        quote=sentence, quote_start=mention.sentence_start, quote_end=mention.sentence_start + len(sentence),
        start=mention.start, end=mention.end, published=source.published,
    )

