"""Shares: what a share ("98.5%", "two-thirds", "half") is a share of, and the claim it makes.

Internal to :mod:`geomap.claims`. :func:`read_share` reads one share reading in
its sentence and returns an :class:`~geomap.claims.article.Interpretation`, or
None when the share is no territorial claim.

What a share is of
------------------
The of-phrase after the share ("half" needs no "of": "half the country") is read as a noun phrase, up to punctuation, a
preposition, a verb or the subject of a relative clause ("the land Ukraine
seized"); its last word (the head) decides:

* **a region** (``region_share``): a place named in it whose head is the place
  itself or a word for land or for a region ("of Ukraine", "of the Luhansk
  region", "of Gaza's total area", "of the Gaza Strip's territory", "of the
  territory of Donetsk region", "of Syrian territories"); a word for a region
  without its name, which stands for the last region of that sort named before
  ("of the region", "of the state", "of the country's surface", "of the
  Strip"); land with an owner ("of its territory": the country named before);
  bare land ("of the territory", "of the area") not qualified as someone's
  capture: the region the text is about (:func:`context_region`).
* **an earlier gain** (``share_held`` / ``share_retaken``): land qualified as
  someone's capture ("of the territory Ukraine seized", "of the areas taken by
  Ukraine in August", "of the land it captured", "of the territory initially
  occupied by Ukrainian troops"), a word for a gain ("of Kursk gains", "of the
  salient", "of its holdings") or a pronoun ("of it", "of them", "of what it
  was"). Held (control, hold, remain) -> ``share_held``; retaken, liberated or
  lost -> ``share_retaken``. With no control verb the share says how a gain is
  distributed ("three quarters of the territory taken ... was in Donetsk"),
  which is no claim.
* **anything else** (the population, homes, the border, a budget, "the land
  along the border"): no claim. Nor is a part named by its side as where
  something happens, with no word of control in its clause ("ordering
  Palestinians in the northern half of the territory to leave").

Also a gain: land a group holds by an adjective ("of jihadist territory", like
"rebel-held"), "of the original caliphate", and "its territory in Syria" (or
territory in a place a group loses) when no country is the subject in its
clause. Land: "of the right bank", "of the capital" (a city), the parts of a
country named by their sides ("of the country's southern and central regions").
A rounded share restated exactly in apposition ("nearly half, or 45 percent,
of") is one claim, the exact one, which takes the of-phrase after it. A share
something "shrank by" is a share of its own ground lost; one it "grew by" a rate
of growth, no claim.

A share of land its clause says someone sways or is seen on, with no word of
control ("the insurgents influenced just 7 percent", "an open physical presence
in another 66 percent of the territory", a presence "reduced to only 18
percent", the share "which represent(s)" the places where a group is present),
is no claim either; "under government control or influence" is. So is land
"free from" armed groups or only "influenced by" them, and "the remaining 31
percent" with nothing saying who holds it.

A share that forest, desert, farmland or the like covers or accounts for ("the
forests that cover about one-eighth of the state"), or that land was turned into
("reduced to defoliated forest"), measures what covers the land: no claim, unless
a word of control stands between ("the desert region the rebels hold covers").

Without an of-phrase, a share standing on its own (not "a 50% pay increase",
not "44% less land") is a region share when it continues a region share of its
sentence ("the Houthis hold about 25 per cent and the STC about 20 per cent",
"bringing the total to 19.04%", "70 percent ..., against 59 percent at the
end of 2023") or when a control word governs it ("opposition forces hold
42%", "55 percent ... is under the control of the occupier"); the region is
that of the share it continues, else :func:`context_region`. Otherwise no
claim.

Actor
-----
Region shares: the holder named with the share ("under Russian control",
"Russian-held"), else the agent before the control verb; when the verb says
the ground was lost ("lost control of townships covering 86 percent"), the
loser's opponent. Shares of a gain: as :mod:`geomap.claims.anchors` describes,
with who had taken the base read from its of-phrase ("of the areas taken by
Ukraine", "of the land it seized"); the base is hidden from the dating ("40% of
the area it captured in August": August dates the capture, not the claim).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geomap.claims.anchors import (
    agent_after,
    agent_by_after,
    agent_ending_at,
    agents_before,
    anchor_place,
    country_place,
    holder_in,
    opponent,
    promoted,
    sentence_agents,
    speaker_country,
)
from geomap.claims.article import Article, Interpretation, Place, Reading, Sentence, place_of, word_tokens
from geomap.claims.cues import (
    Cue,
    control_category,
    direct_cue,
    main_verb_after,
    nearest_cue,
    token_category,
    weak_hold,
)
from geomap.claims.words import reader_patterns, reader_words
from geomap.records import AREA_KINDS, Mention

_WORDS = reader_words("shares")
_PATTERNS = reader_patterns("shares")

__all__ = ["apposed", "context_region", "read_share"]

# Which kind of place an anaphoric region word stands for.
_WORD_KINDS = {
    **dict.fromkeys("country republic".split(), ("country",)),
    **dict.fromkeys("city town capital".split(), ("populated_place",)),
}
_DEFAULT_REGION_KINDS = ("admin1", "named_region")
_HELD_SUFFIXES = ("-held", "-controlled", "-occupied")
# (a hyphen between spaces is a dash: "Daesh Controls About 70% of Syria - Russian Defense Ministry - Sputnik")
_CLAUSE_PUNCTUATION_RE = re.compile(r"[,;:.!?()\[\]—–\"“”]|\s-\s")
_POSSESSIVE_RE = re.compile(r"['’]s?(?!\w)")
_FIGURE_RE = re.compile(r"\d")
_OF_RE = re.compile(r"[\"”’']?\s+(?:(?:territorial\s+)?control\s+(?:of|over)\s+|of\s+)")
_HALF_THE_RE = re.compile(r"\s+(?=(?:the|its|their|this|that)\s)")
# "controls or influences 58.5% (376,685 sq km) of Afghanistan's total land area": the figure again in another
# measure, in brackets, between the share and its of-phrase
_BRACKETED_FIGURE_RE = re.compile(r"\s*\([^()\d]{0,12}\d[^()]{0,30}\)")
_PRESENCE_REACH = 200  # characters before a share's clause searched for where someone is present
_FIGURE_LOOKBACK = 3  # sentences back to the share of a gain another figure is given for


@dataclass(frozen=True)
class _OfPhrase:
    """The noun phrase a share is of, as far as the claim readers need it."""

    start: int
    end: int  # where the noun phrase ends (the base of a share of a gain runs on to the clause end)
    head: str | None  # its last word, lower-cased; None when a place name ends it
    place: Mention | None  # a place named in it, not as a possessor
    possessor: Mention | None  # "Gaza's", "the Gaza Strip's"
    possessor_word: str | None  # "its", "their", or a region word before "'s" ("the country's")
    demonym: Mention | None  # "of Ukrainian territory"
    qualifier: str | None = None  # the control category of what qualifies it: "seized by Ukraine", "it occupied"
    qualifier_agent: str | None = None  # who did it, when "by" names him
    relative: bool = False  # a relative clause follows it: "of what it was in August", "the land Ukraine seized"
    placed_holding: bool = False  # "of (its) territory in Syria": maybe the subject's own land there, not Syria's
    captured_before_head: bool = False  # "of previously seized territory": a participle qualifies the head itself
    sides: bool = False  # "of the country’s southern and central regions": parts named by their sides

    @property
    def captured(self) -> bool:
        return self.qualifier is not None


def read_share(
    article: Article,
    sentence: Sentence,
    reading: Reading,
    window: tuple[int, int],
    previous: Interpretation | None,
) -> Interpretation | None:
    """The claim a share makes, or None (see the module docstring)."""
    text = article.text
    if _PATTERNS.apposed_exact_after.match(text, reading.span_end):
        return None  # "nearly half, or 45 percent, of the territory": the exact figure after it is the claim
    if _PATTERNS.share_change_before.search(text, max(sentence.start, reading.span_start - 12), reading.span_start):
        return None  # "58.5% of Afghanistan's total land area; down 1% from previous quarter": the change
    phrase = _of_phrase(article, sentence, reading)
    direct = direct_cue(text, window, reading)
    if (direct is None or direct.category == "reduced") and _sway_only(text, window, reading):
        return None  # ("FARC's presence has been reduced to only 18 percent": presence, not control)
    if phrase is None:
        grown = _grown_holding(article, sentence, reading, window, direct)
        if grown is not None:
            return grown
    if direct is not None and phrase is None and text[direct.start : direct.end].lower().endswith(" by"):
        if direct.category != "lost":
            return None  # "expanding territory under their control by 186 per cent": a rate of growth, no ground
        return _shrunk_by(article, sentence, reading, window)  # "the caliphate shrank by 12%": of what it held
    if phrase is None:
        if direct is None and (previous is None or previous.kind in ("share_held", "share_retaken")):
            figure = _figure_for_gain_share(article, sentence, reading)
            if figure is not None:
                return figure
        if not _stands_alone(text, reading, sentence):
            return None
        if previous is not None and previous.kind in AREA_KINDS:
            # "after occupying some 51,000 square miles ..., Russia has lost a fifth": a share of that area
            cue = direct or nearest_cue(text, window[0], reading.span_start, leftwards=True)
            if cue is not None and cue.category in ("lost", "retaken", "liberated", "held"):
                kind = "share_held" if cue.category == "held" else "share_retaken"
                actor = previous.actor if kind == "share_held" else opponent(previous.actor)
                return Interpretation(kind=kind, actor=actor, holder=previous.actor, place=previous.place)
        if previous is not None and previous.kind in ("share_held", "share_retaken") and direct is not None and (
                direct.category in ("lost", "retaken", "liberated")):
            # "the caliphate shrank by 12% in the first six months of this year after losing 14% in 2015": the
            # same measure of the same holding again
            again = Interpretation(kind="share_retaken", actor=previous.actor, holder=previous.holder,
                                   place=previous.place)
            article.gain_shares.append((sentence.index, again))
            return again
        if previous is None and direct is None:
            following = _continued_gain_share(article, sentence, reading)
            if following is not None:
                return following
        continues = previous is not None and previous.kind == "region_share"
        if not continues and not _governed_by_control(text, sentence, window, reading, direct):
            return None
        region = previous.region if continues else context_region(article, sentence, reading.span_start)
        return _region_share(article, sentence, reading, window, region, direct)
    if phrase.qualifier == "held" and phrase.qualifier_agent is not None and phrase.place is None and (
            direct is None or direct.category == "held"):
        # "part of the 20% of the territory controlled by Russia": the holder's part of the other side's land
        region = country_place(article, opponent(phrase.qualifier_agent)) or context_region(
            article, sentence, reading.span_start)
        return _region_share(article, sentence, reading, window, region, direct, phrase.qualifier_agent)
    taken = _PATTERNS.taken_in_year_after.match(text, phrase.end, sentence.end)
    if taken is not None and phrase.relative and phrase.head is None and phrase.place is not None and (
            phrase.place.kind == "country" and direct is None):
        # "the one-third of Croatia they captured in a 1991 war": a share of the country, taken that year by the
        # relative clause's subject ("they": the side named last before it, not the country the sentence is about)
        takers = agents_before(article, sentence, taken.end(), since=phrase.end) or agents_before(
            article, sentence, reading.span_start)
        taker = next((code for code in takers if code != phrase.place.country), None)
        share = _region_share(article, sentence, reading, window, place_of(phrase.place), None, taker)
        if share.actor == phrase.place.country:  # no one takes their own country's land
            share.actor = share.holder = None
        return share
    bare_land = phrase.head in _WORDS.land_words and not (phrase.place or phrase.possessor or phrase.demonym
                                                    or phrase.possessor_word)
    lost = direct is not None and direct.category == "lost"
    if phrase.captured or phrase.head in _WORDS.gain_words or _holding_of_no_country(
            article, sentence, phrase, window[0], lost) or (
            lost and bare_land):  # "Rebels lose 50% of territory in Aleppo": of what they held
        return _gain_share(article, sentence, reading, window, direct, phrase)
    if not _is_land(text, phrase):
        return None  # "of Myanmar's 55 million people", "of the homes", "of the land along the border"
    if _evacuated_only(text, sentence, reading, direct) or _located_part(text, sentence, window, reading, direct):
        return None
    if _PATTERNS.compass_part.match(text, reading.span_start, reading.span_end) and (
            _PATTERNS.share_of_part_before.search(text, max(sentence.start, reading.span_start - 20),
                                                  reading.span_start)):
        return None  # "two thirds of the eastern half of Mosul": the half is the base of the share before it
    if _region_size(article, sentence, reading):
        return None  # "Darfur accounts for roughly one-fifth of Sudan's territory": the region's size
    if _land_cover(text, sentence, reading, phrase.end):
        return None  # "the forests that cover about one-eighth of the state": what grows there, not who holds it
    if _PATTERNS.count_restated.search(text, max(sentence.start, reading.span_start - 40), reading.span_start):
        return None  # "control 144 townships or 44 percent of the country": a share of townships, not of land
    if direct is None and _PATTERNS.not_held_after.match(text, phrase.end, sentence.end):
        return None  # "about one quarter of the country is now being contested", "... is full of mines": held by no one
    region = _phrase_region(article, sentence, reading, phrase)
    return _region_share(article, sentence, reading, window, region, direct)


def _grown_holding(
    article: Article, sentence: Sentence, reading: Reading, window: tuple[int, int], direct: Cue | None
) -> Interpretation | None:
    """ "increase the territory it controls in Ukraine by less than 0.01%", "has increased by 1 percent its control over
    Syria": a share of the country named, gained."""
    text = article.text
    grown = _PATTERNS.grown_holding_before.search(text, max(window[0], reading.span_start - 120), reading.span_start)
    if grown is None and _PATTERNS.grown_by_before.search(text, max(window[0], reading.span_start - 30),
                                                          reading.span_start):
        grown = _PATTERNS.grown_holding_after.match(text, reading.span_end, window[1])
    if grown is None:
        return None
    country = next((m for m in article.mentions_in(grown.start("where"), grown.end("where"))
                    if m.type == "place" and m.kind == "country"), None)
    if country is None:
        return None
    return _region_share(article, sentence, reading, window, place_of(country), direct)


