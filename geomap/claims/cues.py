"""Cues: the words around a quantity that say what it measures.

Internal to :mod:`geomap.claims`. The vocabularies are those of English news
about fighting over territory; :mod:`geomap.claims.kinds` combines the cues
into a claim's kind.

Control cues
------------
A :class:`Cue` is a control verb or phrase with its category:
seize/capture/take/gain/advance/launch/secure/enter/"take control of" ->
``seized``; hold/control/retain/occupy/keep -> ``held``; "reduce ... to" ->
``reduced`` (what is left is held); retake/recapture/reclaim/regain/"win
back"/"claw back"/"wrest back (control of)" -> ``retaken``;
"clear (of terrorists)" -> ``seized``; liberate/free -> ``liberated``: the
speaker's word for his own side retaking ground (:mod:`geomap.claims.kinds`
reads it as a retaking by the liberator);
lose/"lose control of"/"relinquish control of"/"pushed out of"/"withdrew from" -> ``lost``;
"shrunk by" an amount -> ``lost``, "grew by" it -> ``seized``; "expelled <the
enemy> from", "drove <the enemy> out of" and "returned to government control"
-> ``retaken``; "confined to", "cornered into", "squeezed <the side> into",
"have been pushed into" -> ``held`` by the side hemmed in (the one named between
the verb and "into", never the one that squeezes).
:func:`verb_cue` looks for the cue of an area or count, in
this order:

1. A participle or relative clause describing a definite quantity: "the 500
   square miles of Russian territory seized by Ukraine" (seized), "the 1,368
   square kilometers they controlled" (held).
2. The verb that governs the quantity directly ("seizing roughly 386 square
   miles", "won back two thirds", "reducing their territory to 110 km²").
3. The main verb after a quantity that is the subject ("86% of the areas ...
   had been retaken", "a quarter of the salient ... remains in Ukrainian
   hands").
4. The nearest control verb in the clause, then in the sentence.
5. In a sentence with none that gives the figure the sentence before left vague
   ("have occupied dozens of square kilometers ... We are talking, in
   particular, about more than 70 square kms"), the act of that sentence.

:func:`weak_hold` finds words of holding without a verb ("holdouts",
"enclave", "pocket", "the last", "still", "in Ukrainian hands").

Lengths
-------
:func:`length_kind`: "wide", "N-km front", "a front about N km wide", "N-mile
stretch of the front" -> ``front_width``; "N km deep", "a depth of", "N km
into", "advanced N km", "pushed <the enemy> (back by) N km (back)", "not moved beyond N
km", "expanded the security zone by N km" (a buffer or security zone, not a
combat zone, which is a front's length), "compelled to retreat N km" (the other
side's advance), a length joined by "and" to one of those ("by 15 km in the north
and up to 10 km in the south") -> ``depth``; a bare length in brackets in a list
after one that says "wide" or "deep" ("Galwan Valley (3km wide), Pangong Lake
(10km), Gogra (3.5km)") measures the same; "N km from", "away", "within N km of", "N
km north of", "traveled N miles" -> ``distance``; "N km long", "N km wide" after ground a side is confined into
("confined into a small area spanning 40km long and about 40km wide") -> ``front_width``, the sides of the pocket
(a plateau's or a place's own dimensions are no claim); anything else is no claim.

Counts of people
----------------
:func:`people_category` sorts the counted noun: soldiers, troops, marines, ...
-> ``troops``; prisoners, POWs, captives, hostages -> ``prisoners``;
casualties, deaths, dead, killed, wounded, injured, losses, (death) toll ->
``casualties``; civilians, people, residents, men, women, children ->
``civilians``. :func:`fate_of_people` finds what happened to them: written
after the count ("had been taken prisoner", "have been killed or wounded",
"were captured", "died") or as the verb that governs it ("killed 12
civilians", "has lost 5,000 troops", "exchanged 175 prisoners").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from geomap.claims.anchors import agent_after, agent_ending_at, sentence_agents
from geomap.claims.article import Article, Reading, Sentence, Token, word_tokens
from geomap.claims.words import reader_patterns, reader_words
from geomap.records import Mention

_WORDS = reader_words("cues")
_PATTERNS = reader_patterns("cues")

__all__ = [
    "ADVANCE_NOUNS", "DOWN_FROM_RE", "SHARE_FROM_RE", "Cue", "control_category", "direct_cue", "fate_of_people",
    "length_kind", "OWN_TROOP_VERBS", "road_length", "governing_word", "hypothetical", "main_verb_after", "nearest_cue",
    "people_category", "token_category",
    "verb_cue", "weak_hold",
]  # fmt: skip

ADVANCE_NOUNS = _WORDS.advance_nouns
ZONE_AFTER_RE = _PATTERNS.zone_after
_ZONE_LOOKBACK = 300
# A name and a comma right before a figure: an appositive ("Khartoum, 200 kilometres north").
# "Korem, 170 km south of Maqli", "near Sirwah - about 40 kilometres west on the road to the capital": a length in
# apposition to a name, after a comma or a dash; the name may keep its generic noun in lower case ("the Litani
# river, some 20 km (13 miles) north of the border")
_AFTER_A_NAME_RE = re.compile(
    r"\b[A-Z][\w\-’']+(?:\s+(?:river|lake|canal|valley|gorge|pass|peninsula|island|mountains|hills|heights|strait|bay))?"
    r"(?:,|\s+[-–—])\s*(?:(?:about|some|roughly|around|nearly|almost)\s+)?$")
# A length with a bare compass word after a place: "the provincial capital Bukavu some 70 kilometers south, a city",
# "Ukraine’s only coking coal mine, about 10 kilometers west, where": that far from the place named before it
_PLACE_BEFORE_BARE_COMPASS_RE = re.compile(
    r"(?:\b[A-Z][\w\-’']+\s+(?:about|some|roughly|around|nearly|almost)|\b[a-z][\w\-’']+,\s*"
    r"(?:(?:about|some|roughly|around|nearly|almost)\s+)?)\s*$")
_BARE_COMPASS_AFTER_RE = re.compile(r"\s*(?:\([^()]*\)\s*)?[a-z\-]+\s*(?:[,.;)]|$)")
DOWN_FROM_RE = _PATTERNS.down_from
SHARE_FROM_RE = _PATTERNS.share_from
# A capitalised word going on into a name: "Liberation Tigers", "Liberation of Palestine", "Liberation Front" (not
# a headline's capitals: "Liberation Of Avdiivka").
_NAME_GOES_ON_RE = re.compile(r"[\s\-]+(?:of\s+(?:the\s+)?)?(?!Of\b|The\b)[A-Z]")
_CLAUSE_END_RE = re.compile(r"[,;:()]")
_VERB_BEFORE_ASIDE_RE = re.compile(r"\b([a-z]+),\s[^,;:.()]{3,60},\s*$")
_REPORT_SENTENCES = 2  # a headline and its lead: where an article says what it reports


def control_category(word: str) -> str | None:
    """seized | retaken | liberated | held | lost for a control verb, else None."""
    if word in _WORDS.retake:
        return "retaken"
    if word in _WORDS.liberate:
        return "liberated"
    if word in _WORDS.seize:
        return "seized"
    if word in _WORDS.hold:
        return "held"
    if word in _WORDS.lose:
        return "lost"
    return None


_CHANGED_BY_REACH = 6  # words between a verb of change and the "by" of what it changed by
_EXPELLED_REACH = 5  # words between a verb of driving out and the "from" of the ground
_PUSHED_INTO_PASSIVE = frozenset("been being were was are is".split())
_CONFINED_REACH = 5  # words between a verb of confining and the "into" of the ground ("squeezed the rebels into")


@dataclass(frozen=True)
class Cue:
    """A control verb or phrase and what it says happened to the territory."""

    category: str  # seized | retaken | held | lost | reduced
    start: int
    end: int
    agent: tuple[Mention, str] | None = None  # "seized by Ukraine"


def token_category(text: str, token: Token) -> str | None:
    """The control category of a word of ``text``: :func:`control_category`, and "cleared" as a
    liberation where the sentence around says of whom ("cleared ... of terrorists")."""
    category = control_category(token.lower)
    if token.lower == "liberation" and text[token.start].isupper() and _NAME_GOES_ON_RE.match(text, token.end):
        return None  # "the Liberation Tigers of Tamil Eelam", "People's Liberation Army": a name, no verb (a
        # headline's "Russian Forces Liberate Over 4,714 Square Kilometers", "Liberation Of Avdiivka" stay verbs)
    if category is None and token.lower in _WORDS.clear:
        if _PATTERNS.cleared_of.search(text, max(0, token.start - 200), min(len(text), token.end + 200)):
            return "seized"  # taken from those it was "cleared of"
    return category


def _cue_at(tokens: list[Token], i: int, text: str = "") -> Cue | None:
    """The control cue that the token ``tokens[i]`` (text order) belongs to, if any.

    Phrases first: "won back" (retaken), "lost control of" / "took control over" (the verb's
    category), "pushed out of" / "withdrew from" (lost); then the word's own category.
    """
    word = tokens[i].lower
    previous = tokens[i - 1].lower if i > 0 else None
    following = tokens[i + 1].lower if i + 1 < len(tokens) else None
    if word == "back" and previous in _WORDS.back_verbs:
        return Cue("retaken", tokens[i - 1].start, tokens[i].end)
    if word in _WORDS.back_verbs and following == "back":
        return Cue("retaken", tokens[i].start, tokens[i + 1].end)
    if word in ("of", "over", "on") and previous in _WORDS.control_nouns:
        return _cue_at(tokens, i - 1, text)
    if word in _WORDS.control_nouns and previous == "back" and i > 1 and tokens[i - 2].lower in _WORDS.back_verbs:
        return Cue("retaken", tokens[i - 2].start, tokens[i].end)  # "wrested back control of"
    if word in _WORDS.control_nouns and previous is not None and control_category(previous) is not None:
        return Cue(control_category(previous), tokens[i - 1].start, tokens[i].end)  # type: ignore[arg-type]
    if word in _WORDS.control_nouns and text:
        # "regained, over the past few days, control over 600 square km": the verb before an aside
        aside = _VERB_BEFORE_ASIDE_RE.search(text, max(0, tokens[i].start - 80), tokens[i].start)
        if aside is not None and control_category(aside.group(1).lower()) is not None:
            return Cue(control_category(aside.group(1).lower()), aside.start(1), tokens[i].end)  # type: ignore[arg-type]
    if word == "of" and previous == "out" and i > 1 and tokens[i - 2].lower in _WORDS.ousted:
        return Cue("lost", tokens[i - 2].start, tokens[i].end)
    if word == "out" and previous in _WORDS.ousted and following == "of":
        return Cue("lost", tokens[i - 1].start, tokens[i + 1].end)
    if word in ("to", "into") and previous in _WORDS.confine:
        return Cue("held", tokens[i - 1].start, tokens[i].end)
    if word == "into" and previous in _WORDS.ousted and i > 1 and tokens[i - 2].lower in _PUSHED_INTO_PASSIVE:
        # "The rebels ... have been pushed into a small sliver of coastal land measuring just 21 square kilometers":
        # hemmed into ground they still hold (not "troops pushed into the town", an advance)
        return Cue("held", tokens[i - 1].start, tokens[i].end)
    if word == "from" and previous in _WORDS.withdrawn:
        return Cue("lost", tokens[i - 1].start, tokens[i].end)
    category = token_category(text, tokens[i]) if text else control_category(word)
    return Cue(category, tokens[i].start, tokens[i].end) if category else None




def _confined_object(tokens: list[Token], i: int, text: str) -> Cue | None:
    """ "squeezed Tamil Tiger fighters into", "confined the militants to" ending at ``tokens[i]``: ground held by the
    side named between the verb and "into"/"to" (the cue spans that object; see ``confined_side``)."""
    for k in range(i - 2, max(-1, i - 2 - _CONFINED_REACH), -1):
        if tokens[k].lower in _WORDS.confine:
            between = text[tokens[k].end : tokens[i].start]
            if any(mark in between for mark in ",;:()") or any(
                    control_category(t.lower) is not None for t in tokens[k + 1 : i]):
                return None
            return Cue("held", tokens[k].start, tokens[i].end)
    return None


def confined_side(text: str, cue: Cue) -> tuple[int, int] | None:
    """Where the side a "held" cue names as confined stands ("squeezed Tamil Tiger fighters into": the words
    between the verb and "into"), or None for any other cue."""
    if cue.category != "held":
        return None
    words = word_tokens(text, cue.start, cue.end)
    if len(words) < 3 or words[0].lower not in _WORDS.confine or words[-1].lower not in ("to", "into"):
        return None
    return words[1].start, words[-2].end


def _confined_before(text: str, sentence: Sentence, reading: Reading) -> bool:
    """Whether the sentence hems a side into ground before the length ("confined into a small area spanning 40km
    long"): the sides of a pocket it holds, as a buffer zone's width is the zone's."""
    cue = nearest_cue(text, sentence.start, reading.span_start, leftwards=True)
    return cue is not None and cue.category == "held" and word_tokens(text, cue.start, cue.end)[0].lower in (
        _WORDS.confine)


def hypothetical(text: str, sentence: Sentence, reading: Reading, window: tuple[int, int]) -> bool:
    """Whether the quantity belongs to a plan, proposal, demand, condition, forecast or denied rumour: "the army
    plans to control 70-75% of Gaza", "to establish a 30-km deep safe zone", "Creating that buffer zone would take
    some 60 square kilometers", "a zone that would be 30 km wide", "does not intend at this stage to push the troops
    further than about twenty kilometers" (not "could have captured", nor the distance of a place named in the plan:
    "up to the Litani River, about thirty kilometers from the border")."""
    if _PATTERNS.desired_before.search(text, max(sentence.start, reading.span_start - 40), reading.span_start):
        return True  # "Erdogan is seeking a 480-mile safe zone along the border": what he wants, not what is
    if _PATTERNS.proposal_before.search(text, sentence.start, reading.span_start):
        return True  # "Karadzic proposes that Bosnia be divided ... with Serbs having 50 percent": a proposal's terms
    if _PATTERNS.denied_before.search(text, sentence.start, reading.span_start):
        return True  # "It is not true that half of the city is controlled by the rebels": no one's claim
    terms = _PATTERNS.agreed_terms_before.search(text, sentence.start, reading.span_start)
    if terms is None and _PATTERNS.hypothetical.search(text, sentence.start, reading.span_start) is None:
        return _PATTERNS.modal_after.match(text, reading.span_end, window[1]) is not None  # most sentences: one pass
    if reading.family == "length" and _AFTER_A_NAME_RE.search(text, max(0, reading.span_start - 40),
                                                              reading.span_start):
        return False  # "a 'security zone' ... up to the Litani River, about thirty kilometers from the border": the
        # distance of a named place, a fact whatever is planned around it
    if terms is not None:
        return True  # "agreed to step up its offensive, entailing a ground sweep 6-7 km": what an accord sets out
    start = sentence.start
    for found in _PATTERNS.hard_break.finditer(text, sentence.start, reading.span_start):
        start = found.end()
    for found in _PATTERNS.relative_start.finditer(text, start, reading.span_start):
        start = found.end()  # "would take 60 km² out of the Gaza Strip, which has a total landmass of 360"
    before = _PATTERNS.aside.sub(" ", text[start : reading.span_start])  # ", which could take weeks," is aside
    modal = _PATTERNS.hypothetical.search(before)
    if modal is not None and modal.group().lower() in ("if", "unless"):
        # "If the zones held before the invasion are included, Russia now occupies 107,956 km²": a condition
        # of counting, with an indicative main clause, states a fact; "if ..., they would control" does not
        comma = before.find(",", modal.end())
        if comma != -1:
            modal = _PATTERNS.hypothetical.search(before, comma)
    if modal is not None and modal.group().lower().startswith("to") and _PATTERNS.achieved_before.search(
            before, 0, modal.start()):
        modal = None  # "allowed the army to establish control over Al-Hasaheisa": done, not planned
    if modal is not None and _PATTERNS.past_relative.search(before, modal.end()):
        modal = None  # "would mark the end of ... the caliphate that ... ruled over an area the size of": a fact
    if modal is not None and not _PATTERNS.hedged_past.match(before, modal.start()):
        return True
    return _PATTERNS.modal_after.match(text, reading.span_end, window[1]) is not None


def direct_cue(text: str, window: tuple[int, int], reading: Reading) -> Cue | None:
    """The verb that governs the quantity directly ('seizing roughly 386', 'reducing X to 110')."""
    tokens = word_tokens(text, window[0], reading.span_start)
    i = len(tokens) - 1
    while i >= 0 and tokens[i].lower in _WORDS.determiners:
        i -= 1
    if i < 0:
        return None
    if i >= 2 and tokens[i].lower.startswith("influenc") and tokens[i - 1].lower in ("or", "and"):
        i -= 2  # "controls or influences 58.5%": the control verb governs it, as "control or influence" does
    if tokens[i].lower == "by":
        # "shrunk by more than 12,000 square kilometres": what it shrank by is lost, what it grew by gained
        # ("expanding territory under their control by 186 per cent": the verb's object may come between)
        verb = next((t for t in reversed(tokens[max(0, i - _CHANGED_BY_REACH) : i]) if t.lower in _WORDS.reduce), None)
        if verb is not None:
            return Cue("lost" if verb.lower in _WORDS.shrink else "seized", verb.start, tokens[i].end)
    expelled = _expelled_from(tokens, i)
    if expelled is not None:
        return expelled
    if tokens[i].lower in ("to", "from"):  # "reducing their territory to 110 km²", "shrank from 1,368 to"
        for earlier in reversed(tokens[:i]):
            if earlier.lower in _WORDS.reduce:
                return Cue("reduced", earlier.start, earlier.end)
    if reading.family == "area" and tokens[i].lower in _WORDS.claim_verbs:
        return Cue("seized", tokens[i].start, tokens[i].end)  # "they have already claimed over 2,660 km²": taken
    if tokens[i].lower in ("to", "into"):
        confined = _confined_object(tokens, i, text)
        if confined is not None:
            return confined
    return _cue_at(tokens, i, text)


def _expelled_from(tokens: list[Token], i: int) -> Cue | None:
    """ "expelled IS fighters from", "drove militants out of" ending at ``tokens[i]``: a retaking by the side that
    drives the enemy named after the verb out (not "were pushed out of", which has no enemy named)."""
    if tokens[i].lower == "from":
        before = i - 1
    elif tokens[i].lower == "of" and i > 0 and tokens[i - 1].lower == "out":
        before = i - 2
    else:
        return None
    for k in range(before - 1, max(-1, before - _EXPELLED_REACH), -1):  # at least the enemy between
        if tokens[k].lower in _WORDS.expel:
            return Cue("retaken", tokens[k].start, tokens[i].end)
    return None


def report_act(article: Article) -> Cue | None:
    """What the article reports was done, in its headline or lead (its first :data:`_REPORT_SENTENCES`
    sentences): the first control act found there, with the agent before it in its sentence (or, with none
    before, the first after it). None when they name no act of seizing, retaking or liberating."""
    text = article.text
    for sentence in article.sentences[:_REPORT_SENTENCES]:
        act = nearest_cue(text, sentence.start, sentence.end, leftwards=False)
        if act is None or act.category not in ("seized", "retaken", "liberated"):
            continue
        agents = sentence_agents(article, sentence)
        before = [found for found in agents if found[0].end <= act.start]
        after = [found for found in agents if found[0].start >= act.end]
        agent = before[-1] if before else (after[0] if after else None)
        return replace(act, agent=agent)
    return None


def nearest_cue(text: str, start: int, end: int, *, leftwards: bool) -> Cue | None:
    """The control cue in ``text[start:end]`` nearest to its right end (``leftwards``) or to its left end."""
    tokens = word_tokens(text, start, end)
    order = range(len(tokens) - 1, -1, -1) if leftwards else range(len(tokens))
    for i in order:
        cue = _cue_at(tokens, i, text)
        if cue is not None:
            return cue
    return None


def weak_hold(text: str, window: tuple[int, int], reading: Reading) -> bool:
    """Whether the clause speaks of holding without a control verb ('the last 50 square miles of
    Ukrainian holdouts', 'in Ukrainian hands', 'the enclave')."""
    before = word_tokens(text, max(window[0], reading.span_start - 20), reading.span_start)[-2:]
    after = word_tokens(text, reading.span_end, min(window[1], reading.span_end + 12))[:1]
    if any(t.lower in _WORDS.hold_before for t in before) or any(t.lower in _WORDS.hold_after for t in after):
        return True
    return any(t.lower in _WORDS.hold_weak for t in word_tokens(text, *window)) or bool(
        re.search(r"\bin\s+\S+\s+hands\b|\bunder\s+\S+\s+(?:control|occupation)\b|-held\b",
                  text[window[0] : window[1]], re.IGNORECASE)
    )


def _participle_after(article: Article, sentence: Sentence, reading: Reading, end: int) -> Cue | None:
    """A participle or relative clause describing the quantity: 'of Russian territory seized by Ukraine',
    'they controlled'. Looked for within eight words after the quantity."""
    text = article.text
    tokens = word_tokens(text, reading.span_end, end)[:8]
    for i, token in enumerate(tokens):
        category = token_category(text, token)
        if category is None:
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if following is not None and following.lower == "by":
            agent = agent_after(article, sentence, following.end)
            return Cue(category, token.start, following.end if agent is None else agent[0].end, agent)
        previous = tokens[i - 1].lower if i > 0 else None
        subject = agent_ending_at(article, sentence, token.start)  # "the land Ukraine seized"
        if subject is not None or previous in ("they", "it", "he", "she", "we", "which", "that"):
            return Cue(category, token.start, token.end, subject)
        return None
    return None


def main_verb_after(text: str, start: int, end: int) -> tuple[Cue | None, int]:
    """The main verb after a share or count that is the subject ('86% of the areas ... had been retaken'),
    and where the subject's of-phrase (its base) ends."""
    tokens = word_tokens(text, start, end)
    for i, token in enumerate(tokens):
        if token.lower in _WORDS.auxiliaries or token.lower in ("remains", "remain", "remained"):
            if token.lower.startswith("remain"):
                return Cue("held", token.start, token.end), token.start
            declared = i + 1 < len(tokens) and tokens[i + 1].lower == "declared"
            if declared and "zone" in (t.lower for t in tokens[i + 2 :]):  # "declared a closed military zone"
                return Cue("held", tokens[i + 1].start, tokens[i + 1].end), token.start
            for later in tokens[i + 1 : i + 4]:
                category = token_category(text, later)
                if category is not None:
                    return Cue(category, later.start, later.end), token.start
                if later.lower not in _WORDS.auxiliaries and later.lower not in ("now", "already", "still", "all"):
                    break
            # An auxiliary without a control verb ("of what it was in August") is inside the base.
    return None, end


def verb_cue(
    article: Article, sentence: Sentence, reading: Reading, window: tuple[int, int]
) -> tuple[Cue | None, str]:
    """The control cue of an area or count and where it came from (participle | direct | main | near)."""
    text = article.text
    definite = _PATTERNS.definite.search(text, max(sentence.start, reading.span_start - 6), reading.span_start)
    if definite:
        participle = _participle_after(article, sentence, reading, window[1])
        if participle is not None:
            return participle, "participle"
    direct = direct_cue(text, window, reading)
    if direct is not None:
        return direct, "direct"
    main, _ = main_verb_after(text, reading.span_end, window[1])
    if main is None:
        # "801 km² of the Kursk region's territory, which was originally occupied by Ukrainian forces, has
        # now been reclaimed": the subject's verb comes after the relative clause.
        beyond = _PATTERNS.relative_clause_at.match(text, window[1], sentence.end)
        if beyond is not None:
            clause_end = _CLAUSE_END_RE.search(text, beyond.end(), sentence.end)
            main, _ = main_verb_after(text, beyond.end(), clause_end.start() if clause_end else sentence.end)
    if main is not None:
        return main, "main"
    clause = text[window[0] : window[1]].lower()  # the phrases below are rare: a word test spares their search
    if "access" in clause and _PATTERNS.access_denied_before.search(
            text, max(window[0], reading.span_start - 60), reading.span_start):
        return Cue("held", window[0], reading.span_start), "near"
    release = "release" in clause and _PATTERNS.release_of_before.search(
        text, max(window[0], reading.span_start - 80), reading.span_start)
    if release:
        return Cue("liberated", release.start(), release.start() + len("release")), "near"
    added = "added" in clause and _PATTERNS.added_to.search(text, window[0], window[1])
    if added and sentence.index > 0:
        total = article.sentences[sentence.index - 1]
        act = nearest_cue(text, total.start, total.end, leftwards=True)
        if act is not None:
            return act, "near"
    returned = "return" in clause and _PATTERNS.returned_to_control.search(text, window[0], sentence.end)
    if returned:  # "returning more than 400 square kilometers of territory to government control": taken back
        return Cue("retaken", returned.start(), returned.start() + len("return")), "near"
    # to the end of the sentence: "brought back under [our] control" has a bracket, which ends a clause
    brought = "control" in text[window[0] : sentence.end].lower() and _PATTERNS.brought_under_control.search(
        text, window[0], sentence.end)
    if brought:
        # "liberated 12 settlements ..., bringing over 200 km² under their control": the act of the clause the
        # participle continues; alone ("200 km² have come under our control"), a taking
        act = nearest_cue(text, sentence.start, window[0], leftwards=True)
        if act is not None and act.category in ("seized", "retaken", "liberated"):
            return act, "near"
        if brought.group("back"):  # "has been brought back under [our] control": taken back
            return Cue("retaken", brought.start(), brought.end()), "near"
        report = report_act(article)
        if report is not None and report.category in ("retaken", "liberated"):
            # "The area of the territory taken under control was 90 square kilometers" under a headline "Ukraine
            # says it has liberated three more settlements": ground passing into the hands of the side whose
            # retaking the article reports
            return report, "near"
        return Cue("seized", brought.start(), brought.end()), "near"
    for start, end, leftwards in (
        (window[0], reading.span_start, True),
        (reading.span_end, window[1], False),
        (sentence.start, reading.span_start, True),
        (reading.span_end, sentence.end, False),
    ):
        cue = nearest_cue(text, start, end, leftwards=leftwards)
        if cue is not None:
            return cue, "near"
    if sentence.index > 0 and _PATTERNS.specifying.search(text, sentence.start, reading.span_start):
        # "... have occupied dozens of square kilometers of the territory of Armenia. We are talking, in
        # particular, about more than 70 square kms in Tavush and Ararat provinces": the figure the sentence
        # before left vague, with that sentence's act
        before = article.sentences[sentence.index - 1]
        act = nearest_cue(text, before.start, before.end, leftwards=True)
        if act is not None:
            return act, "near"
    return None, "none"


# A road's length: "the 440 km of roadway between", "a road about 40 kilometers long", "a 483-kilometer (300 mi)
# road linking"
_ROAD_OF_AFTER_RE = re.compile(
    r"(?:\s*\([^()]{0,30}\))?\s+(?:of\s+(?:the\s+)?(?:[\w-]+\s+)?)?(?:road|roadway|highway)s?\b", re.IGNORECASE)
_ROAD_LONG_RE = re.compile(r"\b(?:road|roadway|highway)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_TWO_PLACES_RE = re.compile(r"\b(?:between|link(?:s|ing)|connect(?:s|ing)|from)\b", re.IGNORECASE)


def road_length(text: str, sentence: Sentence, reading: Reading) -> bool:
    """Whether a length is a road's between two places ("the 440 km of roadway between Bouar and Bangui",
    "Between Sudzha and Sumy, there is a road about 40 kilometers long"): how far one is from the other."""
    if _TWO_PLACES_RE.search(text, sentence.start, sentence.end) is None:
        return False
    if _ROAD_OF_AFTER_RE.match(text, reading.span_end):
        return True
    return re.match(r"\s+long\b", text[reading.span_end :]) is not None and _ROAD_LONG_RE.search(
        text, max(sentence.start, reading.span_start - 40), reading.span_start) is not None


def length_kind(text: str, sentence: Sentence, reading: Reading, window: tuple[int, int]) -> str | None:
    """front_width | depth | distance for a length, from the words around it, else None (no claim)."""
    if reading.unit_shared:
        pair = _PAIRED_TAIL_RE.match(text, reading.end)
        if pair is not None:
            # "160 and 240 kilometres (100 and 150 miles) to the west": the first of a pair is read with the words
            # after the second, whose unit and measure it shares
            reading = replace(reading, end=pair.end(), span_end=pair.end())
    after = word_tokens(text, reading.span_end, sentence.end)[:6]
    before = word_tokens(text, sentence.start, reading.span_start)[-6:]
    first_after = after[0].lower if after else None
    after_words = [t.lower for t in after]
    before_words = [t.lower for t in before]
    if _PATTERNS.front_length_before.search(text, max(sentence.start, reading.span_start - 60), reading.span_start):
        return None  # "The front line stretches for more than 1,000 kilometres from Kharkiv to Kherson": its length
    if reading.hyphenated and _PATTERNS.whole_line_after.match(text, reading.end) and (
            _PATTERNS.whole_line_before.search(text, max(sentence.start, reading.span_start - 30), reading.span_start)):
        return None  # "along the 1,200-kilometer front line in eastern Ukraine": the whole line's length
    # front width
    if _PATTERNS.front_of_before.search(text, max(sentence.start, reading.span_start - 60), reading.span_start):
        return "front_width"  # "assailed their positions on a front of ten miles, from the Moselle to ..."
    if reading.hyphenated and _PATTERNS.zone_after.match(text, reading.end):
        return "front_width"  # "a 30-km buffer zone", "a 5-kilometre security corridor": a zone's width
    if first_after in ("long", "wide", "broad") and _confined_before(text, sentence, reading):
        return "front_width"  # "The LTTE are now confined into a small area spanning 40km long and about 40km wide"
    if first_after in ("wide", "broad") and "long" in before_words[-3:] and not _PATTERNS.zone_near.search(
            text, sentence.start, sentence.end):
        return None  # "a rocky plateau, about 60 km long and 25 km wide": a place's own dimensions
    if first_after in ("wide", "broad") or (reading.hyphenated and first_after in _WORDS.front_nouns):
        if first_after in ("stretch", "section") and not ({"front", "frontline", "line"} & set(after_words[1:5])):
            return None
        return "front_width"
    if "front" in before_words[-4:] and first_after in ("wide", "long"):
        return "front_width"
    if first_after == "long" and set(before_words[-4:]) & _WORDS.strip_nouns:
        return "front_width"  # "a strip of land roughly 14 kilometres long"
    if "width" in before_words[-3:]:
        return "front_width"
    if set(before_words[-3:]) & _WORDS.measure_verbs and _PATTERNS.zone_near.search(
            text, max(0, sentence.start - _ZONE_LOOKBACK), reading.span_start):
        if first_after == "from" and "to" in after_words[1:]:
            return None  # "the Netzarim Corridor, which spans 6.5km from the perimeter fence to the sea": its length
        return "front_width"  # "the buffer zone around the strip. Previously 300 meters wide, it now measures 800"
    if _PATTERNS.zone_growth_to.search(text, max(sentence.start, reading.span_start - 80), reading.span_start) and (
            _PATTERNS.zone_near.search(text, max(0, sentence.start - _ZONE_LOOKBACK), reading.span_start)):
        return "front_width"  # "the buffer zone ... has been expanded from several hundred meters to around 2 km"
    # depth
    if after_words[:1] == ["of"] and after_words[1:2] and after_words[1] in ("territory", "land", "ground") and not (
            after_words[2:3] and (after_words[2] == "along" or after_words[2].rstrip("s") in _WORDS.border_words)):
        # "liberated an additional two kilometres of territory": how far the ground taken reaches (not "6,751 km
        # of land borders", "a 57km of land along the Jordanian border": lengths of a border)
        return "depth"
    if before_words and before_words[-1] in _WORDS.increment_words and first_after in ("past", "beyond") and (
            set(before_words[-4:-1]) & _WORDS.depth_verbs):
        return "depth"  # "thrust another 100 kilometres past Brega": how far the advance went beyond a place
    if before_words and before_words[-1] in _WORDS.increment_words and first_after not in ("deep", "into", "inside"):
        return None
    if first_after in ("deep", "into", "inside") or "depth" in before_words[-3:]:
        return "depth"
    # "pushed Ukrainian troops back 10-15 km from the border": how deep, measured from the border
    if (first_after == "from" and _WORDS.border_words & set(after_words[1:3])
            and set(before_words[-5:]) & _WORDS.depth_verbs):
        return "depth"
    # "has also pushed Ukraine eight to nine kilometers (five to six miles) back": how far the enemy was driven
    if first_after == "back" and set(before_words[-5:]) & (_WORDS.depth_verbs | _WORDS.ousted):
        return "depth"
    if _PATTERNS.across_held_after.match(text, reading.span_end):
        return "depth"  # "more than 100-kilometers across Ethiopian-occupied Eritrea": into the ground held
    # distance
    if _PATTERNS.outside_after.match(text, reading.span_end):
        return "distance"  # "15-kilometers outside town", "six kilometers (3.7 miles) outside ... Gori"
    if first_after in ("from", "away") and _from_people(after_words):
        return None  # "just 18km away from their comrades": no place it is measured from
    if first_after in ("from", "away", "off", "short") or (first_after in _WORDS.compass and "of" in after_words[1:3]):
        return "distance"
    if first_after in ("down", "up", "along") and "from" in after_words[1:4]:
        return "distance"  # "Rugari, just 30 kilometres (20 miles) down the RN2 from provincial capital Goma"
    if first_after in ("further", "farther") and after_words[1:2] and after_words[1] in _WORDS.compass:
        return "distance"  # "captured Korem, 170 km south of Maqli, ... the town of Alamata, 20 km further south"
    if first_after in _WORDS.compass and _AFTER_A_NAME_RE.search(text, max(0, reading.span_start - 40),
                                                                 reading.span_start):
        return "distance"  # "the capital Khartoum, 200 kilometres (124 miles) north": that far from the subject
    if first_after in _WORDS.compass and _BARE_COMPASS_AFTER_RE.match(text, reading.span_end) and (
            _PLACE_BEFORE_BARE_COMPASS_RE.search(text, max(sentence.start, reading.start - 40), reading.start)):
        return "distance"  # "the provincial capital Bukavu some 70 kilometers south, a city": that far from Bukavu
    if first_after in _WORDS.compass and _PATTERNS.pulled_back_to.search(text, window[0], reading.span_start):
        return "distance"  # "pulling back troops stationed on its southern border to at least 5km (3 miles) north"
    if after_words[:2] == ["to", "the"] and len(after_words) > 2 and after_words[2] in _WORDS.compass:
        return "distance"  # "about 45 kilometres to the west"
    if first_after in _WORDS.compass and after_words[1:2] == ["to"] and _WORDS.border_words & set(after_words[2:5]):
        return "distance"  # "al-Bab, a Daesh stronghold about 40 kilometers (25 miles) south to Turkish border"
    if before_words and before_words[-1] == "within" and first_after == "of":
        return "distance"
    direct = word_tokens(text, window[0], reading.span_start)
    direct_words = [t.lower for t in direct if t.lower not in _WORDS.determiners]
    if direct_words and direct_words[-1] in _WORDS.depth_verbs:
        return "depth"
    if direct_words[-1:] == ["from"]:
        sentence_words = {t.lower for t in word_tokens(text, sentence.start, reading.span_start)}
        if {"deep", "depth"} & sentence_words and sentence_words & _WORDS.depth_verbs:
            return "depth"  # "advanced deep into the enemy's lines, from 2 to dozens of kilometers"
    if direct_words[-1:] == ["by"] and set(direct_words[-6:-1]) & _WORDS.depth_verbs:
        return "depth"  # "had advanced into Ukraine by \"one kilometre\"": the verb's measure, after its place
    if before_words[-1:] == ["by"] and _pushed_back(
            [t.lower for t in word_tokens(text, sentence.start, reading.span_start)[-10:-1]]):
        return "depth"  # "pushing back Ukrainian Armed Forces (AFU) by nearly 14 kilometers": how far back
    if direct_words[-1:] == ["by"] and set(direct_words[-6:-1]) & _WORDS.zone_growth_verbs and (
            _PATTERNS.zone_near.search(text, max(sentence.start, reading.span_start - 60), reading.span_start)):
        # "managed to 'expand the security zone' in Hama 'by about 20 kilometres'": how much deeper a buffer or
        # security zone reaches (not "expanded the combat zone by around 70km": a front made longer)
        return "depth"
    listed = _LISTED_AFTER_MEASURED_RE.search(text, sentence.start, reading.span_start)
    if listed is not None and re.match(r"\s*\)", text[reading.span_end : reading.span_end + 3]):
        return "depth" if listed.group("word").lower() == "deep" else "front_width"
    earlier = _COORDINATED_LENGTH_RE.search(text, window[0], reading.span_start)
    if earlier is not None:
        # "progressed by nearly 15 kilometers in the north and up to 10 km in the south": the second length is
        # of the first one's verb
        lead = [t.lower for t in word_tokens(text, window[0], earlier.start())
                if t.lower not in _WORDS.determiners and t.lower not in ("by", "nearly", "almost", "about", "some")]
        if lead and lead[-1] in _WORDS.depth_verbs:
            return "depth"
    if forced_retreat(text, window[0], reading.span_start):
        return "depth"  # "compelled to retreat between eight and nine kilometers": the other side's advance
    if direct_words[-1:] in (["beyond"], ["past"]) and set(direct_words[-4:-1]) & _WORDS.depth_verbs:
        return "depth"  # "has not moved beyond approximately six kilometers": how far the advance reached
    if direct_words and direct_words[-1] in _WORDS.travel_verbs or "distance" in before_words[-3:]:
        return "distance"
    return None


# the rest of a pair of lengths sharing one unit after its first number: "and 240 kilometres (100 and 150 miles)"
_PAIRED_TAIL_RE = re.compile(
    r"\s+and\s+[\d.,]+\s*(?:kilomet(?:er|re)s?|km|miles?|met(?:er|re)s?)\b"
    r"(?:\s*\(\s*[\d.,]+\s+and\s+[\d.,]+\s*(?:kilomet(?:er|re)s?|km|miles?)\s*\))?", re.IGNORECASE)
_LENGTH_IN_BRACKETS = r"\(\s*[\d.,]+\s*(?:km|kilomet(?:er|re)s?|miles?)"
# "Galwan Valley (3km wide), Pangong Lake (10km), Gogra (3.5km) and Hot Springs (4km)": bracketed lengths in a list
# after one that says what it measures
_LISTED_AFTER_MEASURED_RE = re.compile(
    rf"{_LENGTH_IN_BRACKETS}\s+(?P<word>wide|broad|deep)\s*\)"
    rf"(?:\s*(?:,|\band\b)\s*(?:and\s+)?[^(),;.]{{1,40}}{_LENGTH_IN_BRACKETS}\s*\))*"
    r"\s*(?:,|\band\b)\s*(?:and\s+)?[^(),;.]{1,40}\(\s*$", re.IGNORECASE)
_COORDINATED_LENGTH_RE = re.compile(
    r"\b[\d.,]+\s*(?:kilomet(?:er|re)s?|km|miles?)\b[^,;:.\d]{0,30}?\band\s+"
    r"(?:(?:up\s+to|nearly|almost|about|around|some|over|more\s+than)\s+)?$", re.IGNORECASE)


def forced_retreat(text: str, start: int, position: int) -> bool:
    """Whether the words from ``start`` to ``position`` end in a retreat the other side forced ("Ukrainian forces
    have been compelled to retreat between eight and nine kilometers"): the length is how deep that side advanced,
    and the subject is the side that fell back."""
    words = [t.lower for t in word_tokens(text, start, position) if t.lower not in _WORDS.determiners]
    words = [w for w in words if w != "between"][-3:]
    return len(words) == 3 and words[0] in _WORDS.forced_retreat and words[1] == "to" and (
        words[2] in _WORDS.retreat_verbs)


def _pushed_back(words: list[str]) -> bool:
    """Whether the words hold "pushed back" or "pushed <the enemy> back": the enemy driven back a distance."""
    for i, word in enumerate(words):
        if word == "back" and (i > 0 and words[i - 1] in _WORDS.depth_verbs | _WORDS.ousted
                               or set(words[max(0, i - 5) : i]) & _WORDS.depth_verbs | _WORDS.ousted):
            return True
    return False


def _from_people(after_words: list[str]) -> bool:
    """Whether "from" after a length leads to people, not a place ("away from their comrades")."""
    if "from" not in after_words[:2]:
        return False
    rest = [w for w in after_words[after_words.index("from") + 1 :] if w not in _WORDS.determiners]
    return bool(rest) and (rest[0] in _PEOPLE or rest[0] in _WORDS.companion_nouns)


# Counted people, by what the count is about. Soldiers, prisoners and casualties are always
# counted; civilians only with what happened to them ("killed 12 civilians"). Plural heads only:
# "24 fighter jets" is not a count of fighters.
_PEOPLE = {
    **dict.fromkeys(
        """soldiers troops servicemen servicemembers personnel fighters militants mercenaries conscripts
        recruits reservists marines paratroopers combatants infantry""".split(),
        "troops",
    ),
    **dict.fromkeys("prisoners pows captives hostages".split(), "prisoners"),
    **dict.fromkeys("casualties deaths dead killed wounded injured losses toll".split(), "casualties"),
    **dict.fromkeys("civilians people persons residents inhabitants men women children".split(), "civilians"),
}
# ... or as the verb that governs the number: "shelling killed 12 civilians", "has lost 5,000 troops".
_FATE_VERBS = {
    **dict.fromkeys("killed killing kills kill".split(), "killed"),
    **dict.fromkeys("wounded wounding wounds wound".split(), "wounded"),
    **dict.fromkeys("injured injuring injures injure".split(), "injured"),
    **dict.fromkeys("captured capturing captures capture".split(), "captured"),
    **dict.fromkeys("lost losing loses lose".split(), "lost"),
    **dict.fromkeys("exchanged exchanging exchange swapped swapping swap".split(), "exchanged"),
    **dict.fromkeys("released releasing release freed freeing free".split(), "released"),
}

OWN_TROOP_VERBS = _WORDS.own_troop_verbs


def people_category(noun: str) -> str | None:
    """troops | prisoners | casualties | civilians for the head noun of a count of people, else None."""
    return _PEOPLE.get(noun.lower())


def fate_of_people(text: str, window: tuple[int, int], reading: Reading) -> str | None:
    """What the count says happened to the people it counts ('taken prisoner', 'killed or wounded'), or None.

    Looked for right after the count, then in the verb that governs it.
    """
    after = _PATTERNS.fate_after.match(text[reading.end : window[1]])
    if after is not None:
        return " ".join(after.group("fate").lower().split())
    return _FATE_VERBS.get(governing_word(text, window, reading) or "")


def governing_word(text: str, window: tuple[int, int], reading: Reading) -> str | None:
    """The word before the quantity in its clause, determiners skipped, lower-cased ('killed', 'has')."""
    tokens = word_tokens(text, window[0], reading.span_start)
    i = len(tokens) - 1
    while i >= 0 and tokens[i].lower in _WORDS.determiners:
        i -= 1
    return tokens[i].lower if i >= 0 else None
