"""The text stages (geocode, claims) over many sources, in this process or a process pool.

Both stages are per-source functions, so a corpus splits into chunks that
worker processes handle independently; results come back in input order, so
the output is the same whatever ``jobs`` is. Each worker loads the gazetteer
once (the scan automaton comes from the on-disk cache).
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ProcessPoolExecutor
from typing import Callable

from geomap.records import Claim, Mention, Source

CHUNK_SOURCES = 64
_worker_parser = None


def _text_stages(sources: list[Source], geoparser) -> tuple[list[Mention], list[Claim]]:
    from geomap.claims import extract_claims

    mentions: list[Mention] = []
    for source in sources:
        mentions.extend(geoparser.parse(source))
    return mentions, extract_claims(sources, mentions)


def _init_worker() -> None:
    global _worker_parser
    from geomap.geoparse import load_geoparser

    _worker_parser = load_geoparser()


def _work(chunk: list[Source]) -> tuple[list[Mention], list[Claim]]:
    return _text_stages(chunk, _worker_parser)


def geocode_and_extract(sources: list[Source], jobs: int = 1,
                        progress: Callable[[str, int, int], None] | None = None
                        ) -> tuple[list[Mention], list[Claim]]:
    """Mentions and claims of every source, in source order."""
    chunks = [sources[i:i + CHUNK_SOURCES] for i in range(0, len(sources), CHUNK_SOURCES)]
    mentions: list[Mention] = []
    claims: list[Claim] = []
    done = 0
    with contextlib.ExitStack() as stack:
        if jobs <= 1 or len(chunks) <= 1:
            from geomap.geoparse import load_geoparser

            geoparser = load_geoparser()
            results = (_text_stages(chunk, geoparser) for chunk in chunks)
        else:
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker))
            results = pool.map(_work, chunks)
        for chunk, (chunk_mentions, chunk_claims) in zip(chunks, results):
            mentions += chunk_mentions
            claims += chunk_claims
            done += len(chunk)
            if progress:
                progress("text", done, len(sources))
    return mentions, claims