def _sway_only(text: str, window: tuple[int, int], reading: Reading) -> bool:
    """Whether the clause says the share is ground someone sways or is seen on, and no word says anyone controls
    it ("the insurgents influenced just 7 percent", "a presence in another 66 percent of the territory"), also
    through a relative clause that measures where someone is present ("a FARC presence in around 295
    municipalities, which represent ... far more than 18 percent of the national territory")."""
    swayed = _PATTERNS.sway_before.search(text, window[0], reading.span_start) is not None
    if not swayed:
        before = text[max(0, window[0] - _PRESENCE_REACH) : window[0]].lower()
        swayed = ("presen" in before or "operat" in before or "influenc" in before) and (
            _PATTERNS.measure_of_presence.search(text, max(0, window[0] - _PRESENCE_REACH), reading.span_start)
            is not None)
    return swayed and _PATTERNS.control_word.search(text, window[0], reading.span_start) is None


def _located_part(
    text: str, sentence: Sentence, window: tuple[int, int], reading: Reading, direct: Cue | None
) -> bool:
    """Whether the share is a part named by its side where something happens ("ordering Palestinians in the
    northern half of the territory to leave"), with no word of control in its clause: a place, no claim."""
    return (direct is None and _PATTERNS.compass_part.match(text, reading.span_start, reading.span_end) is not None
            and _PATTERNS.located_part_before.search(text, max(sentence.start, reading.span_start - 12),
                                                     reading.span_start) is not None
            and _PATTERNS.control_word.search(text, window[0], window[1]) is None)


