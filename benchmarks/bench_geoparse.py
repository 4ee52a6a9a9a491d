"""Benchmark of the geoparser: throughput on news text against geotext 0.4.0, load time, linearity.

Run from a source checkout with the project's interpreter (geotext comes with
the ``bench`` extra: ``pip install -e '.[bench]'``)::

    /work/venv/bin/python benchmarks/bench_geoparse.py            # table; exit 1 if geomap is slower
    /work/venv/bin/python benchmarks/bench_geoparse.py --json     # figures as JSON on stdout
    /work/venv/bin/python benchmarks/bench_geoparse.py --profile  # + cProfile of geomap on stderr

The text: the five seeds, the six hand-written test articles
(tests/data/geoparse/texts) and synthetic articles from ``benchmarks/corpus.py``
(seed 0) until there is at least ``--mb`` megabytes (10^6 bytes of UTF-8), one
source per article, as ``geomap geocode`` reads a corpus.

Measures

- ``throughput``: once loaded, wall time of ``geomap.geoparse.geocode`` on the
  whole text (median of ``--runs``), as MB/s and mentions/s, and its CPU time
  (which varies less with the machine's load); the same for
  ``GeoText(article)`` on every article in the same process. geotext only looks
  capitalised words up in a dictionary of cities of 15,000+ people and
  countries and resolves nothing, so it is the speed floor the issue sets:
  geomap must be at least as fast. Exit status 1 when it is not.
- ``load``: a fresh process importing and loading each tool (median of 3):
  geomap with its scan index cached, geomap with an empty cache (the first
  run after installing), geotext.
- ``cold geocode``: wall and CPU seconds of a whole ``geomap geocode`` of one
  seed in a new process (median of ``--cold-runs``; the goal is under 1 s),
  with the scan index and table copies cached: as the interpreter finds the
  modules (with ``PYTHONDONTWRITEBYTECODE`` set, geomap's are compiled at every
  start) and with their bytecode kept in a private folder, as in an installed
  package (pip compiles it on install).
- ``linearity``: geomap's time on 0.5x, 1x and 2x the text, as a corpus of
  articles and as ONE text of the same length (a single huge line); each
  doubling should about double the time (ratio <= 2.5 counts as linear).

Every run uses an empty ``GEOMAP_HOME`` (the user's imported dumps are not
measured) and a private ``GEOMAP_CACHE``.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import figures_parser, median_time, print_figures, profile_rows  # benchmarks/timing.py, next to this file

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
LINEAR_RATIO = 2.5  # time ratio per doubling of the text still counted as linear


# -- the text -------------------------------------------------------------------------------------


def news_articles(min_mb: float) -> list[tuple[str, str]]:
    """(id, text) of the seeds, the test articles and synthetic ones: at least ``min_mb`` MB in all."""
    sys.path.insert(0, str(BENCH_DIR))
    import corpus

    articles = []
    for folder in (REPO / "seeds", REPO / "tests" / "data" / "geoparse" / "texts"):
        for path in sorted(folder.glob("*.txt")):
            articles.append((path.stem, path.read_text(encoding="utf-8")))
    have = sum(len(text.encode("utf-8")) for _, text in articles)
    for article in corpus.synthesise_bytes(max(0, int(min_mb * 1e6) - have)):
        articles.append((article["id"], article["text"]))
    return articles


def take_mb(articles: list[tuple[str, str]], mb: float) -> list[tuple[str, str]]:
    """The shortest prefix of ``articles`` with at least ``mb`` MB."""
    out, size = [], 0
    for article in articles:
        if size >= mb * 1e6:
            break
        out.append(article)
        size += len(article[1].encode("utf-8"))
    return out


def megabytes(articles: list[tuple[str, str]]) -> float:
    return sum(len(text.encode("utf-8")) for _, text in articles) / 1e6


# -- timing ---------------------------------------------------------------------------------------


def fresh_process_seconds(code: str, env: dict[str, str], runs: int) -> list[float]:
    """Seconds the Python ``code`` reports for itself, each run in a new interpreter."""
    times = []
    for _ in range(runs):
        result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise SystemExit(f"bench_geoparse: load measurement failed: {result.stderr.strip()}")
        times.append(float(result.stdout.strip().splitlines()[-1]))
    return times


GEOMAP_LOAD = (
    "import time; t = time.perf_counter(); from geomap.geoparse import load_geoparser; load_geoparser(); "
    "print(time.perf_counter() - t)"
)
GEOTEXT_LOAD = (
    "import time; t = time.perf_counter(); from geotext import GeoText; GeoText('Kyiv'); print(time.perf_counter() - t)"
)


def load_times(env: dict[str, str], cache: Path) -> dict[str, float]:
    warm_env = dict(env, GEOMAP_CACHE=str(cache))
    fresh_process_seconds(GEOMAP_LOAD, warm_env, 1)  # builds the scan index and table copies once
    cold = []
    for run in range(3):
        with tempfile.TemporaryDirectory(prefix="geomap-bench-cache-") as empty_cache:
            cold += fresh_process_seconds(GEOMAP_LOAD, dict(env, GEOMAP_CACHE=empty_cache), 1)
    return {
        "geomap_s": round(statistics.median(fresh_process_seconds(GEOMAP_LOAD, warm_env, 3)), 3),
        "geomap_empty_cache_s": round(statistics.median(cold), 3),
        "geotext_s": round(statistics.median(fresh_process_seconds(GEOTEXT_LOAD, env, 3)), 3),
    }


def cold_geocode_seconds(env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of ``geomap geocode`` on the first seed, each run a new process."""
    seed = sorted((REPO / "seeds").glob("*.txt"))[0]
    command = [sys.executable, "-c", "from geomap.cli import main; main()", "geocode", str(seed)]
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, timeout=300)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return walls, cpus


