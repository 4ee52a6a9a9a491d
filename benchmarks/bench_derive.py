"""What the corpus settles across articles (``derive_across_corpus``), as the corpus grows: the index against the
plain scan of every gain.

The pass runs in the main process after the text stages, on the whole claims table, at every build: it must grow
with the table, not with its square. A claims table (of a corpus's text stages, or a pickle of one saved with
``--save``) is taken 1, 4 and 16 times over, each copy with its own ids (tests/claims/plain_corpus.py:
``replicated``), as dense as a corpus that many times larger on the same places and dates. At each size the
pass runs with the index (geomap.claims.corpus.Gains) and with the plain scan (tests/claims/plain_corpus.py:
``PlainGains``), alternating, and the two tables must be equal. Printed: claims, open claims and gains, the CPU
seconds of each (the best of ``--repeat``), and the load: note it next to the figures.

Usage::

    python benchmarks/corpus.py 1000 /tmp/c1k.jsonl
    python benchmarks/bench_derive.py /tmp/c1k.jsonl --save /tmp/c1k-claims.pickle   # text stages once (-j 2)
    python benchmarks/bench_derive.py /tmp/c1k-claims.pickle --times 1 4 16 --plain-up-to 4
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def claims_table(path: Path, jobs: int):
    """The claims table of a corpus before the corpus pass, or the one pickled at ``path``."""
    if path.suffix == ".pickle":
        with open(path, "rb") as handle:
            return pickle.load(handle)
    from geomap import pipeline, schema
    from geomap.resources import shared
    from geomap.sources import read_sources

    table = schema.SOURCES.from_records(read_sources([path]).sources)
    shared().regions.tree  # noqa: B018 - as run_sources: loaded before the workers fork
    chunks = pipeline.chunked(table)
    with pipeline.Workers(jobs) as workers:
        first = [workers.submit(pipeline.text_stages, chunk) for chunk in chunks[:jobs]]
        return pipeline.collect_text_stages(chunks, first, workers, jobs).claims


def cpu_seconds(claims, gains_class, repeat: int):
    """The best CPU time of the pass over ``repeat`` runs with ``gains_class`` as its index, and its table."""
    from geomap.claims import corpus

    index = corpus.Gains
    corpus.Gains = gains_class
    try:
        best, table = float("inf"), None
        for _ in range(repeat):
            started = time.process_time()
            table = corpus.derive_across_corpus(claims)
            best = min(best, time.process_time() - started)
    finally:
        corpus.Gains = index
    return best, table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("table", type=Path, help="a JSON Lines corpus, or a pickle of its claims table (--save)")
    parser.add_argument("--save", type=Path, help="pickle the corpus's claims table here")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="processes for the text stages of a corpus")
    parser.add_argument("--times", type=int, nargs="+", default=[1, 4, 16], help="copies of the table")
    parser.add_argument("--plain-up-to", type=int, default=16, help="time the plain scan up to this many copies")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from geomap import schema
    from geomap.claims import corpus
    from tests.claims.plain_corpus import PlainGains, replicated

    claims = claims_table(args.table, args.jobs)
    if args.save:
        with open(args.save, "wb") as handle:
            pickle.dump(claims, handle, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"load {os.getloadavg()[0]:.2f} (1-minute average) at the start; CPU seconds, best of {args.repeat}")
    for times in args.times:
        table = replicated(claims, times)
        undated = table["flags"].map(lambda flags: any(flag.get("code") == "past_undated" for flag in flags))
        open_claims = int(
            ((table["kind"].isin(["share_retaken", "share_held"]) & table["held_km2"].isna()) | undated).sum()
        )
        gains = int(table["kind"].isin(["area_held", "area_seized"]).sum())
        indexed, derived = cpu_seconds(table, corpus.Gains, args.repeat)
        line = (
            f"{times:>3}x: {len(table):>9,} claims, {open_claims:>7,} open, {gains:>8,} gains: index {indexed:7.2f} s"
        )
        if times <= args.plain_up_to:
            plain, plain_derived = cpu_seconds(table, PlainGains, max(1, args.repeat if times < 16 else 1))
            if schema.CLAIMS.rows(plain_derived) != schema.CLAIMS.rows(derived):
                print(f"{line}: the plain scan gives another table", file=sys.stderr)
                return 1
            line += f", plain {plain:7.2f} s (same table)"
        print(f"{line}  load {os.getloadavg()[0]:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