def _region_size(article: Article, sentence: Sentence, reading: Reading) -> bool:
    """Whether the share is a region's own size in its country: a region named right before "accounts for",
    "makes up", "constitutes" ("Darfur accounts for roughly one-fifth of Sudan's territory")."""
    regions = [m for m in article.mentions_in(sentence.start, reading.span_start)
               if m.type == "place" and m.kind in ("admin1", "named_region")]
    return bool(regions) and _PATTERNS.region_size_before.match(
        article.text[regions[-1].end : reading.span_start]) is not None


def _land_cover(text: str, sentence: Sentence, reading: Reading, phrase_end: int) -> bool:
    """Whether the share measures what covers the land: forest, desert, farmland covering it ("the forests that
    cover about one-eighth of the state") or what the land was turned into ("was reduced to defoliated forest")."""
    cover = _PATTERNS.land_cover_before.search(text, max(sentence.start, reading.span_start - 80), reading.span_start)
    if cover is not None:  # (not "the desert region the rebels hold covers about 60%": ground held)
        return _PATTERNS.control_word.search(text, cover.start(), reading.span_start) is None and nearest_cue(
            text, cover.start(), reading.span_start, leftwards=True) is None
    return _PATTERNS.land_cover_after.match(text, phrase_end, sentence.end) is not None


