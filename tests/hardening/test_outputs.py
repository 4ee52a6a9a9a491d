"""The output folder after any run holds exactly one run's complete outputs, whatever happens meanwhile.

Runs are killed at file moves (strace injects SIGKILL into the Nth call of a rename or link), killed
while the figures are drawn, interrupted by SIGTERM and Ctrl-C, and run two at a time; after each, OUT must
hold all the files of one run (their digests as that run wrote them) and the user's own files, and the
next run must leave nothing of the killed one behind. Inputs are one-line articles and, where the point is
the moving of files, --no-figures: each killed run takes seconds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geomap import outputs, pipeline
from geomap.errors import GeomapError

from ..cli_support import run_cli

GEOMAP = str(Path(sys.executable).with_name("geomap"))
STRACE = shutil.which("strace")
ARTICLE_A = ("Ukrainian forces seized about 1,300 square kilometers of the Kursk region around Sudzha "
             "in August 2024.\n")
ARTICLE_B = "By March 2025 Ukrainian troops held just 110 square kilometers near Sudzha.\n"
USER_FILES = {"notes.txt": b"my notes\n", "figures/mine.txt": b"my figure notes\n", "keep/deep/x.csv": b"1,2\n"}
NO_FIGURES = pipeline.OutputOptions(figures=False)


def run_geomap(*args: str, cwd: Path | None = None, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """``geomap ARGS``: a process of the installed script under ``prefix`` (strace, to kill it at a chosen
    call), else a run in this process."""
    if not prefix:
        return run_cli(*args, cwd=cwd)
    return subprocess.run([*prefix, GEOMAP, *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def geomap_files(out: Path) -> dict[str, str]:
    """{name: sha256} of every file in OUT that is neither the user's nor geomap's own record."""
    return {p.relative_to(out).as_posix(): sha(p) for p in sorted(out.rglob("*"))
            if p.is_file() and p.relative_to(out).as_posix() not in USER_FILES
            and not p.name.startswith(".geomap-")}


def assert_one_complete_run(out: Path, *runs: dict[str, str]) -> dict[str, str]:
    """OUT holds exactly one of ``runs`` (names and digests), its record says so, and the user's files are there."""
    found = geomap_files(out)
    assert found in runs, sorted(set(found) ^ set().union(*runs))
    assert outputs.read_manifest(out) == found
    for name, data in USER_FILES.items():
        assert (out / name).read_bytes() == data, name
    return found