def cold_geocode_times(env: dict[str, str], cache: Path, runs: int) -> dict[str, float]:
    """The cold geocode figures (see the module's docstring), the two ways of finding modules interleaved."""
    as_found = dict(env, GEOMAP_CACHE=str(cache))
    with tempfile.TemporaryDirectory(prefix="geomap-bench-pycache-") as pycache:
        compiled = dict(as_found, PYTHONPYCACHEPREFIX=pycache)
        compiled.pop("PYTHONDONTWRITEBYTECODE", None)
        cold_geocode_seconds(compiled, 1)  # writes the bytecode
        figures: dict[str, list[float]] = {}
        for _ in range(runs):
            for name, run_env in (("", as_found), ("compiled_", compiled)):
                wall, cpu = cold_geocode_seconds(run_env, 1)
                figures.setdefault(f"{name}wall_s", []).extend(wall)
                figures.setdefault(f"{name}cpu_s", []).extend(cpu)
    return {name: round(statistics.median(values), 3) for name, values in figures.items()}


# -- the two tools ----------------------------------------------------------------------------------


def run_geomap(geoparser, sources) -> list:
    from geomap.geoparse import geocode

    return geocode(sources, geoparser)


def run_geotext(texts: list[str]) -> int:
    from geotext import GeoText

    found = 0
    for text in texts:
        places = GeoText(text)
        found += len(places.cities) + len(places.countries) + len(places.nationalities)
    return found


def measure(mb: float, runs: int, profile: bool, cold_runs: int = 5) -> dict:
    from geomap.records import Source

    with tempfile.TemporaryDirectory(prefix="geomap-bench-") as tmp:
        home, cache = Path(tmp) / "home", Path(tmp) / "cache"
        home.mkdir()
        cache.mkdir()
        env = dict(os.environ, GEOMAP_HOME=str(home), GEOMAP_CACHE=str(cache))
        env.pop("GEOMAP_GEODATA", None)
        loads = load_times(env, cache)
        cold_geocode = cold_geocode_times(env, cache, cold_runs)
        os.environ.update(GEOMAP_HOME=str(home), GEOMAP_CACHE=str(cache))  # this process: bundled data only
        from geomap.geoparse import load_geoparser

        geoparser = load_geoparser()
        articles = news_articles(2 * mb)
        main_set = take_mb(articles, mb)
        sources = [Source(id=i, text=t) for i, t in main_set]
        texts = [t for _, t in main_set]
        run_geomap(geoparser, sources[:20])  # warm caches (regions by first letter, imports)
        run_geotext(texts[:20])
        geomap_s, mentions = median_time(lambda: run_geomap(geoparser, sources), runs)
        # On a shared machine the wall time follows the load; the process's CPU time much less so.
        geomap_cpu_s, _ = median_time(lambda: run_geomap(geoparser, sources), runs, time.process_time)
        geomap_mentions = len(mentions)
        places = sum(1 for m in mentions if m.type == "place")
        geotext_s, geotext_mentions = median_time(lambda: run_geotext(texts), runs)
        size = megabytes(main_set)

        linearity = {"corpus": {}, "one_text": {}}
        for factor in (0.5, 1.0, 2.0):
            subset = take_mb(articles, mb * factor)
            subset_sources = [Source(id=i, text=t) for i, t in subset]
            seconds, _ = median_time(lambda: run_geomap(geoparser, subset_sources), runs)
            linearity["corpus"][f"{factor:g}x"] = {"mb": round(megabytes(subset), 3), "s": round(seconds, 3)}
            one_text = " ".join(" ".join(t.split()) for _, t in subset)
            seconds, _ = median_time(lambda: geoparser.parse(Source(id="one", text=one_text)), 1)
            linearity["one_text"][f"{factor:g}x"] = {
                "mb": round(len(one_text.encode()) / 1e6, 3),
                "s": round(seconds, 3),
            }
        for kind in linearity.values():
            steps = list(kind.values())
            ratios = [round(b["s"] / a["s"], 2) for a, b in zip(steps, steps[1:])]
            kind["ratios"] = ratios
            kind["linear"] = all(r <= LINEAR_RATIO for r in ratios)

        figures = {
            "text_mb": round(size, 3),
            "articles": len(main_set),
            "runs": runs,
            "cold_runs": cold_runs,
            "geomap": {
                "s": round(geomap_s, 3),
                "mb_per_s": round(size / geomap_s, 3),
                "cpu_s": round(geomap_cpu_s, 3),
                "mb_per_cpu_s": round(size / geomap_cpu_s, 3),
                "mentions": geomap_mentions,
                "places": places,
                "mentions_per_s": round(geomap_mentions / geomap_s),
            },
            "geotext": {
                "s": round(geotext_s, 3),
                "mb_per_s": round(size / geotext_s, 3),
                "mentions": geotext_mentions,
                "mentions_per_s": round(geotext_mentions / geotext_s),
            },
            "load": loads,
            "cold_geocode": cold_geocode,
            "load_average": [round(value, 2) for value in os.getloadavg()],
            "linearity": linearity,
            "python": sys.version.split()[0],
        }
        figures["geomap_vs_geotext"] = round(figures["geomap"]["mb_per_s"] / figures["geotext"]["mb_per_s"], 4)
        figures["ok"] = figures["geomap"]["mb_per_s"] >= figures["geotext"]["mb_per_s"]
        if profile:
            figures["profile"] = profile_rows(
                lambda: run_geomap(geoparser, sources), top=25, orders=("tottime", "cumulative")
            )
    return figures