def _evacuated_only(text: str, sentence: Sentence, reading: Reading, direct: Cue | None) -> bool:
    """Whether the share measures land under evacuation orders and nothing says anyone holds it: "these areas
    subject to the evacuation orders account for 19 percent of Gaza's territory" (not "the area seized by
    Israel or placed under evacuation orders covers 65%")."""
    if _PATTERNS.evacuation.search(text, sentence.start, reading.span_start) is None:
        return False
    if direct is not None and direct.category in ("held", "seized"):
        return False
    return _PATTERNS.control_word.search(text, sentence.start, reading.span_start) is None and (
        nearest_cue(text, sentence.start, reading.span_start, leftwards=True) is None)


def context_region(article: Article, sentence: Sentence, position: int) -> Place | None:
    """The region a share without a named region is of: a region or country named before it in its
    sentence (not as an agent), else the region of the article's last region share, else a region or
    country named in the two sentences before it in its paragraph."""
    found = _named_before(article, sentence, sentence.start, position, _DEFAULT_REGION_KINDS + ("country",))
    if found is not None:
        return found
    if article.region_shares:
        return article.region_shares[-1]
    for back in (1, 2):
        index = sentence.index - back
        if index < 0 or article.sentences[index].paragraph != sentence.paragraph:
            break
        earlier = article.sentences[index]
        found = _named_before(article, earlier, earlier.start, earlier.end, _DEFAULT_REGION_KINDS + ("country",))
        if found is not None:
            return found
    return None


# -- the of-phrase -------------------------------------------------------------------------------------


def _of_phrase(article: Article, sentence: Sentence, reading: Reading) -> _OfPhrase | None:
    text = article.text
    # '"about 40 %" of Syria', "progressed from 50 percent to 60 percent control of the city"
    of_at = reading.span_end
    of = _OF_RE.match(text[of_at : of_at + 30])
    bracketed = _BRACKETED_FIGURE_RE.match(text, of_at, sentence.end) if of is None else None
    if bracketed is not None:
        of = _OF_RE.match(text[bracketed.end() : bracketed.end() + 30])
        of_at = bracketed.end() if of is not None else of_at
    if of is None and text[reading.span_start : reading.span_end].lower().endswith("half"):
        of = _HALF_THE_RE.match(text[reading.span_end : reading.span_end + 30])  # "half the country": half of it
    if of is None:  # "0.039% more territory in Ukraine": the share is of the place named, as "of additional territory"
        of = _PATTERNS.more_land_after.match(text[reading.span_end : sentence.end])
    if of is None and apposed(text, sentence, reading) is not None:
        of = _PATTERNS.apposed_of.match(text[reading.span_end : reading.span_end + 30])  # "half, or 45 percent, of"
    if of is None:
        return None
    start = of_at + of.end()
    punctuation = _CLAUSE_PUNCTUATION_RE.search(text, start, sentence.end)
    while punctuation is not None and punctuation.group() == "[":
        # "of the eastern side [of Mosul]": an editor's insertion completes the quoted phrase, read through it
        close = text.find("]", punctuation.end(), sentence.end)
        if close == -1:
            break
        punctuation = _CLAUSE_PUNCTUATION_RE.search(text, close + 1, sentence.end)
    clause_end = punctuation.start() if punctuation else sentence.end
    mentions = {m.start: m for m in article.mentions_in(start, clause_end)}
    head: str | None = None
    place = possessor = demonym = None
    possessor_word: str | None = None
    qualifier: tuple[str, str | None] | None = None
    relative = placed_holding = before_head = sides = False
    end = position = start
    for token in word_tokens(text, start, clause_end):
        if token.start < position:
            continue  # inside a place name already read
        mention = mentions.get(token.start)
        if token.lower == "of" and place is None and (head in _WORDS.land_words or head in _WORDS.part_words or (
                sides and head in _WORDS.sided_fractions)):
            inner = _place_after_of(article, token.end, clause_end)
            if inner is not None:  # "of the territory of Donetsk region", "of the rest of Sudan"
                place, head, end = inner, None, inner.end
                tail = re.match(r"\s+([a-z][\w\-]*)", text[inner.end : clause_end])
                if tail and tail.group(1) in _WORDS.region_words:
                    head, end = tail.group(1), inner.end + tail.end()
                qualifier = _qualifier_after(article, sentence, end, clause_end)
                break
        if token.lower == "in" and head in _WORDS.land_words and place is None and possessor is None:
            inner = _place_after_of(article, token.end, clause_end)
            if inner is not None and inner.kind != "populated_place":  # "52% of Territory in Afghanistan"
                place, end = inner, inner.end
                placed_holding = possessor_word in ("its", "their", None)
                qualifier = qualifier or _qualifier_after(article, sentence, inner.end, clause_end)
                break
        if token.lower in _WORDS.phrase_stops:
            # "of the areas in Kursk taken by Ukraine": the qualifier may follow a prepositional phrase.
            qualifier = qualifier or _qualifier_after(article, sentence, token.start, clause_end)
            relative = token.lower in _WORDS.subject_pronouns
            break
        if mention is not None:
            if head is not None and not _names_a_place(text, mention, clause_end):
                # "the land Ukraine seized": a relative clause begins (not "the eastern Luhansk region")
                qualifier = qualifier or _qualifier_after(article, sentence, token.start, clause_end)
                relative = True
                break
            head = None
            possessive = _POSSESSIVE_RE.match(text, mention.end)
            if possessive and mention.type == "place":
                possessor = mention
                position = end = possessive.end()
            elif mention.type == "demonym":
                demonym = mention
                position = end = mention.end
            elif mention.type == "place":
                place = mention
                position = end = mention.end
            else:
                position = end = mention.end
            continue
        if head is None and (token.lower in _WORDS.compass_parts or (sides and token.lower in ("and", "or"))):
            sides = True  # "of the country’s southern and central regions"
            continue
        if head is None and token.lower in _WORDS.qualifying_adverbs:
            continue  # "of previously seized territory": the adverb of the participle before the head
        category = token_category(text, token)
        if category is not None and head is None and _is_participle(token.lower):
            qualifier = (category, None)  # "its occupied area", "the captured territory"
            before_head = True
            continue
        if category is not None and head is not None:
            qualifier = _qualifier_after(article, sentence, token.start, clause_end)
            break
        possessive = _POSSESSIVE_RE.match(text, token.end)
        if possessive or token.lower.endswith(("'s", "’s")):
            # "the country's", "the Strip's": a region word resolved later
            possessor_word = token.lower[:-2] if not possessive else token.lower
            position = end = possessive.end() if possessive else token.end
            continue
        if token.lower.endswith(_HELD_SUFFIXES) or (token.lower in _WORDS.holder_adjectives and head is None):
            qualifier = ("held", None)  # "rebel-held areas", "of jihadist territory": someone's holding
            continue
        if token.lower in _WORDS.determiners or token.lower in _WORDS.speaker_possessives:
            if token.lower in ("its", "their") or token.lower in _WORDS.speaker_possessives:
                possessor_word = token.lower
            continue
        named = head is not None or place is not None or possessor is not None or demonym is not None
        if named and (token.lower in _WORDS.qualifying_adverbs or token.lower in _WORDS.subject_pronouns):
            qualifier = qualifier or _qualifier_after(article, sentence, token.start, clause_end)  # "they occupied"
            relative = True
            break
        if head in _WORDS.land_words and token.lower.endswith("ly"):
            continue  # "of territory formally under military administration": an adverb, not the head
        head = token.lower
        if "-" in head and head.split("-")[0] in _WORDS.land_words:
            head = head.split("-")[0]  # "territory-including Upper Karabakh"
        end = token.end
    if head is None and place is None and possessor is None and demonym is None and possessor_word is None:
        return None
    return _OfPhrase(start, end, head, place, possessor, possessor_word, demonym,
                     *(qualifier if qualifier is not None else (None, None)), relative=relative,
                     placed_holding=placed_holding, captured_before_head=before_head and not relative, sides=sides)