def leftovers(out: Path) -> list[str]:
    """Staging folders, lock files and journals of OUT, beside it or inside it."""
    beside = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.geomap-")]
    inside = [p.name for p in out.iterdir() if p.name.startswith(".geomap-") and p.name != outputs.MANIFEST_NAME]
    return beside + inside


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, their children, ...)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        children = [child for child, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until(condition, what: str, timeout: float = 120.0) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` if it never does (a hang guard, not a timing)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("inputs")
    for name, text in (("a", ARTICLE_A), ("b", ARTICLE_B)):
        (folder / name).mkdir()
        (folder / name / f"{name}.txt").write_text(text, encoding="utf-8")
    return {"a": folder / "a", "b": folder / "b"}


@pytest.fixture(scope="module")
def results(inputs) -> dict[str, pipeline.Results]:
    return {name: pipeline.run([path]) for name, path in inputs.items()}


@pytest.fixture(scope="module")
def reference_runs(results, tmp_path_factory) -> dict[str, dict[str, str]]:
    """The files (and digests) of runs a and b without figures, each written into a fresh folder."""
    runs = {}
    for name, result in results.items():
        out = tmp_path_factory.mktemp(f"reference-{name}") / "out"
        pipeline.write(result, out, NO_FIGURES)
        runs[name] = geomap_files(out)
    assert runs["a"] != runs["b"]
    return runs


@pytest.fixture()
def out_with_a(tmp_path, results) -> Path:
    """OUT holding run a (no figures) and the user's own files."""
    out = tmp_path / "work" / "out"
    pipeline.write(results["a"], out, NO_FIGURES)
    for name, data in USER_FILES.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    (out / "empty-folder").mkdir()
    return out


# -- stale files ------------------------------------------------------------------------------------------

def test_a_rebuild_removes_the_files_only_the_earlier_run_wrote(tmp_path, inputs, out_with_a):
    reference = tmp_path / "control.geojson"
    square = [[35.1, 51.1], [35.4, 51.1], [35.4, 51.3], [35.1, 51.3], [35.1, 51.1]]
    reference.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"date": "2024-08-20"},
         "geometry": {"type": "Polygon", "coordinates": [square]}}]}), encoding="utf-8")
    out = out_with_a
    svg_only = pipeline.OutputOptions(figure_formats=("svg",), csv=True, geojson=True)
    pipeline.write(pipeline.run([inputs["a"]], reference=reference), out, svg_only)
    assert (out / "figures" / "map_2024-08.svg").is_file() and (out / "comparison.csv").is_file()
    assert (out / "reference.geojson").is_file()
    undated = tmp_path / "undated"
    undated.mkdir()
    for number in range(4):
        (undated / f"u{number}.txt").write_text(ARTICLE_B.replace("By March 2025 ", ""), encoding="utf-8")
    written = pipeline.write(pipeline.run([undated]), out, svg_only)
    assert (out / "figures" / "map_undated.svg").is_file()
    for stale in ("figures/map_2024-08.svg", "comparison.csv", "comparison.json", "reference.geojson"):
        assert not (out / stale).exists(), stale
    assert set(geomap_files(out)) == {p.relative_to(out).as_posix() for p in written}
    assert_one_complete_run(out, geomap_files(out))
    assert (out / "empty-folder").is_dir()
    assert leftovers(out) == []


# -- kills at every move ------------------------------------------------------------------------------------

MOVES = "rename,renameat,renameat2,link,linkat"


def kill_points(trace: Path) -> list[tuple[str, int]]:
    """(syscall, n) for every rename the traced run made, its first hard link and its middle file removal."""
    counts: dict[str, int] = {}
    for line in trace.read_text().splitlines():
        name = line.split("(", 1)[0]
        if name.isidentifier():
            counts[name] = counts.get(name, 0) + 1
    points = [(name, n) for name, count in counts.items() if name.startswith("rename") for n in range(1, count + 1)]
    return points + [(name, max(1, counts[name] // 2) if name == "unlinkat" else 1)
                     for name in ("link", "linkat", "unlinkat") if counts.get(name)]


def sampled(points: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Of each system call's kill points, the first two, the middle one and the last two.

    The renames of one kind do the same job file after file (the staging writes, the swap), so the ends and the
    middle of each run of them stand for the rest; a kill at every one of them cost a minute of the suite.
    """
    numbers: dict[str, list[int]] = {}
    for syscall, n in points:
        numbers.setdefault(syscall, []).append(n)
    return [(syscall, ns[i]) for syscall, ns in numbers.items()
            for i in sorted({0, min(1, len(ns) - 1), len(ns) // 2, max(0, len(ns) - 2), len(ns) - 1})]


# The traced and the killed runs go without the article cache: its entries are moved into place by renames
# too, and a run that finds them makes fewer, so the n-th rename would not be the same move in both.
def traced_build(out: Path, source: Path, trace: Path, cwd: Path | None = None) -> None:
    result = run_geomap("-q", "build", str(source), "-o", str(out), "--no-figures", "--no-cache", cwd=cwd,
                        prefix=(STRACE, "-o", str(trace), "-e", f"trace={MOVES},unlinkat"))
    assert result.returncode == 0, result.stderr


def killed_build(out: Path, source: Path, syscall: str, n: int, cwd: Path | None = None) -> None:
    inject = f"inject={syscall}:signal=SIGKILL:when={n}"
    result = run_geomap("-q", "build", str(source), "-o", str(out), "--no-figures", "--no-cache", cwd=cwd,
                        prefix=(STRACE, "-o", "/dev/null", "-e", f"trace={syscall}", "-e", inject))
    assert result.returncode != 0, f"the run was not killed at {syscall} #{n}"


def reset(out: Path, pristine: Path) -> None:
    for path in out.parent.iterdir():
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    shutil.copytree(pristine, out, symlinks=True)


def trace_run_b(out: Path, inputs, reference_runs, tmp_path: Path, cwd: Path | None = None) -> tuple[Path, list]:
    """Keep a copy of OUT (run a and the user's files), trace run b into OUT; the copy and the kill points."""
    pristine = tmp_path / "pristine"
    shutil.copytree(out, pristine, symlinks=True)
    trace = tmp_path / "trace.log"
    traced_build(Path(".") if cwd else out, inputs["b"], trace, cwd=cwd)
    assert_one_complete_run(out, reference_runs["b"])
    return pristine, kill_points(trace)


def next_run_leaves_only_its_own(out: Path, results, reference_runs) -> None:
    pipeline.write(results["b"], out, NO_FIGURES)
    assert_one_complete_run(out, reference_runs["b"])
    assert leftovers(out) == []


@pytest.mark.skipif(STRACE is None, reason="strace is not installed (tests/run.sh installs it)")
def test_a_kill_at_any_move_leaves_one_complete_run_and_the_next_run_cleans_up(
        tmp_path, inputs, results, reference_runs, out_with_a):
    out = out_with_a
    pristine, points = trace_run_b(out, inputs, reference_runs, tmp_path)
    assert ("renameat2", 1) in points  # the swap of the staging folder and OUT
    seen = set()
    for syscall, n in sampled(points):
        reset(out, pristine)
        killed_build(out, inputs["b"], syscall, n)
        seen.add(json.dumps(assert_one_complete_run(out, reference_runs["a"], reference_runs["b"]), sort_keys=True))
        next_run_leaves_only_its_own(out, results, reference_runs)
    assert len(seen) == 2  # some kills came before the swap, some after


@pytest.mark.skipif(STRACE is None, reason="strace is not installed (tests/run.sh installs it)")
def test_a_kill_while_files_are_moved_one_by_one_is_completed_by_the_next_run(
        tmp_path, inputs, results, reference_runs, out_with_a):
    """`-o .` from inside OUT: a swap would leave the user's shell in a deleted folder, so files move one by one."""
    out = out_with_a
    pristine, points = trace_run_b(out, inputs, reference_runs, tmp_path, cwd=out)
    renames = [point for point in points if point[0] == "rename"]
    assert len(renames) > len(reference_runs["b"])  # each file moved in by a rename of its own
    chosen = [renames[1], renames[len(renames) // 2], renames[-1]]  # the journal's commit, a file, the record
    for syscall, n in chosen:
        reset(out, pristine)
        killed_build(Path("."), inputs["b"], syscall, n, cwd=out)
        committed = (out / ".geomap-journal.json").is_file()
        with outputs.folder_lock(outputs.lock_path(out), "testing"):
            outputs.recover(out)
        found = assert_one_complete_run(out, reference_runs["a"], reference_runs["b"])
        assert found == reference_runs["b" if committed else "a"], (syscall, n)
        next_run_leaves_only_its_own(out, results, reference_runs)


# -- kills and interruptions while the figures are drawn ----------------------------------------------------

def start_slow_build(inputs, out: Path) -> subprocess.Popen:
    """A build whose figures take a while (1200 dpi), stopped by the caller once they are being drawn."""
    # With Ctrl-C's default action, as from a terminal: an ignored SIGINT is inherited through exec, and a test
    # run earlier in this process (on a pytest-xdist worker, in another order than alone) may have left it so.
    return subprocess.Popen([GEOMAP, "build", str(inputs["b"]), "-o", str(out), "--dpi", "1200"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def staged_figures(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.geomap-staging-*/figures/*"))


def frozen_while_drawing(build: subprocess.Popen, out: Path) -> list[int]:
    """Stop (SIGSTOP) the processes of ``build`` once its figures are being drawn; their ids.

    The figures must still be unfinished then, so that a signal sent next reaches the build while it waits for
    them, not during the final move of its files (which holds signals back until it is done).
    """
    wait_until(lambda: staged_figures(out) or build.poll() is not None, "the figures to be drawn")
    workers = descendants(build.pid)
    assert workers, "no figure process"
    for pid in workers:
        os.kill(pid, signal.SIGSTOP)
    drawn = [p for p in staged_figures(out) if not p.name.endswith(".tmp")]
    assert len(drawn) < 4, "the figures were finished before the kill"  # one window's map and the chart, PNG+SVG
    return workers


def test_a_build_killed_during_its_figures_takes_the_figure_process_with_it(
        inputs, results, reference_runs, out_with_a):
    out = out_with_a
    build = start_slow_build(inputs, out)
    workers = frozen_while_drawing(build, out)  # so that nothing is written between the snapshot and the death
    build.kill()
    build.wait()
    snapshot = {p: p.stat().st_size for p in staged_figures(out)}
    for pid in workers:
        os.kill(pid, signal.SIGCONT)
    wait_until(lambda: not any(alive(pid) for pid in workers), "the figure processes to end")
    assert {p: p.stat().st_size for p in staged_figures(out)} == snapshot  # nothing written after the kill
    assert_one_complete_run(out, reference_runs["a"])
    next_run_leaves_only_its_own(out, results, reference_runs)


@pytest.mark.parametrize("signal_number, exit_code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_and_ctrl_c_during_figures_say_interrupted_and_leave_nothing(
        inputs, reference_runs, out_with_a, signal_number, exit_code):
    out = out_with_a
    build = start_slow_build(inputs, out)
    workers = frozen_while_drawing(build, out)
    build.send_signal(signal_number)
    for pid in workers:
        os.kill(pid, signal.SIGCONT)
    _, stderr = build.communicate(timeout=120)
    assert build.returncode == exit_code, stderr
    assert "geomap: interrupted" in stderr and "Traceback" not in stderr, stderr
    wait_until(lambda: not any(alive(pid) for pid in workers), "the figure processes to end")
    assert leftovers(out) == []
    assert_one_complete_run(out, reference_runs["a"])


# -- two runs at once -----------------------------------------------------------------------------------------

def test_a_second_build_into_the_same_folder_waits_for_the_first(tmp_path, inputs, reference_runs, out_with_a):
    out = out_with_a
    log = tmp_path / "stderr.txt"
    with outputs.folder_lock(outputs.lock_path(out), "standing in for a first build"):
        with open(log, "w", encoding="utf-8") as stderr:
            build = subprocess.Popen([GEOMAP, "build", str(inputs["b"]), "-o", str(out), "--no-figures"],
                                     stdout=subprocess.DEVNULL, stderr=stderr)
        wait_until(lambda: "waiting for another geomap run" in log.read_text(encoding="utf-8")
                   or build.poll() is not None, "the second build to wait")
        assert build.poll() is None, log.read_text(encoding="utf-8")
        assert_one_complete_run(out, reference_runs["a"])  # nothing written while the first holds the folder
    assert build.wait(timeout=300) == 0, log.read_text(encoding="utf-8")
    assert_one_complete_run(out, reference_runs["b"])
    assert leftovers(out) == []


def test_two_builds_at_once_both_succeed_and_leave_one_complete_run(inputs, reference_runs, out_with_a):
    out = out_with_a
    builds = [subprocess.Popen([GEOMAP, "-q", "build", str(inputs[name]), "-o", str(out), "--no-figures"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for name in "ab"]
    for build in builds:
        _, stderr = build.communicate(timeout=300)
        assert build.returncode == 0, stderr
    assert_one_complete_run(out, reference_runs["a"], reference_runs["b"])
    assert leftovers(out) == []


# -- where outputs may go -----------------------------------------------------------------------------------

def test_a_linked_subfolder_inside_out_is_not_written_through(tmp_path, results, reference_runs, out_with_a):
    out = out_with_a
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(out / "figures")
    (out / "figures").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(GeomapError, match="symbolic link") as raised:
        pipeline.write(results["b"], out, pipeline.OutputOptions(figure_formats=("svg",)))
    assert str(out / "figures") in str(raised.value)
    assert list(elsewhere.iterdir()) == []
    assert set(geomap_files(out)) == set(reference_runs["a"])
    assert leftovers(out) == []
    pipeline.write(results["b"], out, NO_FIGURES)  # a run that writes nothing there keeps the link
    assert (out / "figures").is_symlink() and list(elsewhere.iterdir()) == []


def test_output_folder_as_a_link_is_followed_and_kept(tmp_path, results, reference_runs):
    real = tmp_path / "real"
    link = tmp_path / "link"
    real.mkdir()
    link.symlink_to(real, target_is_directory=True)
    pipeline.write(results["b"], link, NO_FIGURES)
    assert link.is_symlink() and geomap_files(real) == reference_runs["b"]


def test_an_empty_output_name_is_an_error_and_writes_nothing(tmp_path, inputs):
    result = run_geomap("build", str(inputs["a"]), "-o", "", "--no-figures", cwd=tmp_path)
    assert result.returncode == 1
    assert "geomap: error: the output folder is empty" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_input_folder_as_output_folder_is_refused(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    for out in (str(folder), str(folder) + "/", "."):
        result = run_geomap("build", str(folder), "-o", out, "--no-figures", cwd=folder)
        assert result.returncode == 1, out
        assert "also an input folder" in result.stderr and "Traceback" not in result.stderr
        assert sorted(p.name for p in folder.iterdir()) == ["a.txt"]


def test_an_unknown_tile_provider_is_one_clear_error(tmp_path, inputs):
    result = run_geomap("build", str(inputs["a"]), "-o", str(tmp_path / "out"), "--tiles", "NoSuch.Provider")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("geomap: error:")]
    assert len(errors) == 1 and "unknown tile provider 'NoSuch.Provider'" in errors[0], result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()
