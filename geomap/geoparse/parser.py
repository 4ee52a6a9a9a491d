"""The geoparser: the passes in order, over one article at a time.

    text ─► scan ─► spans ─► filters ─► candidates ─► resolution ─► misspellings ─► mentions

Each pass is a function of its own module with stated inputs and outputs; this
module only runs them in order and turns the spans into :class:`Mention` records.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
from collections.abc import Iterable, Iterator
from pathlib import Path

from geomap.gazetteer.folding import fold
from geomap.gazetteer.lookup import Gazetteer
from geomap.geoparse import candidates as candidates_pass
from geomap.geoparse import filters, resolve
from geomap.geoparse.fuzzy import Misspellings
from geomap.geoparse.scan import Hit, Scanner, gazetteer_scan_index
from geomap.geoparse.spans import Span, reported_extent, select_spans
from geomap.geoparse.text import SentenceSplitter, initial_positions
from geomap.geoparse.words import WordLists, read_word_lists
from geomap.records import Candidate, Mention, Source

QUOTE_CHARS = 300  # a mention quotes at most this much text on either side of its name
# Texts scanned together (see Scanner.scan_many): enough to share the scan's fixed costs among many articles,
# few enough that the joined text's arrays stay small (about 30 bytes a character).
SCAN_BATCH_CHARS = 1_000_000


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Turn the cyclic garbage collector off for a block (reference counting still frees memory)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Geoparser:
    """Find and resolve toponyms; one instance serves many sources."""

    def __init__(self, gazetteer: Gazetteer, words: WordLists, cache: Path | None = None):
        self.gazetteer = gazetteer
        self.words = words
        self.scanner = Scanner(gazetteer_scan_index(gazetteer.store, cache), [*words.demonyms, *words.adjectives],
                               words.inner_words)
        self.split_sentences = SentenceSplitter(words.abbreviations)
        self.readings = candidates_pass.Readings(gazetteer.store)
        self.priors = resolve.Priors()
        self.misspellings = Misspellings(gazetteer.store, words)
        self._countries: dict[str, Candidate | None] = {}
        self._homes: dict[str, Candidate | None] = {}

    def parse(self, source: Source, near: str | None = None) -> list[Mention]:
        """Every place and demonym mention of one source, by offset.

        ``near`` (else the source's ``home``) is the outlet's home place: the
        article's ambiguous names are read as near it.
        """
        return next(self.parse_many([source], near))

    def parse_many(self, sources: Iterable[Source], near: str | None = None) -> Iterator[list[Mention]]:
        """The mentions of each source, as :meth:`parse` gives them: the texts of up to
        :data:`SCAN_BATCH_CHARS` characters scanned at once (see ``Scanner.scan_many``), and parsed
        before the batch's first source is given."""
        for batch in scan_batches(sources):
            # The parse makes no reference cycles, only many objects: a cycle collection in the middle of a
            # long text walks all of them again (in a 2 MB text, a fifth of the time, growing with the text).
            # Paused for the whole batch, not article by article: each restart collected the article's
            # objects at once (1 MB of bench text: 892 -> 813 ms CPU, medians of 7 interleaved runs).
            with collector_paused():
                parsed = [self._parse_scanned(source, near, hits)
                          for source, hits in zip(batch, self.scanner.scan_many([source.text for source in batch]))]
            yield from parsed

    def _parse_scanned(self, source: Source, near: str | None, hits: list[Hit]) -> list[Mention]:
        text = source.text
        if not text.strip():
            return []
        home = self.home_place(near or source.home) if (near or source.home) else None
        return self._parse(source, text, home, hits)

    def home_place(self, name: str) -> Candidate | None:
        """The place a home like "Athens, Georgia" or "London, Ontario" names: the name's most important
        entry inside the region or country after the comma, else its most important entry."""
        if name not in self._homes:
            place, _, within = (part.strip() for part in name.partition(","))
            candidates = self.readings(fold(place))
            if within:
                regions = self.readings(fold(within))
                codes = {c.id for c in regions} | {c.country for c in regions if c.country}
                candidates = [c for c in candidates if c.admin1 in codes or c.country in codes] or candidates
            self._homes[name] = candidates[0] if candidates else None
        return self._homes[name]

    def _home_context(self, home: Candidate | None) -> list[Candidate]:
        """The home place and its first-level region: both count as named by every article."""
        if home is None:
            return []
        region = self.gazetteer.region(home.admin1) if home.kind != "admin1" and home.admin1 else None
        return [home] + ([region] if region is not None else [])

    def _parse(self, source: Source, text: str, home: Candidate | None, hits: list[Hit]) -> list[Mention]:
        words = self.words
        sentences = self.split_sentences(text)
        sentence_starts = [s for s, _ in sentences]
        initials = initial_positions(text, sentences)

        spans, demonym_spans = select_spans(text, hits, sentence_starts, initials, words)
        spans = filters.drop_parts_of_longer_names(text, spans, initials, words)
        spans = filters.drop_names_of_things(text, spans, words)
        filters.read_place_cues(text, spans, words)
        people = filters.person_names(text, words, self.readings, {s.surface for s in spans}, spans)
        spans = filters.drop_people(text, spans, people, words)
        candidates_pass.read_region_or_city_cue(text, spans, words)
        spans = filters.gate_common_words(spans, words, self.readings)
        spans = candidates_pass.attach_candidates(text, spans, self.readings, words)
        candidates_pass.read_region_after_comma(text, spans, self.readings)
        candidates_pass.read_list_cue(text, spans)
        resolve.resolve(spans, words, self._home_context(home), self.priors)
        spans = filters.drop_organisations([s for s in spans if s.chosen is not None], words)

        def sentence_of(offset: int) -> int:
            return max(0, bisect.bisect_right(sentence_starts, offset) - 1)

        spans += self.misspellings.find(
            text, spans, hits, sentence_of, initials, people,
            keep=lambda found: filters.drop_parts_of_longer_names(text, found, initials, words))
        mentions = [self._mention(source, text, sentences, s) for s in spans]
        mentions += [self._demonym(source, text, sentences, d, filters.demonym_names_its_country(text, d, words))
                     for d in demonym_spans]
        mentions.sort(key=lambda m: (m.start, m.end))
        return mentions

    # -- records ---------------------------------------------------------------------------------
    def _mention(self, source: Source, text: str, sentences, span: Span) -> Mention:
        s_start, s_end = sentence = sentences[span.sentence_index]
        if s_end - s_start > 2 * QUOTE_CHARS:  # (most sentences are quoted whole: no call to make)
            s_start, s_end = quoted_sentence(text, sentence, span)
        c = span.chosen
        start, end = reported_extent(span, self.words)
        # Positional, in the order of Mention's fields (source, start, end, text, sentence, sentence_start,
        # type; id, name, kind, geonameid, feature_code, country, admin1, lat, lon; confidence, method,
        # alternatives): nineteen keyword arguments cost twice the call, for every mention of a corpus.
        return Mention(
            source.id, start, end, text[start:end], text[s_start:s_end], s_start,
            "embedded" if span.embedded else "place",
            c.id, c.name, c.kind, c.geonameid, c.feature_code, c.country, c.admin1, c.lat, c.lon,
            span.confidence, span.method,
            [{"id": a.id, "name": a.name, "kind": a.kind, "country": a.country, "lat": a.lat, "lon": a.lon}
             for a in span.alternatives],
        )

    def _demonym(self, source: Source, text: str, sentences, span: Span, with_point: bool) -> Mention:
        """A demonym's mention: its country, with the country's point when it names the land
        (an adjective), without when it names people or a language (see filters.demonym_names_its_country)."""
        s_start, s_end = quoted_sentence(text, sentences[span.sentence_index], span)
        country = self.words.demonyms[span.key]
        if country not in self._countries:
            self._countries[country] = self.gazetteer.region(country)
        entry = self._countries[country]
        point = entry if with_point else None
        # Positional, in the order of Mention's fields (as in _mention).
        return Mention(
            source.id, span.start, span.end, span.surface, text[s_start:s_end], s_start, "demonym",
            country, entry.name if entry else country, "country", point.geonameid if point else None, None,
            country, None, point.lat if point else None, point.lon if point else None,
            0.9, "exact", [],
        )


def quoted_sentence(text: str, sentence: tuple[int, int], span: Span) -> tuple[int, int]:
    """The (start, end) of the sentence a mention quotes: the whole sentence, or in a text without
    sentence ends (a 5 MB line) a window of QUOTE_CHARS around the name, so that the output grows
    with the number of mentions, not with their number times the text's length."""
    start, end = sentence
    if end - start <= 2 * QUOTE_CHARS:
        return start, end
    window_start = max(start, span.start - QUOTE_CHARS)
    window_end = min(end, span.end + QUOTE_CHARS)
    # Whole words at the edges, when there is a space to cut at.
    cut_start = text.find(" ", window_start, span.start)
    cut_end = text.rfind(" ", span.end, window_end)
    window_start = cut_start + 1 if cut_start >= 0 else window_start
    window_end = cut_end if cut_end >= 0 else window_end
    return window_start, window_end


def scan_batches(sources: Iterable[Source]) -> Iterator[list[Source]]:
    """The sources in consecutive batches of up to SCAN_BATCH_CHARS characters of text (a longer text alone)."""
    batch: list[Source] = []
    size = 0
    for source in sources:
        if batch and size + len(source.text) > SCAN_BATCH_CHARS:
            yield batch
            batch, size = [], 0
        batch.append(source)
        size += len(source.text)
    if batch:
        yield batch


def load_geoparser(cache: Path | None = None) -> Geoparser:
    """A geoparser over the bundled gazetteer and word lists."""
    from geomap.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    return Geoparser(gazetteer, read_word_lists(gazetteer.store.data_dir), cache)


def geocode(sources: list[Source], geoparser: Geoparser | None = None, near: str | None = None) -> list[Mention]:
    """Every mention in every source, sorted by source order then offset; ``near``: the home place of
    every source (else each source's own ``home``)."""
    geoparser = geoparser or load_geoparser()
    mentions: list[Mention] = []
    for source_mentions in geoparser.parse_many(sources, near):
        mentions.extend(source_mentions)
    return mentions