def apposed(text: str, sentence: Sentence, reading: Reading) -> re.Match[str] | None:
    """The link to a rounded share the share restates exactly ("nearly half, or 45 percent, of"), or None."""
    return _PATTERNS.apposed_before.search(text, max(sentence.start, reading.span_start - 12), reading.span_start)


def _names_a_place(text: str, mention: Mention, end: int) -> bool:
    """Whether a place named after other words of an of-phrase ends it or is followed by a word for a
    region ("the eastern Luhansk region"), rather than beginning a relative clause ("the land Ukraine
    seized")."""
    following = re.match(r"\s*([^\W\d_][\w\-]*)?", text[mention.end : end])
    word = (following.group(1) or "").lower() if following else ""
    return not word or word in _WORDS.region_words or word in _WORDS.land_words or word in _WORDS.phrase_stops


def _is_participle(word: str) -> bool:
    return word.endswith(("ed", "en")) or word in ("held", "lost", "won", "overrun", "taken")


def _place_after_of(article: Article, start: int, end: int) -> Mention | None:
    inner = next((m for m in article.mentions_in(start, end) if m.type == "place"), None)
    if inner is None or article.text[start : inner.start].strip().lower() not in ("", "the"):
        return None
    return inner


def _qualifier_after(
    article: Article, sentence: Sentence, start: int, end: int
) -> tuple[str, str | None] | None:
    """The control category (and its agent after "by") of a participle or relative clause after the land
    a share is of: "taken by Ukraine", "Ukraine seized", "they occupied in August", "initially occupied by
    Ukrainian troops"; None when the sentence's main verb comes first ("... is controlled by")."""
    text = article.text
    previous = None
    for token in word_tokens(text, start, end)[:12]:
        if _FIGURE_RE.search(text, start, token.start):
            return None  # another figure's clause: "6.8 per cent of Iraq's territory from the 40 per cent it held"
        if token.lower in _WORDS.main_verb_auxiliaries and previous in ("that", "which"):
            previous = token.lower  # "of territory that was captured by the militants": a relative clause's verb
            continue
        if token.lower in _WORDS.main_verb_auxiliaries or token.lower in _WORDS.qualifier_stops:
            return None  # the sentence's own verb, or another clause: "93% of its land in June but now owns 73%"
        adverb = token.lower == "once" and previous in _WORDS.subject_pronouns  # "of the territory it once held"
        if token.lower in _WORDS.time_clause_words and not adverb:
            return None  # "70 percent of the country before Russia launched its air operation": a time, no owner
        category = token_category(text, token)
        # "under Russian control" is no clause; "they control" is
        if category is not None and (token.lower not in ("control", "hold") or previous in _WORDS.subject_pronouns):
            return category, agent_by_after(article, sentence, token.end)
        previous = token.lower
    return None


def _holding_of_no_country(
    article: Article, sentence: Sentence, phrase: _OfPhrase, clause_start: int, lost: bool
) -> bool:
    """ "the rebels lost a third of their territory": land that is "its" or "their" when no region or
    country is named before it in the sentence is what the subject holds; so is "its territory in Syria", and
    territory in a place that is lost ("Islamic State loses 45% of territory in Iraq"), when no country is the
    subject in its clause (a country's "its territory" is its own land)."""
    if phrase.placed_holding and (phrase.possessor_word is not None or lost):
        return not agents_before(article, sentence, phrase.start, since=clause_start)
    return (phrase.possessor_word in ("its", "their") and phrase.head in _WORDS.land_words
            and _owner_of_its(article, sentence, phrase) is None)


def _owner_of_its(article: Article, sentence: Sentence, phrase: _OfPhrase) -> Place | None:
    """The place "its" stands for: the nearest region or country named before it in the sentence that
    is not an agent ("in Kherson, where Russia controlled 93% of its land": Kherson), or, after "the nation's"
    or "the country's", the last country named before the sentence."""
    agents = {id(m) for m, _ in sentence_agents(article, sentence)}
    for mention in article.mentions_backwards(sentence.start, phrase.start):
        if mention.type == "place" and id(mention) not in agents and id(mention) not in article.references:
            return promoted(mention, article.text, "region_share")
    if _PATTERNS.nation_owner.search(article.text, sentence.start, phrase.start):
        # "Burkina Faso is identified as a particular flashpoint ... The nation's armed forces are said to control
        # only 40% of its territory": the country the sentences before name
        return _named_before(article, sentence, 0, sentence.start, ("country",), agents_too=True)
    return None


