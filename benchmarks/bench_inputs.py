"""Benchmark of single large or hostile inputs: one long article, and HTML that is slow to parse.

Each row runs the installed console script as a new process (the ``geomap`` next to
``sys.executable``) and reports wall time, peak memory of the process (``ru_maxrss``
from ``wait4``) and, for the long article, seconds per MB:

- ``long article``: ``geomap --max-mb M claims ARTICLE.txt`` on one article of 1, 5 and
  20 MB, made of ``corpus.py``'s synthetic articles joined into one (paragraphs, places,
  quantities: the text stages' real work). Growth is called linear when the seconds per
  MB of the largest article are within ``LINEAR_FACTOR`` (1.5x) of the smallest's.
- ``hostile html``: ``geomap geocode PAGE.html`` on pages that are quadratic for
  Python's html.parser (``'<!--' * N``: 100,000 took 8 s, 400 KB 119 s before geomap
  parsed pages with lxml) and on a 4 MB page of 12,000 distinct article paragraphs.

Usage::

    python benchmarks/bench_inputs.py                   # 1, 5, 20 MB and the hostile pages
    python benchmarks/bench_inputs.py --sizes 1,4 --json

Exit status 1 when a command fails or growth is not linear.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402  (benchmarks/corpus.py, next to this file)

DEFAULT_SIZES_MB = (1, 5, 20)
LINEAR_FACTOR = 1.5


def geomap_executable() -> str:
    candidate = Path(sys.executable).with_name("geomap")
    return str(candidate) if candidate.exists() else "geomap"


def timed(args: list[str]) -> dict:
    """Wall time, peak RSS and exit code of one geomap command (its output discarded)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [geomap_executable(), "--quiet", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stderr = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall_s": round(wall, 2),
        "max_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "exit_code": process.returncode,
        "stderr": stderr.strip()[-300:],
    }


def long_article(megabytes: float) -> str:
    """One article of about ``megabytes`` MB: synthetic wire stories as its paragraphs."""
    articles = corpus.synthesise_bytes(int(megabytes * 1e6))
    return "\n\n".join(article["text"] for article in articles)[: int(megabytes * 1e6)]


def article_page(text: str) -> str:
    """A news page around ``text``: navigation and footer naming other cities, one <p> a paragraph."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n") if p.strip())
    return (
        "<!DOCTYPE html><html><head><title>Long read</title></head><body>"
        "<nav><a href='/odesa'>Odesa</a> <a href='/lviv'>Lviv</a></nav>"
        f"<article><h1>Long read</h1>{paragraphs}</article><footer>Riga, Tbilisi</footer></body></html>"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default=",".join(map(str, DEFAULT_SIZES_MB)), help="sizes of the long article in MB, comma-separated"
    )
    parser.add_argument("--json", action="store_true", help="figures as JSON on stdout")
    args = parser.parse_args(argv)
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        largest = long_article(max(sizes))
        for megabytes in sorted(sizes):
            path = tmp / f"article-{megabytes:g}mb.txt"
            path.write_text(largest[: int(megabytes * 1e6)], encoding="utf-8")
            row = timed(["--max-mb", str(megabytes + 1), "claims", str(path)])
            row.update(
                row="long article", input=f"{megabytes:g} MB, one article", s_per_mb=round(row["wall_s"] / megabytes, 2)
            )
            rows.append(row)
        pages = {
            "'<!--' x 100,000 (400 KB)": "<!--" * 100_000,
            "'<!--' x 1,000,000 (4 MB)": "<!--" * 1_000_000,
            "'<p><b>' x 300,000 (2 MB)": "<p>" + "<b>" * 300_000,
            "4 MB news page, 12,000 paragraphs": article_page(largest[:4_000_000]),
        }
        for label, markup in pages.items():
            path = tmp / "page.html"
            path.write_text(markup, encoding="utf-8")
            row = timed(["geocode", str(path)])
            row.update(row="hostile html", input=label)
            rows.append(row)
    articles = [r for r in rows if r["row"] == "long article" and r["exit_code"] == 0]
    linear = len(articles) < 2 or articles[-1]["s_per_mb"] <= LINEAR_FACTOR * articles[0]["s_per_mb"]
    failed = [r for r in rows if r["exit_code"] not in (0, 1)]  # 1: a page with no article text is reported
    if args.json:
        print(json.dumps({"rows": rows, "linear": linear}, indent=2))
    else:
        print(f"{'row':<13} {'input':<36} {'wall s':>7} {'s/MB':>6} {'max MB':>7} {'rc':>3}")
        for r in rows:
            print(
                f"{r['row']:<13} {r['input']:<36} {r['wall_s']:>7} {r.get('s_per_mb', ''):>6} "
                f"{r['max_rss_mb']:>7} {r['exit_code']:>3}"
            )
        print(f"long article growth: {'linear' if linear else 'NOT linear'} (factor {LINEAR_FACTOR})")
    for r in failed:
        print(f"failed: {r['input']}: {r['stderr']}", file=sys.stderr)
    return 0 if linear and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