def table(figures: dict) -> str:
    g, t, load, cold = figures["geomap"], figures["geotext"], figures["load"], figures["cold_geocode"]
    lines = [
        f"text: {figures['text_mb']:.2f} MB in {figures['articles']} articles "
        f"(seeds, tests/data/geoparse/texts, benchmarks/corpus.py); median of {figures['runs']} runs",
        "",
        f"{'':<28}{'geomap':>14}{'geotext 0.4.0':>16}",
        f"{'time':<28}{g['s']:>12.3f} s{t['s']:>14.3f} s",
        f"{'throughput':<28}{g['mb_per_s']:>9.3f} MB/s{t['mb_per_s']:>11.3f} MB/s",
        f"{'CPU time, throughput':<28}{g['cpu_s']:>12.3f} s{g['mb_per_cpu_s']:>9.3f} MB/s",
        f"{'mentions found':<28}{g['mentions']:>14,}{t['mentions']:>16,}",
        f"{'mentions/s':<28}{g['mentions_per_s']:>14,}{t['mentions_per_s']:>16,}",
        f"{'load (fresh process)':<28}{load['geomap_s']:>12.3f} s{load['geotext_s']:>14.3f} s",
        f"{'load, empty cache':<28}{load['geomap_empty_cache_s']:>12.3f} s",
        "",
        f"cold `geomap geocode` of one seed (median of {figures['cold_runs']} new processes; goal < 1 s wall):",
        f"  modules as found: {cold['wall_s']:.3f} s wall, {cold['cpu_s']:.3f} s CPU; "
        f"bytecode compiled (as installed): {cold['compiled_wall_s']:.3f} s wall, {cold['compiled_cpu_s']:.3f} s CPU",
        f"load average (1, 5, 15 min) at the end: {figures['load_average']}",
        "",
        f"geomap / geotext throughput: {figures['geomap_vs_geotext']:.3f} "
        f"(target >= 1): {'ok' if figures['ok'] else 'MISSED'}",
        f"geomap places (not demonyms): {g['places']:,}",
        "",
        "linearity (geomap seconds at 0.5x / 1x / 2x the text; ratio per doubling, linear if <= 2.5):",
    ]
    for kind, label in (("corpus", "one source per article"), ("one_text", "all as ONE text")):
        steps = figures["linearity"][kind]
        cells = "  ".join(f"{v['mb']:.2f} MB {v['s']:.2f} s" for k, v in steps.items() if k.endswith("x"))
        verdict = "linear" if steps["linear"] else "NOT linear"
        lines.append(f"  {label:<24}{cells}   ratios {steps['ratios']}  {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = figures_parser(__doc__, "also profile geomap with cProfile (stderr)")
    parser.add_argument("--mb", type=float, default=1.0, help="megabytes of text (default 1.0)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per figure (default 3)")
    parser.add_argument("--cold-runs", type=int, default=5, help="new processes per cold geocode figure (default 5)")
    args = parser.parse_args(argv)
    try:
        import geotext  # noqa: F401
    except ImportError:
        parser.error("geotext is not installed: pip install 'geotext==0.4.0' (or the project's bench extra)")

    figures = measure(args.mb, args.runs, args.profile, args.cold_runs)
    print_figures(figures, table(figures), args.json, "cProfile of geomap on the text:" if args.profile else None)
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