def _is_land(text: str, phrase: _OfPhrase) -> bool:
    """Whether an of-phrase that is no gain names land: a place, a word for land or for a region."""
    if re.match(r"\s+along\b", text[phrase.end : phrase.end + 8]):
        return False  # "of the land along the Turkish border": a strip of a border, not of a region
    if _PATTERNS.regions_pointed_at.match(text, phrase.start) or (
            phrase.sides and phrase.head in _WORDS.compass_part_heads):
        return True
    if phrase.head is None and phrase.demonym is not None and phrase.place is None and phrase.possessor is None:
        return False  # "number about a quarter of Greek Cypriots", "a fifth of Syrians": a share of a people
    return phrase.head is None or phrase.head in _WORDS.land_words or phrase.head in _WORDS.region_words or (
        phrase.head in _WORDS.landform_words)


def _phrase_region(article: Article, sentence: Sentence, reading: Reading, phrase: _OfPhrase) -> Place | None:
    """The region of a share of land, or None when the text does not say which."""
    text = article.text
    head = phrase.head
    if phrase.place is not None:
        return promoted(phrase.place, text, "region_share")
    if phrase.possessor is not None:
        return promoted(phrase.possessor, text, "region_share")
    if phrase.demonym is not None:
        return country_place(article, phrase.demonym.country or phrase.demonym.id)
    if phrase.possessor_word in _WORDS.speaker_possessives and (head in _WORDS.land_words or head == "country"):
        return _speaker_country(article, sentence, reading)
    if head in _WORDS.landform_words:
        return None  # "two-thirds of the Golan Heights": a landform, no region the text named before
    word = phrase.possessor_word if phrase.possessor_word not in (None, "its", "their") else None
    if head in _WORDS.region_words or word in _WORDS.region_words:
        kinds = _WORD_KINDS.get(word or head, _DEFAULT_REGION_KINDS)  # type: ignore[arg-type]
        named = None
        if kinds == ("country",):
            # "5,600 square kilometres of Ukrainian territory — nearly 1% of the country": the land's country;
            # "the Afghan government controlled about 72 percent of the country" under a headline naming "USA",
            # "65% of the country's land" a sentence after "the U.S. began withdrawing": the country the article
            # is about, not the last one it named
            named = _land_country(article, sentence, reading) or country_place(article, _main_country(article))
        named = named or _named_before(article, sentence, 0, reading.span_start, kinds, agents_too=True)
        if named is None and "country" not in kinds:
            named = _named_before(article, sentence, 0, reading.span_start, ("country",), agents_too=True)
        if named is None:  # named only after it: "150 % of the region around Sudzha in the Kursk region"
            named = _named_before(article, sentence, reading.span_end, sentence.end, kinds, agents_too=True)
        if named is None and "country" in kinds:
            named = country_place(article, _main_country(article))  # or only as "Syrian"
        return named
    if phrase.possessor_word in ("its", "their"):
        owner = _owner_of_its(article, sentence, phrase)
        return owner if owner is not None else context_region(
            article, sentence, reading.span_start)
    return context_region(article, sentence, reading.span_start)


def _speaker_country(article: Article, sentence: Sentence, reading: Reading) -> Place | None:
    """The country of "his country" or "our territory": one named in the sentence or the one before it
    that is not the side said to hold the share ("Ukraine President Volodymyr Zelensky said Thursday that
    Russia controls about one-fifth of his country")."""
    holders = agents_before(article, sentence, reading.span_start)
    holder = holders[0] if holders else None
    start = article.sentences[sentence.index - 1].start if sentence.index > 0 else sentence.start
    nearby = [m for m in article.mentions_in(start, sentence.end)
              if m.type == "demonym" or m.kind == "country"]
    speaker = speaker_country(article, sentence, exclude=holder)  # "the Ukrainian leader said"
    if speaker is not None:
        return country_place(article, speaker)
    for mention in reversed([m for m in nearby if m.end <= reading.span_start]):
        code = mention.country or mention.id
        if code is not None and code != holder:
            return country_place(article, code)
    main = _main_country(article)
    return country_place(article, main) if main != holder else None


def _land_country(article: Article, sentence: Sentence, reading: Reading) -> Place | None:
    """The country of land its sentence names before the share by a demonym ("of Ukrainian territory"), or None."""
    text = article.text
    for mention in article.mentions_backwards(sentence.start, reading.span_start):
        following = re.match(r"\s+([a-z]+)", text[mention.end : mention.end + 20])
        if mention.type == "demonym" and following is not None and following.group(1) in _WORDS.land_words:
            return country_place(article, mention.country or mention.id)
    return None


