"""Benchmark of the text stages as a build runs them: MB/s with ``-j J``, and where the wall time goes.

Runs the text part of :func:`geomap.pipeline.run_sources` in this process on a corpus: a pool of
``--jobs`` workers (:class:`geomap.pipeline.Workers`), the chunks of sources submitted to it and
collected in order (:func:`geomap.pipeline.collect_text_stages`), each chunk's rows kept in an empty
article cache of its own (a temporary folder, as a first build fills it) and written at the end, then
what the corpus settles across articles (``derive_across_corpus``). With ``--figures`` the figures'
process loads matplotlib meanwhile, as ``geomap build`` has it do.

Printed: the corpus MB (10^6 bytes of UTF-8 text), the wall time of the text stages and their MB/s (the
figure issue 18 sets a goal for: >= 2 MB/s with -j 2), and the wall split of this (the main) process:

- ``waiting``: blocked on the next chunk's future (the workers are the bottleneck);
- ``keeping``: the article cache's per-chunk work (each source's rows as a compressed entry);
- ``collecting``: joining the chunks' tables into one, writing the cache, ``derive_across_corpus``;

and the CPU seconds per MB of this process (with the seconds its cyclic garbage collector took) and of the
workers (the pool's processes, read when they have exited), and of each stage in the workers: the geoparser
(mentions), the claims, the place statuses and the tables made of their records (each chunk's CPU seconds
written by the worker to a file of this run; the rest of the workers' CPU is their start, the chunks' transfer
and the wait between chunks). The machine's load changes the times: note ``uptime`` (printed) next to the
figures.

Usage::

    python benchmarks/bench_text_stages.py /tmp/c3k.jsonl -j 2
    python benchmarks/bench_text_stages.py /tmp/c3k.jsonl -j 2 --no-cache --json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


STAGES = ("geoparse", "claims", "statuses", "tables")
# The file each worker appends its chunks' stage CPU seconds to (set before the workers fork, which inherit it).
STAGE_LOG: Path | None = None


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(stage: str, function, spent: dict):
    """``function``, adding the CPU seconds of its calls to ``spent[stage]``."""

    def run(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[stage] += time.process_time() - started

    return run


def text_stages_timed(sources):
    """``pipeline.text_stages`` of a chunk, run in a worker: the CPU seconds of its stages appended to STAGE_LOG
    (the stages are the functions text_stages calls by name, timed in place; the tables are the rest)."""
    from geomap import text_stages

    spent = dict.fromkeys(STAGES, 0.0)
    stages = {"mentions_of": "geoparse", "extract_claims": "claims", "place_statuses": "statuses"}
    originals = {name: getattr(text_stages, name) for name in stages}
    for name, stage in stages.items():
        setattr(text_stages, name, timed(stage, originals[name], spent))
    started = time.process_time()
    try:
        tables = text_stages.text_stages(sources)
    finally:
        for name, function in originals.items():
            setattr(text_stages, name, function)
    spent["tables"] = time.process_time() - started - spent["geoparse"] - spent["claims"] - spent["statuses"]
    assert STAGE_LOG is not None
    with STAGE_LOG.open("a", encoding="utf-8") as log:
        log.write(json.dumps(spent) + "\n")
    return tables


def measure(path: Path, jobs: int, cache: bool, figures: bool) -> dict:
    global STAGE_LOG
    from geomap import pipeline, schema
    from geomap.article_cache import ArticleCache
    from geomap.claims.corpus import derive_across_corpus
    from geomap.resources import shared
    from geomap.sources import read_sources

    sources = list(read_sources([path]).sources)
    megabytes = sum(len(source.text.encode("utf-8")) for source in sources) / 1e6
    table = schema.SOURCES.from_records(sources)
    shared().regions.tree  # noqa: B018 - as run_sources: loaded before the workers fork
    spent = {"waiting": 0.0, "keeping": 0.0, "collector": 0.0}
    result_of = pipeline.result_of
    collection_began = [0.0]

    def time_collections(phase: str, _info: dict) -> None:
        if phase == "start":
            collection_began[0] = time.process_time()
        else:
            spent["collector"] += time.process_time() - collection_began[0]

    def timed_result_of(*args, **kwargs):
        started = time.perf_counter()
        try:
            return result_of(*args, **kwargs)
        finally:
            spent["waiting"] += time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="bench-text-stages-") as folder:
        article_cache = ArticleCache.for_data(shared().gazetteer.store.fingerprint(), Path(folder)) if cache else None

        def keep(*tables) -> None:
            started = time.perf_counter()
            article_cache.store(*tables)
            spent["keeping"] += time.perf_counter() - started

        STAGE_LOG = Path(folder) / "stages.jsonl"
        text_stages = pipeline.text_stages
        cpu_before, children_before = time.process_time(), children_cpu()
        started = time.perf_counter()
        pipeline.result_of = timed_result_of
        pipeline.text_stages = text_stages_timed
        gc.callbacks.append(time_collections)
        try:
            with pipeline.Workers(jobs) as workers:
                if article_cache is not None:
                    article_cache.lookup(sources)
                chunks = pipeline.chunked(table)
                first = [workers.submit(text_stages_timed, chunk) for chunk in chunks[: max(1, jobs)]]
                if figures:
                    workers.start_figures()
                tables = pipeline.collect_text_stages(
                    chunks, first, workers, jobs, None, keep if article_cache is not None else None
                )
                if article_cache is not None:
                    article_cache.flush()
                claims = derive_across_corpus(tables.claims)
                wall = time.perf_counter() - started
                main_cpu = time.process_time() - cpu_before
        finally:
            pipeline.result_of = result_of
            pipeline.text_stages = text_stages
            gc.callbacks.remove(time_collections)
        stages_cpu = dict.fromkeys(STAGES, 0.0)
        for line in STAGE_LOG.read_text(encoding="utf-8").splitlines() if STAGE_LOG.exists() else ():
            for stage, seconds in json.loads(line).items():
                stages_cpu[stage] += seconds
    workers_cpu = children_cpu() - children_before
    return {
        "articles": len(sources),
        "megabytes": round(megabytes, 2),
        "jobs": jobs,
        "cache": cache,
        "figures": figures,
        "wall_s": round(wall, 2),
        "mb_per_s": round(megabytes / wall, 3),
        "waiting_s": round(spent["waiting"], 2),
        "keeping_s": round(spent["keeping"], 2),
        "collecting_s": round(wall - spent["waiting"] - spent["keeping"], 2),
        "main_cpu_s_per_mb": round(main_cpu / megabytes, 3),
        "main_collector_cpu_s": round(spent["collector"], 2),
        "workers_cpu_s_per_mb": round(workers_cpu / megabytes, 3),
        "stages_cpu_s_per_mb": {stage: round(seconds / megabytes, 3) for stage, seconds in stages_cpu.items()},
        "rows": {"mentions": len(tables.mentions), "claims": len(claims), "place_status": len(tables.place_status)},
        "load": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a JSON Lines corpus (benchmarks/corpus.py writes one)")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--no-cache", dest="cache", action="store_false", help="no article cache (--no-cache)")
    parser.add_argument("--figures", action="store_true", help="load matplotlib meanwhile, as a build does")
    parser.add_argument("--json", action="store_true", help="figures as JSON on stdout")
    args = parser.parse_args(argv)
    figures = measure(args.corpus, args.jobs, args.cache, args.figures)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"load {figures['load']:.2f} (1-minute average)")
    print(
        f"{figures['articles']} articles, {figures['megabytes']} MB, -j {figures['jobs']}"
        f"{'' if figures['cache'] else ', no article cache'}: text stages {figures['wall_s']} s wall = "
        f"{figures['mb_per_s']} MB/s"
    )
    print(
        f"main process: waiting {figures['waiting_s']} s, keeping (article cache) {figures['keeping_s']} s, "
        f"collecting {figures['collecting_s']} s"
    )
    print(
        f"CPU s/MB: main {figures['main_cpu_s_per_mb']} (of which the garbage collector "
        f"{figures['main_collector_cpu_s']} s), workers {figures['workers_cpu_s_per_mb']}"
    )
    per_stage = ", ".join(f"{stage} {seconds}" for stage, seconds in figures["stages_cpu_s_per_mb"].items())
    print(f"CPU s/MB of the stages in the workers: {per_stage}")
    print(f"rows: {figures['rows']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
