"""`geomap watch FOLDER -o OUT`: a first build, then a rebuild with one line when an article is added; the
rebuild reads only the new article (the others come from the article cache)."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
GEOMAP = str(Path(sys.executable).with_name("geomap"))
WAIT_S = 900  # a generous bound for a loaded machine; not a measure of speed


def test_an_added_article_is_built_with_one_line(tmp_path):
    folder, out = tmp_path / "articles", tmp_path / "out"
    folder.mkdir()
    first, second = sorted(SEEDS.glob("*.txt"))[:2]
    shutil.copy(first, folder / first.name)
    env = {**os.environ, "GEOMAP_CACHE": str(tmp_path / "cache")}
    process = subprocess.Popen([GEOMAP, "watch", str(folder), "-o", str(out), "--no-figures"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()
    try:
        line = lines.get(timeout=WAIT_S)
        assert line.startswith("first build: 1 sources (0 from the article cache)"), line
        assert [s["id"] for s in json.loads((out / "sources.json").read_text())] == [first.stem]

        shutil.copy(second, folder / second.name)
        line = lines.get(timeout=WAIT_S)
        assert line.startswith(f"1 change ({second.name}): 2 sources (1 from the article cache)"), line
        ids = [s["id"] for s in json.loads((out / "sources.json").read_text())]
        assert sorted(ids) == sorted([first.stem, second.stem])
        assert lines.empty(), "one line per build"
    finally:
        process.terminate()
        process.wait(timeout=60)