def _main_country(article: Article) -> str | None:
    """The country the article names most (as a country or a demonym); ties go to the first named."""
    counts: dict[str, int] = {}
    for mention in article.mentions:
        code = mention.country or (mention.id if mention.kind == "country" else None)
        if code is not None and (mention.type == "demonym" or mention.kind == "country"):
            counts[code] = counts.get(code, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else None


def _named_before(
    article: Article, sentence: Sentence, start: int, end: int, kinds: tuple[str, ...], agents_too: bool = False
) -> Place | None:
    """The last place of ``kinds`` named in ``text[start:end]`` (not an agent of its sentence unless
    ``agents_too``); a populated place stands for its region when regions are asked for."""
    agents = set() if agents_too else {id(m) for m, _ in sentence_agents(article, sentence)}
    for mention in article.mentions_backwards(start, end):
        if mention.type != "place" or id(mention) in agents or id(mention) in article.references:
            continue
        if mention.kind in kinds:
            return place_of(mention)
    return None


# -- the claims ---------------------------------------------------------------------------------------


def _continued_gain_share(article: Article, sentence: Sentence, reading: Reading) -> Interpretation | None:
    """A bare share that goes on with the share of a gain in the sentence just before, for a place it
    names: "IS has lost around a third of the territory it once controlled in Iraq and Syria. 'In Iraq, it's
    about 40 percent,' said ..." (the same loss, in Iraq)."""
    if not article.gain_shares or article.gain_shares[-1][0] != sentence.index - 1:
        return None
    place = _named_before(article, sentence, sentence.start, reading.span_start, _DEFAULT_REGION_KINDS + ("country",))
    if place is None:
        return None
    earlier = article.gain_shares[-1][1]
    result = Interpretation(kind=earlier.kind, actor=earlier.actor, holder=earlier.holder, place=place)
    article.gain_shares.append((sentence.index, result))
    return result


def _figure_for_gain_share(article: Article, sentence: Sentence, reading: Reading) -> Interpretation | None:
    """Another source's figure for the share of a gain just given: "they lost 30 percent of the territory
    they once held, Warren told reporters. Warren's estimate appears to differ significantly from a figure of 14
    percent provided by the IHS" (the same measure, within a few sentences)."""
    text = article.text
    if not _PATTERNS.figure_of_before.search(text, max(sentence.start, reading.span_start - 60), reading.span_start):
        return None
    if not article.gain_shares or sentence.index - article.gain_shares[-1][0] > _FIGURE_LOOKBACK:
        return None
    earlier = article.gain_shares[-1][1]
    result = Interpretation(kind=earlier.kind, actor=earlier.actor, holder=earlier.holder, place=earlier.place)
    article.gain_shares.append((sentence.index, result))
    return result


def _stands_alone(text: str, reading: Reading, sentence: Sentence) -> bool:
    """Whether a share without an of-phrase is a figure of its own, not an adjective ("a 50% pay
    increase", "44% less land")."""
    following = re.match(r"\s*([^\W\d_][\w\-’']*)", text[reading.span_end : min(sentence.end, reading.span_end + 30)])
    if following is None:
        return True
    if re.match(r"\s*[,;:.!?()\[\]—–\"“”]", text[reading.span_end : reading.span_end + 3]):
        return True
    return following.group(1).lower() in _WORDS.standalone_next


def _control_predicate(text: str, start: int, end: int) -> str | None:
    """held | lost when ``text[start:end]`` says the share is (out of) someone's control, else None."""
    found = _PATTERNS.control_predicate.search(text, start, end)
    if found is None:
        return None
    return "held" if found.group("where").lower() in ("under", "in") else "lost"


def _governed_by_control(
    text: str, sentence: Sentence, window: tuple[int, int], reading: Reading, direct: Cue | None
) -> bool:
    """A control word governs a share without an of-phrase: a verb ("hold 42%"), "under X control",
    "is under the control of", "bringing total Russian control to nearly 20%"."""
    if direct is not None and direct.category != "reduced":
        return True
    main, _ = main_verb_after(text, reading.span_end, window[1])
    if main is not None or _control_predicate(text, reading.span_end, sentence.end) is not None:
        return True
    if _PATTERNS.yet_to_take.search(text, window[0], reading.span_start):
        return True  # "have yet to clear the remaining 15 percent": ground still to take, the other side's
    remainder = _PATTERNS.remainder_before.search(text, max(window[0], reading.span_start - 12), reading.span_start)
    if (weak_hold(text, window, reading) and remainder is None) or _PATTERNS.lost_control.search(
            text, reading.span_end, window[1]):
        return True
    if _PATTERNS.changed_from_before.search(text, max(window[0], reading.span_start - 60), reading.span_start) and (
            _PATTERNS.changed_to_after.match(text, reading.span_end, window[1])):
        return True  # "has dropped ... from around 70 per cent at the time of the Geneva meeting ... to 50 per cent"
    if _PATTERNS.designated_before.search(text, window[0], reading.span_start) and _PATTERNS.as_zone_after.match(
            text, reading.span_end):
        return True  # "has designated an additional 11 percent as a 'restricted zone'"
    if _PATTERNS.people_control.search(text, window[0], reading.span_start):
        return False  # "Population control also declined by about two points to 63.5%": a share of people
    return _PATTERNS.control_word.search(text, window[0], reading.span_start) is not None and re.search(
        r"\bto\s+(?:\w+\s+)?$", text[max(window[0], reading.span_start - 20) : reading.span_start]) is not None


def _region_share(
    article: Article,
    sentence: Sentence,
    reading: Reading,
    window: tuple[int, int],
    region: Place | None,
    direct: Cue | None,
    actor: str | None = None,
) -> Interpretation:
    text = article.text
    actor = actor or holder_in(article, sentence, window[0], window[1])
    lost = (direct is not None and direct.category == "lost") or bool(
        _PATTERNS.lost_control.search(text, reading.span_end, window[1])) or _control_predicate(
        text, reading.span_end, sentence.end) == "lost" or bool(
        _PATTERNS.yet_to_take.search(text, window[0], reading.span_start))
    if actor is None:
        cue = direct or nearest_cue(text, window[0], reading.span_start, leftwards=True)
        position = cue.start if cue is not None else reading.span_start
        subjects = agents_before(article, sentence, position, since=window[0]) or agents_before(
            article, sentence, position)
        actor = subjects[0] if subjects else None
        if cue is not None and cue.category == "lost":
            lost = True
        if lost:
            actor = opponent(actor)  # "the junta lost control of 86 percent": the other side holds it
        if actor is None:
            agent = _agent_of_control(article, sentence, reading, window)
            actor = agent
    if region is not None:
        article.region_shares.append(region)
    return Interpretation(kind="region_share", actor=actor, holder=actor, place=region, region=region)


def _agent_of_control(article: Article, sentence: Sentence, reading: Reading, window: tuple[int, int]) -> str | None:
    """ "13.7% controlled by rebel groups", "under the control of the occupier": the agent after."""
    text = article.text
    by = re.search(r"\b(?:controlled|held|occupied|control)\s+(?:by|of)\s+", text[reading.span_end : window[1]])
    if by is None:
        return None
    agent = agent_after(article, sentence, reading.span_end + by.end())
    return agent[1] if agent else None


def _gain_share(
    article: Article,
    sentence: Sentence,
    reading: Reading,
    window: tuple[int, int],
    direct: Cue | None,
    phrase: _OfPhrase,
) -> Interpretation | None:
    """A share of an earlier gain: held, or retaken (retaken, liberated or lost)."""
    text = article.text
    main, main_start = main_verb_after(text, phrase.end, sentence.end)
    if main is not None and phrase.relative and any(
            t.lower in _WORDS.subject_pronouns for t in word_tokens(text, phrase.end, main.start)):
        # "a net loss of 14% of what it had conquered": the relative clause's verb, not the main one
        main, main_start = main_verb_after(text, main.end, sentence.end)
    cue = direct or main
    if cue is None:
        cue = nearest_cue(text, window[0], reading.span_start, leftwards=True)
    if cue is None and _PATTERNS.including_before.match(text, window[0]):
        # "has continued losing control over territory ..., including almost half of what it had once held in
        # Iraq": the share is part of what the clause before says
        cue = nearest_cue(text, sentence.start, window[0], leftwards=True)
    if cue is None:
        if not weak_hold(text, window, reading):
            return None  # how a gain is distributed, no claim
        cue = Cue("held", reading.start, reading.end)
    secured = cue is main and phrase.captured and text[cue.start : cue.end].lower() in _WORDS.secure_verbs
    if cue.category == "seized" and cue is main and not secured:
        return None  # "three quarters of the territory taken ... was taken in Donetsk": no claim on the gain
    category = "retaken" if secured else {"reduced": "held", "lost": "retaken", "liberated": "retaken"}.get(
        cue.category, cue.category)
    kind = "share_held" if category == "held" else "share_retaken"
    # The base is the of-phrase and what qualifies it ("of the territory Ukraine seized in August"),
    # up to the main verb or the clause end: not "by the end of 2015" after a bare "of them".
    # ("lost almost a quarter of previously seized territory in 2016": a participle before the head ends the base
    # at the head; the year dates the loss)
    runs_on = (phrase.captured and not phrase.captured_before_head) or phrase.relative
    base_end = (main_start if main is not None else window[1]) if runs_on else phrase.end
    base = (reading.span_end, base_end)
    subjects = agents_before(article, sentence, min(cue.start, reading.span_start))
    subject = subjects[0] if subjects else None
    base_holder = _base_holder(article, sentence, base[0], base[1], subject)
    if category == "seized" and phrase.qualifier == "seized" and phrase.place is None and base_holder in (
            None, subject) and not any(t.lower == "by" for t in word_tokens(text, *base)):
        # "the Russians captured 56.5% of all the territory seized last year": a part of the subject's own gains
        # (taken in one span), no ground taken back; a retaking names the other side's gain ("seized by Ukraine")
        return None
    result = Interpretation(kind=kind, mask=[base])
    result.place = anchor_place(article, sentence, reading, window, kind, set())
    owner = result.place.country if result.place is not None else None
    if kind == "share_held":
        actor = holder_in(article, sentence, window[0], reading.span_start)
        actor = actor or holder_in(article, sentence, base[1], window[1])
        actor = actor or subject or base_holder or holder_in(article, sentence, *window)
        result.holder = actor
    elif cue.category == "lost":  # "Ukraine has lost 60% of the land it seized": the other side retook it
        actor = opponent(subject or base_holder)
        result.holder = subject or base_holder
    else:
        actor = agent_by_after(article, sentence, cue.end) or subject
        if actor is None:
            actor = opponent(base_holder) if base_holder else owner
        result.holder = base_holder or opponent(actor)
    result.actor = actor
    if result.place is None:
        # Unnamed land: what was captured (the base of the share) belongs to the captor's opponent.
        captor = base_holder if kind == "share_retaken" else result.holder
        result.place = country_place(article, opponent(captor))
    article.gain_shares.append((sentence.index, result))
    return result


def _shrunk_by(article: Article, sentence: Sentence, reading: Reading, window: tuple[int, int]) -> Interpretation:
    """ "the caliphate shrank by 12%": the share of its own ground the subject lost, a share of what it held."""
    subjects = agents_before(article, sentence, reading.span_start)
    holder = subjects[0] if subjects else None
    result = Interpretation(kind="share_retaken", actor=opponent(holder), holder=holder)
    result.place = anchor_place(article, sentence, reading, window, "share_retaken", set())
    article.gain_shares.append((sentence.index, result))
    return result


def _base_holder(article: Article, sentence: Sentence, start: int, end: int, subject: str | None) -> str | None:
    """Who had taken the base of a share: 'of the areas taken by Ukraine', 'of the land Ukraine seized'."""
    text = article.text
    tokens = word_tokens(text, start, end)
    for i, token in enumerate(tokens):
        if control_category(token.lower) is None:
            continue
        if i + 1 < len(tokens) and tokens[i + 1].lower == "by":
            agent = agent_after(article, sentence, tokens[i + 1].end)
            if agent is not None:
                return agent[1]
        ending = agent_ending_at(article, sentence, token.start)
        if ending is not None:
            return ending[1]
        if i > 0 and tokens[i - 1].lower in ("it", "they", "its", "their"):
            return subject
    if any(t.lower in ("its", "their") for t in tokens):
        return subject
    return None
