"""The pool of workers of a run: the same results as this process, and failures reported, not lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from geomap import pipeline, schema
from geomap.errors import GeomapError
from geomap.sources import read_sources
from geomap.workers import Workers

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seeds():
    return schema.SOURCES.from_records(read_sources([str(REPO / "seeds")]).sources)


def test_text_stages_in_workers_give_the_tables_of_this_process(seeds, monkeypatch):
    monkeypatch.setattr(pipeline, "CHUNK_SOURCES", 2)  # three chunks, two at a time
    here_mentions, here_claims, here_statuses = pipeline.text_stages_of(seeds)
    with Workers(2) as workers:
        mentions, claims, statuses = pipeline.text_stages_of(seeds, workers, jobs=2)
    assert mentions.equals(here_mentions) and claims.equals(here_claims) and statuses.equals(here_statuses)
    assert len(mentions) > 100 and len(claims) > 10 and len(statuses) > 5
    schema.MENTIONS.check(mentions, "test")
    schema.CLAIMS.check(claims, "test")
    schema.PLACE_STATUS.check(statuses, "test")


def test_claims_drawn_in_workers_give_the_claim_geometries_of_this_process(seeds, monkeypatch):
    from geomap.geometry import claim_geometries

    monkeypatch.setattr(pipeline, "GEOMETRY_MIN_PART", 5)  # several parts, drawn by both workers
    _, claims, statuses = pipeline.text_stages_of(seeds)
    here = claim_geometries(claims, statuses=statuses)
    with Workers(2) as workers:
        drawer = pipeline.claim_drawer(workers, 2, statuses)
        there = claim_geometries(claims, statuses=statuses, draw=drawer)
        tasks = _tasks(claims, statuses)[:3]
        rows = [row for row, _, _ in drawer(tasks, False)]
    assert len(here) > 10 and (here["status"] == "mapped").sum() > 5
    assert there.drop(columns="geometry").equals(here.drop(columns="geometry"))
    assert there.geometry.to_wkb().equals(here.geometry.to_wkb())
    # What comes back from a worker is each row's values, read by column name, not a dict per claim.
    assert all(isinstance(row, pipeline.DrawnRow) for row in rows)
    assert [row["claim_id"] for row in rows] == [task.item.claim.claim_id for task in tasks]


def _tasks(claims, statuses):
    from geomap.geometry.build import claim_tasks
    from geomap.geometry.workspace import Workspace
    from geomap.resources import shared

    records = schema.PLACE_STATUS.to_records(statuses)
    workspace = Workspace(shared().gazetteer, shared().regions, statuses=records)
    return claim_tasks(schema.CLAIMS.to_records(claims), workspace)


def fail(*args):
    raise ValueError("no such stage")


def test_an_error_in_a_worker_is_raised_here(seeds):
    with Workers(2) as workers:
        future = workers.submit(fail, seeds)
        with pytest.raises(ValueError, match="no such stage"):
            future.result()


def test_the_figures_work_in_one_process_of_their_own_while_the_pool_is_busy():
    """What the figures' first task loads (matplotlib), their later tasks find: every task of theirs runs in one
    process, another than this one, also when a task of the pool runs meanwhile (a pool gave the drawing to
    whichever process was free, which then loaded matplotlib a second time)."""
    import time

    with Workers(2) as workers:
        busy = [workers.submit(time.sleep, 0.5) for _ in range(2)]
        figures = [workers.submit_figures(os.getpid) for _ in range(3)]
        pids = {future.result(timeout=60) for future in figures}
        pool = {workers.submit(os.getpid).result(timeout=60) for _ in range(4)}
        for future in busy:
            future.result(timeout=60)
    assert len(pids) == 1 and os.getpid() not in pids
    assert not pids & pool


def test_recycled_workers_are_new_processes_and_the_figures_process_stays():
    """After the stages the pool's processes exit (what the stages left in them goes with them); work given
    later runs in new processes, and the figures' process is the one that was prepared."""
    with Workers(2) as workers:
        figures = workers.submit_figures(os.getpid).result(timeout=60)
        before = {workers.submit(os.getpid).result(timeout=60) for _ in range(4)}
        old = [child for child in workers.children if child.pid != figures]
        workers.recycle()
        assert old and not any(child.is_alive() for child in old)
        after = {workers.submit(os.getpid).result(timeout=60) for _ in range(4)}
        assert after and not after & before and os.getpid() not in after
        assert workers.submit_figures(os.getpid).result(timeout=60) == figures
        # The pool forks up to its size as work comes (a process that got no task of the four may be among them).
        children = {child.pid for child in workers.children}
        assert after | {figures} <= children and not children & before and len(children - {figures}) <= 2


