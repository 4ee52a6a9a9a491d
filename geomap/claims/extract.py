"""Extract quantitative territorial claims from news articles.

``extract_claims(sources, mentions)`` reads every quantity of each source with
:func:`geomap.claims.quantities.find_quantities`, keeps those a territorial
claim is made of (areas, shares, depths, widths, distances, size comparisons)
and the counts that go with them as non-spatial facts (settlements taken or
held; soldiers, prisoners, casualties), and returns one
:class:`geomap.records.Claim` per claim in text order, numbered
``"<source id>#<n>"`` from 1. ``claims_table`` flattens claims into JSON-ready
records.

The function reads its arguments and the bundled region areas (geodata, once
per process), never the clock or the network, and gives the same claims for the
same input. Only sentences that hold a quantity (or a "the size of X"
comparison) are read, and each one a bounded number of times, so the work grows
linearly with the corpus.

The stage, one module a step
----------------------------
=====================================  =========================================================
:mod:`geomap.claims.article`           the article split into sentences, mentions indexed by offset
:mod:`geomap.claims.readings`          which quantities may be claims (areas, lengths, shares,
                                       size comparisons, counts of settlements and of people),
                                       their spans and qualifiers
:mod:`geomap.claims.cues`              the words that say what a quantity measures
:mod:`geomap.claims.kinds`             the claim's kind, from those cues; restatements, list items
:mod:`geomap.claims.shares`            what a share is a share of (a region, an earlier gain, no land)
:mod:`geomap.claims.anchors`           actor, holder, anchor place and the subject's wording
:mod:`geomap.claims.areas`             the bundled areas of countries and regions (size comparisons)
:mod:`geomap.claims.plausibility`      numbers that cannot be territory: flagged, never drawn
:mod:`geomap.claims.dating`            ``as_of_start``/``as_of_end`` on top of
                                       :mod:`geomap.claims.temporal`
this module                            the public API and the Claim records, with their flags
:mod:`geomap.claims.corpus`            after the stage, once every article's claims exist: what
                                       the other articles settle (dates, bases of shares retaken)
=====================================  =========================================================

Each module's docstring gives its rules.

Fields
------
``value``/``low``/``high`` and ``unit`` are as written (``unit`` is
the words for word fractions ("one third"), "the size of"/"times the size of" for
comparisons, the counted noun for counts); ``start``/``end`` cover the number
and unit only (not the qualifier, not "between", not a second unit in
brackets, which becomes ``alt_value``/``alt_unit``). Only the normalised field
that fits the kind is set: ``km2`` for areas and ``region_area``, ``km`` for
depth, front width and distance, ``share`` for shares and ``region_share``;
for ``relative_area`` ``km2`` is the multiple times the reference's area (of
the references' sum for "X, Y and Z combined") in the bundled region table
(:mod:`geomap.claims.areas`), with the arithmetic in ``derivation``, and null
when the reference has no area there; none for ``count`` (a count is never an
area or a share). ``subject`` names the territory ("Ukrainian-held part of Kursk
Oblast"), or for a count of people what is counted ("Ukrainian soldiers taken
prisoner").

Flags: ``units_disagree`` when the second unit differs from the first by more
than :data:`UNITS_DISAGREE_PCT` %; ``unit_shared`` when the unit is written only
after the next number ("from 1,368 to 110 km²"); ``as_of_after_published`` when
the date starts after publication ("since 2022" in an article dated 2000), whose
end is then dropped; ``unit_read_as_area`` when "km" was written for km²; and
the flags of :mod:`geomap.claims.plausibility` (``not_drawn``) for numbers that
cannot be territory; ``past_undated`` when words before the figure put it in the
past ("after occupying some 51,000 square miles", "having shrunk from 500 square
miles", "before the start of the operation") and nothing in the text dates it, so
that the publication date it falls back to is not taken for the text's (the
corpus pass may then date it from another article: ``dated_from_corpus``; it
flags a base it takes from another article ``base_from_corpus``).

One claim per figure
--------------------
The same figure restated in an article is one claim (:func:`merge_restatements`):
its further quotes are in ``restated`` (``quote``, ``start``, ``end``,
``quote_start``, ``quote_end``). Ids are given after merging, in text order.

Derived areas
-------------
A retaking of an earlier gain whose peak the article gives has the area still
held in ``held_km2`` and the arithmetic in ``derivation``
(:func:`derive_still_held`); a size comparison's km² has its arithmetic there
too.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from geomap.claims.anchors import territory_subject, written_holder
from geomap.claims.areas import place_area
from geomap.claims.article import Article, Interpretation, Reading, Sentence, index_article
from geomap.claims.dating import claim_dates, undated_past
from geomap.claims.kinds import interpret
from geomap.claims.plausibility import implausibility
from geomap.claims.readings import find_readings
from geomap.records import AREA_KINDS, SHARE_KINDS, Claim, Mention, Source

__all__ = ["UNITS_DISAGREE_PCT", "claims_table", "extract_claims"]

UNITS_DISAGREE_PCT = 3.0  # a second unit further off than this is flagged
STEP_SPAN = timedelta(days=31)  # an area retaken over a span this short is one step, no total to subtract
PEAK_BEFORE = timedelta(days=30)  # an area held this long before a retaking may be the peak it retakes from
RESTATED_REL = 0.005  # values this close are the same figure restated ("1,376 km² (531 mi²)" and "531 square miles")
ROUNDED_REL = 0.02  # a whole number this close to a figure it rounds restates it (the scoreboard's tolerance)
# Buckets of RESTATED_REL searched each side for a figure's restatements, roundings included
# Kinds whose holder is the side that has the ground now (a side that is no country is named as written)
_HELD_KINDS = ("area_held", "share_held", "region_share")
# Kinds that name the same ground from either side: an area lost by one side is the area its taker (the claim's
# actor in both) seized ("Ukraine loses 3,600 square kilometers" and "Russia has captured nearly 3,600 square
# kilometers" in one article), so the two are one figure when the rest agrees
_SAME_GROUND = {"area_lost": "area_seized"}
_COMPASS_PART_RE = re.compile(r"(?:north|south|east|west|central)", re.IGNORECASE)
_ROUNDED_SLOTS = math.ceil(math.log1p(ROUNDED_REL) / math.log1p(RESTATED_REL))
# The claim fields that are the reading's own, under the same names: the figure as written and where it stands.
_FIELDS_FROM_READING = ("value", "unit", "start", "end", "low", "high", "qualifier", "alt_value", "alt_unit")
# "from 50 percent to 60 percent": what comes before a change's first end, and between its ends
_CHANGE_FROM_RE = re.compile(r"\bfrom\s+$")
_CHANGE_TO_RE = re.compile(r"[^\d,.;:()]{0,30}?\bto\s+")  # the first end's unit may lie between: "50 percent to"
# "This is smaller compared to the 8 to 9 hectares previously reported": the sentence before's figure, compared
_COMPARED_BACK_RE = re.compile(
    r"(?:this|that|it)\s+(?:is|was)\s+(?:\w+\s+){0,2}?(?:smaller|larger|bigger|less|more|lower|higher|down|up)\s+"
    r"(?:compared\s+(?:to|with)|than|from)\s+(?:the\s+|a\s+)?(?:\w+\s+)?$", re.IGNORECASE)
_COMPARED_LOOKBACK = 2  # sentences back to the figure compared ("This was disclosed ..." may come between)
_SAME_SENTENCE_LOOKBACK = 8  # earlier claims of the sentence a reading may continue (a bound keeps it linear)
# Hyphens and the minus sign as typeset text writes them ("two‐thirds" with U+2010, "360‐square‐mile", U+2011, "10−15
# km" with U+2212): the readers' patterns know the ASCII hyphen. Each is one character for one, so the offsets stay
# those of the text as published, and the quotes are given back in its own characters.
_TYPESET_HYPHENS = ("\u2010", "\u2011", "\u2212")  # (str.replace: str.translate costs 2 % of the stage)
_WRITTEN_FIELDS = ("unit", "alt_unit", "as_of_text", "subject")  # the claim's words taken from its quote

def extract_claims(sources: Sequence[Source], mentions: Iterable[Mention]) -> list[Claim]:
    """Every quantitative territorial claim in ``sources``.

    Parameters
    ----------
    sources : sequence of Source
        The articles; ``published`` dates relative expressions.
    mentions : iterable of Mention
        The geoparser's mentions of those sources (any order; mentions of other
        sources are ignored). They anchor claims and name actors and regions.

    Returns
    -------
    list of Claim
        Per source in the given order, claims in text order with ids
        ``"<source id>#1"``, ``"#2"``, ... See the module docstrings of :mod:`geomap.claims` for the rules.

    Examples
    --------
    >>> from datetime import date
    >>> from geomap.records import Source
    >>> source = Source(id="a", text="Ukrainian troops still held about 400 km² of the region.",
    ...                 published=date(2025, 3, 14))
    >>> [claim] = extract_claims([source], [])
    >>> claim.kind, claim.km2, claim.qualifier, claim.as_of_end.isoformat()
    ('area_held', 400.0, 'about', '2025-03-14')
    """
    by_source: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_source.setdefault(mention.source, []).append(mention)
    claims: list[Claim] = []
    for source in sources:
        claims.extend(_source_claims(source, by_source.get(source.id, [])))
    return claims


def claims_table(claims: Iterable[Claim]) -> list[dict[str, Any]]:
    """Flat, JSON-ready records of ``claims``, in the columns of :data:`geomap.schema.CLAIMS`.

    Dates become ISO strings; flags stay a list of dicts.

    Examples
    --------
    >>> from datetime import date
    >>> claim = Claim(source="a", claim_id="a#1", kind="area_held", value=50, unit="square miles",
    ...               quote="...", start=0, end=15, as_of_start=date(2025, 3, 13))
    >>> row = claims_table([claim])[0]
    >>> list(row)[:4], row["as_of_start"]
    (['source', 'claim_id', 'kind', 'value'], '2025-03-13')
    """
    from geomap.schema import CLAIMS

    return CLAIMS.rows(CLAIMS.from_records(list(claims)))


def _source_claims(source: Source, mentions: list[Mention]) -> list[Claim]:
    plain = source.text
    for hyphen in _TYPESET_HYPHENS:
        plain = plain.replace(hyphen, "-")
    if plain != source.text:
        claims = _source_claims(dataclasses.replace(source, text=plain), mentions)
        for claim in claims:
            _as_published(claim, source.text, plain)
        return claims
    article = index_article(source, mentions)
    readings = find_readings(article)
    results: list[tuple[Reading, Sentence, Interpretation]] = []
    for reading in readings:
        sentence = article.sentence_at(reading.start)
        earlier = [found for found in results[-_SAME_SENTENCE_LOOKBACK:] if found[1].index == sentence.index]
        result = interpret(article, sentence, reading, earlier)
        if result is not None:
            results.append((reading, sentence, result))
    results = _with_earlier_figures(article, readings, results)
    made = [_make_claim(article, reading, sentence, result, 0) for reading, sentence, result in results]
    merged = merge_restatements(made, source.text)
    for number, claim in enumerate(merged, start=1):
        claim.claim_id = f"{source.id}#{number}"  # numbered once merged: ids stay 1, 2, 3 ...
    return derive_still_held(merged)


def _as_published(claim: Claim, published: str, plain: str) -> None:
    """``claim``, read in ``plain`` (``published`` with its typeset hyphens made ASCII), in the published
    characters: its quotes, and the words of it that stand in its quote (the unit "square‐mile" as written)."""
    claim.quote = published[claim.quote_start : claim.quote_end]
    for quote in claim.restated:
        quote["quote"] = published[quote["quote_start"] : quote["quote_end"]]
    for name in _WRITTEN_FIELDS:
        words = getattr(claim, name)
        at = plain.find(words, claim.quote_start, claim.quote_end) if words else -1
        if at != -1:
            setattr(claim, name, published[at : at + len(words)])


def _with_earlier_figures(
    article: Article, readings: list[Reading], results: list[tuple[Reading, Sentence, Interpretation]]
) -> list[tuple[Reading, Sentence, Interpretation]]:
    """``results`` with the earlier figure of a change read as the claim it changed from, when nothing else
    reads it: the other end of "from X to Y" ("grew from 50 percent to 60 percent of the province"), and a
    figure the next sentence compares the claim with ("... has now shrunk to around 5 to 7 hectares. This is
    smaller compared to the 8 to 9 hectares previously reported")."""
    text = article.text
    found = {id(reading): found for found in results for reading in found[:1]}
    added = []
    for index, reading in enumerate(readings):
        if id(reading) in found:
            continue
        sentence = article.sentence_at(reading.start)
        known, earlier = None, False
        for other in readings[max(0, index - 1) : index + 2]:
            first, second = (other, reading) if other.start < reading.start else (reading, other)
            if other is not reading and id(other) in found and other.family == reading.family and (
                    _CHANGE_TO_RE.fullmatch(text, first.span_end, second.span_start)
                    and _CHANGE_FROM_RE.search(text, max(0, first.span_start - 6), first.span_start)):
                known, earlier = found[id(other)], first is reading
        if known is None and sentence.index > 0 and _COMPARED_BACK_RE.match(text, sentence.start, reading.span_start):
            before = [f for f in results if sentence.index - _COMPARED_LOOKBACK <= f[1].index < sentence.index
                      and f[0].family == reading.family]
            known, earlier = (before[-1] if before else None), True
        if known is not None:
            result = known[2]
            # the figure changed from is an earlier state the text seldom dates: flagged, as "after occupying ..."
            flags = [{"code": "past_undated", "message": "the figure a change started from, on a date the text "
                      "does not give; dated as the claim it changed into"}] if earlier else []
            added.append((reading, sentence, Interpretation(
                kind=result.kind, actor=result.actor, holder=result.holder, place=result.place, region=result.region,
                mask=list(result.mask), flags=flags)))
            found[id(reading)] = added[-1]
    return sorted(results + added, key=lambda found: found[0].start) if added else results


def derive_still_held(claims: list[Claim]) -> list[Claim]:
    """A retaking of an earlier gain, with the gain's peak in the same article, gives the area still held:
    ``held_km2`` and its arithmetic in ``derivation``.

    The peak is the largest area the article says was held or seized by someone other than the
    retaker (dated no later than the retaking). An area retaken over a day, a week or a month is one step
    (:func:`_a_step`) and gives nothing. A share retaken leaves (1 - share) x peak; an area
    retaken leaves peak - area. A share and an area retaken in one sentence ("63.2% or 801 km² ...
    has been liberated") give the peak themselves: area / share.
    """
    derived = list(claims)
    for index, claim in enumerate(claims):
        if claim.kind not in ("share_retaken", "area_retaken") or claim.derivation is not None:
            continue
        if claim.kind == "area_retaken" and _a_step(claim):
            continue  # "regained control over 2.2 km² ... over the past day": one step, not all that was retaken
        peak, base_text = _peak_of(claims, claim)
        if peak is None:
            continue
        if claim.kind == "share_retaken" and claim.share is not None and 0 < claim.share < 1:
            held = peak * (1 - claim.share)
            arithmetic = f"(1 - {number_text(claim.share * 100)}%) x {base_text} = {number_text(held)} km² still held"
        elif claim.kind == "area_retaken" and claim.km2 is not None and 0 < claim.km2 < peak:
            held = peak - claim.km2
            arithmetic = f"{base_text} - {number_text(claim.km2)} km² retaken = {number_text(held)} km² still held"
        else:
            continue
        derived[index] = dataclasses.replace(claim, held_km2=round(held, 3), derivation=arithmetic)
    return derived


def _a_step(retaking: Claim) -> bool:
    """Whether an area retaken is counted over a span of at most :data:`STEP_SPAN` (a day, a week, a month):
    one step of a counteroffensive, which says nothing of how much of the gain is left."""
    start, end = retaking.as_of_start, retaking.as_of_end
    return start is not None and end is not None and start < end and end - start <= STEP_SPAN


def _before(gain: Claim, retaking: Claim) -> bool:
    """Whether a gain can be the base of a retaking: seized no later than it, held well before it
    (:data:`PEAK_BEFORE`: an area held just before the retaking is what is left, not the peak), or put in the
    past by the words before it though the text gives no date (``past_undated``)."""
    if gain.as_of_start is None or retaking.as_of_start is None:
        return gain.kind == "area_seized"
    if any(flag["code"] == "past_undated" for flag in gain.flags):
        return True  # "after occupying some 51,000 square miles ..., Russia has lost a fifth": an earlier state
    if gain.kind == "area_seized":
        return gain.as_of_start <= (retaking.as_of_end or retaking.as_of_start)
    return (gain.as_of_end or gain.as_of_start) < retaking.as_of_start - PEAK_BEFORE


def _peak_of(claims: list[Claim], retaking: Claim) -> tuple[float | None, str]:
    """The peak area of the gain a retaking takes from, and how it was found: the largest earlier gain
    the article states, else the share and the area of the same retaking ("63.2% or 801 km²")."""
    gains = [c for c in claims if c.kind in ("area_held", "area_seized") and c.km2 is not None and c.km2 > 0
             and (retaking.actor is None or c.actor != retaking.actor) and _before(c, retaking)
             and not any(f.get("not_drawn") for f in c.flags)]
    if gains:
        peak = max(gains, key=lambda c: (c.km2, -c.start))
        return peak.km2, f"{number_text(peak.km2)} km² (the peak, {peak.claim_id})"
    sentences = {retaking.quote_start} | {quote["quote_start"] for quote in retaking.restated}
    for partner in claims:
        if partner is retaking or {partner.kind, retaking.kind} != {"share_retaken", "area_retaken"}:
            continue
        if not sentences & ({partner.quote_start} | {quote["quote_start"] for quote in partner.restated}):
            continue
        share, area = (partner, retaking) if partner.kind == "share_retaken" else (retaking, partner)
        if share.share and area.km2 and 0 < share.share < 1:
            peak = area.km2 / share.share
            written = f"{number_text(area.km2)} km² / {number_text(share.share * 100)}%, {area.claim_id}"
            return peak, f"{number_text(peak)} km² ({written})"
    return None, ""


def merge_restatements(claims: list[Claim], text: str | None = None) -> list[Claim]:
    """One claim per figure: the same figure stated again in an article (the headline, a quotation of
    the statement just reported, another unit) joins the first statement as a further quote.

    Two claims are one when they have the same kind, a value within :data:`RESTATED_REL` of each
    other (in km², km or share; for counts, as written) or one the other rounded to a whole number
    (:func:`_rounded`), no two different regions or actors and
    dates that overlap (or one of them no date of its own). The claim kept is the one that says most
    (a date of its own, then the speaker's own words in quotation marks over the outlet's retelling when
    the article ``text`` is given, an actor, a region, a place, a qualifier), the first of them on a tie;
    the others' quotes go to its ``restated``, in text order.
    """
    buckets: dict[tuple[str, int], list[int]] = {}
    groups: list[list[Claim]] = []
    for claim in claims:
        value = _measure(claim)
        joined = None
        ground = _SAME_GROUND.get(claim.kind, claim.kind)
        if value is not None and value > 0 and math.isfinite(value):
            slot = math.floor(math.log(value) / math.log1p(RESTATED_REL))
            for near in range(slot - _ROUNDED_SLOTS, slot + _ROUNDED_SLOTS + 1):
                for index in buckets.get((ground, near), ()):
                    if _same_figure(groups[index][0], claim):
                        joined = index
                        break
                if joined is not None:
                    break
            if joined is None:
                buckets.setdefault((ground, slot), []).append(len(groups))
        if joined is None:
            groups.append([claim])
        else:
            groups[joined].append(claim)
    merged = []
    for group in groups:
        quoted = {id(c): text is not None and len(group) > 1 and _in_quotation(text, c.start) for c in group}
        # one figure told from both sides ("Ukraine loses 3,600 square kilometers" over "Russia has captured nearly
        # 3,600 square kilometers"): the body's own clause says what happened, not the headline's turn of phrase
        sides = text is not None and len({c.kind for c in group}) > 1
        kept = max(group, key=lambda c: (not (sides and _in_headline(text or "", c)), c.as_of_text is not None,
                                         quoted[id(c)], c.actor is not None, c.region_id is not None,
                                         c.place_id is not None, c.qualifier is not None, -group.index(c)))
        others = [c for c in group if c is not kept]
        kept.restated = [{"quote": c.quote, "start": c.start, "end": c.end, "quote_start": c.quote_start,
                          "quote_end": c.quote_end} for c in others]
        if kept.actor is None:
            _take_actor(kept, others)
        merged.append(kept)
    return sorted(merged, key=lambda c: (c.start, c.end))


def _take_actor(kept: Claim, others: list[Claim]) -> None:
    """The actor of a figure whose kept statement names none ("“In some areas, our troops have advanced by up to 1
    kilometre,” deputy defence minister Hanna Maliar wrote" under the headline "Kiev says Ukrainian troops have
    advanced by 1 kilometre"): the one its other statements give (they name no other, or they would be two
    figures), with their wording of the territory when they anchor it to the same place."""
    named = next((c for c in others if c.actor is not None), None)
    if named is None:
        return
    kept.actor = named.actor
    if named.place_id == kept.place_id and named.subject is not None:
        kept.subject = named.subject


def _in_headline(text: str, claim: Claim) -> bool:
    """Whether the claim is stated in the article's headline: a first line with no closing full stop, with
    the body after it."""
    line_end = text.find("\n")
    return claim.quote_start == 0 and 0 < claim.quote_end <= line_end and not text[:line_end].rstrip().endswith(
        (".", "!", "?", "\"", "”"))


def _in_quotation(text: str, position: int) -> bool:
    """Whether ``position`` is inside quotation marks opened in its paragraph ("“Since the start of
    September, our soldiers have already liberated 6,000 square kilometres”")."""
    paragraph = text.rfind("\n\n", 0, position) + 1
    before = text[paragraph:position]
    opened = max(before.rfind("“"), before.rfind("«"))
    closed = max(before.rfind("”"), before.rfind("»"))
    if opened != closed:
        return opened > closed
    return before.count('"') % 2 == 1


def _measure(claim: Claim) -> float | None:
    for value in (claim.km2, claim.km, claim.share):
        if value is not None:
            return float(value)
    return float(claim.value) if claim.value is not None else None


def _same_figure(first: Claim, other: Claim) -> bool:
    a, b = _measure(first), _measure(other)
    if a is None or b is None or (abs(a - b) > RESTATED_REL * max(abs(a), abs(b)) and not _rounded(first, other)):
        return False
    if first.actor is not None and other.actor is not None and first.actor != other.actor:
        return False
    if (_side(first) and other.actor) or (_side(other) and first.actor):
        return False  # "half the country" held by the government and "50 per cent" held by the Bosnian Serbs
    if first.kind == "count" and first.unit != other.unit:
        return False
    if first.kind == "front_width" and first.quote_start == other.quote_start:
        return False  # "a small area spanning 40km long and about 40km wide": two sides of it, in one sentence
    if _compass_part(first) != _compass_part(other):
        return False  # "the eastern half of Mosul" (a named part) is no restatement of "more than half of" it
    if first.region_id is not None and other.region_id is not None and first.region_id != other.region_id:
        return False  # "73 percent of Zaporizhia, and 73 percent of Kherson"
    if first.place_kind == other.place_kind and first.place_kind in ("country", "admin1") and (
            first.place_id != other.place_id):
        return False  # "1000 sq km of territory in Iraq, and an additional 1000 sq km ... in Syria"
    if first.kind == "depth" and first.place_id is not None and other.place_id is not None and (
            first.place_id != other.place_id and not _nested(first, other)):
        # "advanced from 2 to dozens of kilometers" in Kharkiv, "to a depth of 2 km" at Kramatorsk (but "advanced 30
        # km inside Russia" in a headline is "up to 30 kilometers into Russia's Kursk region" in the lead)
        return False
    if (first.low is None) != (other.low is None):
        return False  # "between five and nine km" on three axes is no restatement of "up to seven kilometers" on one
    undated = first.as_of_text is None or other.as_of_text is None
    if undated or first.as_of_start is None or other.as_of_start is None:
        return True
    first_end = first.as_of_end or first.as_of_start
    other_end = other.as_of_end or other.as_of_start
    return first.as_of_start <= other_end and other.as_of_start <= first_end


def _nested(first: Claim, other: Claim) -> bool:
    """Whether one claim's anchor is a country and the other's a region of it (``RU`` and ``RU-KRS``)."""
    kinds = {first.place_kind: first.place_id, other.place_kind: other.place_id}
    country, region = kinds.get("country"), kinds.get("admin1")
    return country is not None and region is not None and region.startswith(f"{country}-")


def _side(claim: Claim) -> str | None:
    """The holder that is no country, as the text names it (the flag ``holder_not_a_country``), else None."""
    return next((flag["holder"] for flag in claim.flags if flag.get("code") == "holder_not_a_country"), None)


def _compass_part(claim: Claim) -> bool:
    """Whether a share names a part by its side ("the eastern half", "the south-eastern quarter")."""
    return claim.kind != "count" and _COMPASS_PART_RE.match(claim.unit or "") is not None


def _rounded(first: Claim, other: Claim) -> bool:
    """Whether one figure is the other rounded to a whole number, in the same unit and no more than
    :data:`ROUNDED_REL` off it ("increased from 19 to 60 percent" and "19.3 percent of the Syrian land area"; a
    rounding further off, "19 percent" for 19.4, is a figure of its own)."""
    if first.unit != other.unit or first.value is None or other.value is None or first.kind == "count":
        return False
    whole, exact = sorted((float(first.value), float(other.value)), key=lambda v: not v.is_integer())
    return whole.is_integer() and not exact.is_integer() and round(exact) == whole and (
        abs(exact - whole) <= ROUNDED_REL * abs(exact))


def _make_claim(
    article: Article, reading: Reading, sentence: Sentence, result: Interpretation, number: int
) -> Claim:
    source = article.source
    kind = result.kind
    as_of_start, as_of_end, as_of_text = claim_dates(article, sentence, reading, result)
    km2 = reading.normalised if kind in AREA_KINDS or kind == "region_area" else None
    derivation = None
    if kind == "relative_area":
        km2, derivation = _relative_km2(reading)
    km = reading.normalised if kind in ("depth", "front_width", "distance") else None
    share = reading.normalised if kind in SHARE_KINDS or kind == "region_share" else None
    flags: list[dict[str, Any]] = [dict(flag) for flag in result.flags]
    if kind == "relative_area" and km2 is None and reading.reference is not None:
        flags.append({
            "code": "reference_without_area",
            "message": f"no area for {_yardsticks(reading)} in the bundled region table: the comparison gives no km²",
        })  # fmt: skip
    if kind != "count":
        implausible = implausibility(kind, article.text[reading.start : reading.end], km2, km, share, reading.value,
                                     (result.place, result.region))
        if implausible is not None:
            flags.append(implausible)
    if as_of_start is not None and as_of_end is not None and as_of_start > as_of_end:
        # "since 2022" in an article dated 2000: the publication date cannot be right.
        flags.append({
            "code": "as_of_after_published",
            "message": f"'{as_of_text}' starts on {as_of_start.isoformat()}, after publication",
        })  # fmt: skip
        as_of_end = None
    if reading.disagree_pct is not None and reading.disagree_pct > UNITS_DISAGREE_PCT:
        flags.append({
            "code": "units_disagree",
            "message": (
                f"{number_text(reading.value)} {reading.unit} and {number_text(reading.alt_value)} {reading.alt_unit} "
                f"differ by {reading.disagree_pct:.1f}%"
            ),
            "pct": round(reading.disagree_pct, 2),
        })  # fmt: skip
    past = undated_past(sentence, reading) if as_of_text is None and kind != "region_area" else None
    if past is not None:
        flags.append({
            "code": "past_undated",
            "message": f"'{past}' puts the figure in the past, on a date the text does not give; dated to publication",
        })  # fmt: skip
    if reading.unit_shared:
        flags.append({
            "code": "unit_shared",
            "message": f"the unit '{reading.unit}' is written only after the next number",
        })  # fmt: skip
    actor, side = result.actor, None
    written = written_holder(article, sentence, reading) if kind in _HELD_KINDS else None
    where = result.region if kind == "region_share" else result.place
    land = None if where is None else where.country or (where.id if where.kind == "country" else None)
    if written is not None and (actor is None or (written[1] and actor == land)):
        # "Chad says rebels control one-third" of Chad: the rebels, not the state whose land it is (a backer
        # named for them, "Rwanda-backed M23 rebels", stays the holder the map can draw)
        actor, side = None, written[0]
    if side is not None:
        flags.append({
            "code": "holder_not_a_country",
            "message": f"held by {side}, a side that is no country: no country's colour on the map",
            "holder": side,
        })  # fmt: skip
    place = result.place
    region = result.region
    return Claim(
        source=source.id,
        claim_id=f"{source.id}#{number}",
        kind=kind,
        **{name: getattr(reading, name) for name in _FIELDS_FROM_READING},
        quote=sentence.text,
        quote_start=sentence.start,
        quote_end=sentence.end,
        km2=km2,
        km=km,
        share=share,
        subject=result.subject if result.subject is not None else territory_subject(article, kind, result, side),
        actor=actor,
        place=place.name if place else None,
        place_id=place.id if place else None,
        place_kind=place.kind if place else None,
        anchor_lat=place.lat if place else None,
        anchor_lon=place.lon if place else None,
        region=region.name if region else None,
        region_id=region.id if region else None,
        as_of_start=as_of_start,
        as_of_end=as_of_end,
        as_of_text=as_of_text,
        published=source.published,
        outlet=source.outlet,
        flags=flags,
        derivation=derivation,
    )


def _relative_km2(reading: Reading) -> tuple[float | None, str | None]:
    """km² of a size comparison: its multiple of the reference's area (of their sum, "combined")."""
    areas = [place_area(reference) for reference in _references(reading)]
    if not areas or any(area is None for area in areas):
        return None, None
    total = sum(area.km2 for area in areas)  # type: ignore[union-attr]
    km2 = round(reading.value * total, 3)
    named = " + ".join(f"{number_text(area.km2)} km² ({area.name}, {area.code})"  # type: ignore[union-attr]
                       for area in areas)
    return km2, f"{number_text(reading.value)} x {named} = {number_text(km2)} km²"


def _references(reading: Reading) -> list[Mention]:
    """The places a size comparison measures against: its reference and those joined to it ("combined")."""
    return [reading.reference, *reading.also] if reading.reference is not None else []


def _yardsticks(reading: Reading) -> str:
    """The places a size comparison measures against, as written ("New York City", "Imo, Abia and Ekiti")."""
    return ", ".join(reference.text for reference in _references(reading))


def number_text(value: float | None) -> str:
    """A figure as the derivations write it: thousands separated, two decimals unless whole."""
    if value is None:
        return "?"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