def test_an_ended_figures_process_exits_and_the_next_figures_go_to_a_new_one():
    """A large run draws its figures in a process forked at writing: the process prepared for them exits
    rather than wait idle, and figures given later go to a new figures' process."""
    with Workers(2) as workers:
        workers.start_figures()
        prepared = workers.submit_figures(os.getpid).result(timeout=60)
        process = next(child for child in workers.children if child.pid == prepared)
        workers.end_figures()
        process.join(timeout=10)
        assert not process.is_alive() and prepared not in {child.pid for child in workers.children}
        assert workers.submit_figures(os.getpid).result(timeout=60) not in (prepared, os.getpid())


def pid_and_call(make):
    return os.getpid(), make()


def test_a_forked_call_runs_in_a_process_of_its_own_that_ends_with_it():
    """submit_forked hands its call to a process forked for it: arguments that cannot be pickled (a lambda over
    this process's objects) reach it, and its process exits once the call is read."""
    table = list(range(1000))
    with Workers(2) as workers:
        pool = workers.submit(os.getpid).result(timeout=60)
        future = workers.submit_forked(pid_and_call, lambda: sum(table))
        pid, total = future.result(timeout=60)
        assert total == sum(table) and pid not in (os.getpid(), pool)
        process = next(child for child in workers.children if child.pid == pid)
        workers.end_forked()
        process.join(timeout=10)
        assert not process.is_alive()
        with pytest.raises(ZeroDivisionError):
            workers.submit_forked(pid_and_call, lambda: 1 / 0).result(timeout=60)


def test_a_worker_that_dies_is_one_clear_error():
    with pytest.raises(GeomapError, match="a worker process ended unexpectedly"):
        with Workers(2) as workers:
            pipeline.result_of(workers.submit(os._exit, 3), "the text stages")


def test_build_reports_a_failure_of_the_stages_in_one_line(tmp_path):
    # A build whose text stages fail: one error line naming the reason, no traceback, nothing written.
    code = (
        "import sys; from geomap import pipeline\n"
        "def broken(sources): raise RuntimeError('stages broke')\n"
        "pipeline.text_stages = broken\n"
        "from geomap.cli import main\n"
        f"sys.argv = ['geomap', 'build', '--no-cache', '-o', {str(tmp_path / 'out')!r}]\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "stages broke" in result.stderr
    assert not (tmp_path / "out" / "index.html").exists()


SIGNALS_AT_FORK = """
import json, os, signal, tempfile
from geomap.workers import Workers

signal.signal(signal.SIGTERM, lambda signum, frame: None)  # the CLI sets a handler that raises
report = tempfile.TemporaryFile()
# What a worker would do with a stop signal in its first instant: the handlers and mask it starts with.
os.register_at_fork(after_in_child=lambda: os.write(report.fileno(), (json.dumps(
    sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, []))) + "\\n").encode()))

def settled():
    return (signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
            signal.SIGTERM in signal.pthread_sigmask(signal.SIG_BLOCK, []))

with Workers(2) as workers:
    in_worker = workers.submit(settled).result(timeout=60)
report.seek(0)
parent_mask = sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, []))
print(json.dumps({"at_fork": [json.loads(line) for line in report.read().decode().splitlines()],
                  "in_worker": in_worker, "parent_mask": parent_mask}))
"""


def test_workers_start_with_stop_signals_held_until_their_own_handlers_are_set():
    """A worker stopped as it is forked must die, never unwind its copy of the parent's stack.

    Before: a SIGTERM in a new worker's first instant ran the parent's handler,
    which raised in the code that called fork (under pytest, the worker went on
    running the tests). Now the signals are blocked while forking and unblocked
    in the worker once its own handlers are set.
    """
    import json
    import signal

    result = subprocess.run([sys.executable, "-c", SIGNALS_AT_FORK], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    seen = json.loads(result.stdout)
    assert len(seen["at_fork"]) == 2
    assert all({int(signal.SIGTERM), int(signal.SIGINT)} <= set(mask) for mask in seen["at_fork"])
    assert seen["in_worker"] == [True, False]
    assert int(signal.SIGTERM) not in seen["parent_mask"]
