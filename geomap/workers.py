"""The worker processes of a run: a pool for the text stages of chunks of sources, and one for the figures.

:class:`Workers` is a :class:`concurrent.futures.ProcessPoolExecutor` whose
processes are forked (where the platform has ``fork``) as the run begins, so
that they start at once and inherit what the caller has loaded by then, and a
second executor of one process, the figures' own. Every piece of work is a
future that carries its result or its exception back.

A build uses them for what would otherwise wait its turn on one core:

- the text stages (geoparser and claims), one task per chunk of sources, in the
  pool, while the caller loads geopandas and the region polygons for the
  geometry stage;
- :func:`prepare_figures` (matplotlib, its fonts, the basemap polygons) in the
  figures' process, while the text stages run;
- the date windows' figures and the chart, in the figures' process (the busiest
  windows and the chart) and, with more jobs, in the pool, while the caller
  writes the map and the layers.

The figures have a process of their own because a pool does not choose which
of its processes takes a task: a figure drawn in another process than the one
matplotlib was prepared in loaded it a second time (half a second of CPU of a
cold build of the seeds, which is three seconds).

Workers die with the process that started them, even by ``kill -9`` (Linux's
parent-death signal); Ctrl-C and SIGTERM reach the caller, whose
:meth:`Workers.stop` ends them. Where ``fork`` is missing, work is done in the
calling process when submitted (the futures are then already done).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Callable

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# Held back while workers are forked: a worker must not run the parent's handlers (they raise in the parent's
# stack, which the child has a copy of until its bootstrap begins) before it has set its own.
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def follow_parent() -> None:
    """In a forked worker: die with the parent, and leave Ctrl-C and SIGTERM to it.

    The kernel kills the worker when the parent ends, even by ``kill -9``, so a
    worker never outlives its build (nor writes into its staging folder after
    it). The parent's SIGTERM handler, inherited through fork, is reset and
    Ctrl-C (sent to the whole process group by a terminal) is ignored: the
    parent stops its workers itself.
    """
    import ctypes

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked by Workers.submit while forking
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent ended before the request was made
        os._exit(1)


def prepare_figures() -> None:
    """Load what every figure needs before the tables arrive (the figures' process's first task in a build).

    Defined here, not beside the figures, so that the caller can fork the figures' process before importing
    them or the pipeline's libraries: the process imports what it needs itself, on the other core."""
    from geomap.figures import prepare

    prepare()


def release_freed_memory() -> None:
    """Free what only reference cycles still hold (a folium map's elements point at their parents), and give
    the C allocator's free pages back to the system.

    glibc keeps the pages freed by numpy, GEOS and large Python objects for the
    process's next allocations; after a stage or a large output they would stay
    in this process's memory while the next output is written, and in every
    process forked from it. Does nothing where the C library is not glibc.
    """
    import ctypes
    import gc

    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except AttributeError:  # not glibc
        return
    trim(0)


# Calls handed to a process forked for them (Workers.submit_forked): the process finds its call here, in the
# memory it was forked with, rather than in a pickle of the call's arguments.
_forked_calls: dict[int, tuple[Callable[..., Any], tuple]] = {}


def _forked_call(key: int) -> Any:
    function, args = _forked_calls.pop(key)
    return function(*args)


class Workers:
    """Forked worker processes and the futures of the work given to them; a context manager.

    ``processes`` is how many processes share the work given to :meth:`submit`
    (at least one); they are forked by the first :meth:`submit`. The work given
    to :meth:`submit_figures` goes to one more process, always the same, forked
    by the first :meth:`submit_figures`.
    """

    def __init__(self, processes: int = 1) -> None:
        self.processes = max(1, processes)
        self.executor: ProcessPoolExecutor | None = None
        self.figures_executor: ProcessPoolExecutor | None = None
        self.children: list[Any] = []
        self.figures_started = False  # whether start_figures has given the figures' process its first task
        self.forked: list[ProcessPoolExecutor] = []  # the executors of submit_forked's processes
        if "fork" in multiprocessing.get_all_start_methods():
            self.executor = self._pool(self.processes)
            self.figures_executor = self._pool(1)

    @staticmethod
    def _pool(processes: int) -> ProcessPoolExecutor:
        fork = multiprocessing.get_context("fork")
        return ProcessPoolExecutor(processes, mp_context=fork, initializer=follow_parent)

    @property
    def parallel(self) -> bool:
        """Whether work runs in other processes (else in this one, as it is submitted)."""
        return self.executor is not None

    def submit(self, function: Callable[..., Any], *args: Any) -> Future:
        """Run ``function(*args)`` in a worker of the pool; its future gives the result or raises what it raised."""
        return self._submit(self.executor, function, args)

    def submit_figures(self, function: Callable[..., Any], *args: Any) -> Future:
        """Run ``function(*args)`` in the figures' process (the same process for every call): what one call
        loaded there (matplotlib, fonts), the next finds loaded."""
        return self._submit(self.figures_executor, function, args)

    def submit_forked(self, function: Callable[..., Any], *args: Any) -> Future:
        """Run ``function(*args)`` in a process forked now for it alone, which ends with it.

        The arguments are not pickled: the process is a copy of this one as it
        is, tables and all (their pages shared until either side writes them).
        What the call makes (a map's hundreds of MB of elements) is that
        process's, gone with it, while this one goes on with other work."""
        if self.executor is None:
            return self._submit(None, function, args)
        key = len(_forked_calls)
        while key in _forked_calls:
            key += 1
        _forked_calls[key] = (function, args)
        executor = self._pool(1)
        try:
            future = self._submit(executor, _forked_call, (key,))  # forks: the process has the call
        finally:
            del _forked_calls[key]
        self.forked.append(executor)
        return future

    def end_forked(self) -> None:
        """Let the processes of :meth:`submit_forked` exit once their call is done (their futures have been read)."""
        for executor in self.forked:
            executor.shutdown(wait=True)
        self.forked = []

    def start_figures(self) -> None:
        """Fork the figures' process now and have it load what every figure needs (:func:`prepare_figures`),
        once: a build calls this first thing, so that the loading overlaps this process's own."""
        if not self.figures_started:
            self.figures_started = True
            self.submit_figures(prepare_figures)

    def end_figures(self) -> None:
        """Let the figures' process exit (the figures are drawn elsewhere: what it prepared would wait idle while
        the outputs are written); the next :meth:`submit_figures` forks a new one."""
        if self.figures_executor is None or not self.figures_started:
            return
        self.figures_executor.shutdown(wait=True)
        self.children = [child for child in self.children if child.is_alive()]
        self.figures_executor = self._pool(1)
        self.figures_started = False

    def _submit(self, executor: ProcessPoolExecutor | None, function: Callable[..., Any], args: tuple) -> Future:
        if executor is None:
            future: Future = Future()
            try:
                future.set_result(function(*args))
            except Exception as exc:  # noqa: BLE001 - carried by the future, raised where it is read
                future.set_exception(exc)
            return future
        before = set(multiprocessing.active_children())
        # A submission may fork: the children start with these signals blocked and unblock them once their
        # own handlers are set (follow_parent); the parent receives any that came meanwhile right after.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            future = executor.submit(function, *args)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        # An executor's first submission forks its processes: they are the children that were not there before.
        self.children += [child for child in multiprocessing.active_children() if child not in before]
        return future

    def recycle(self) -> None:
        """Let the pool's processes exit, and fork new ones on the next :meth:`submit`.

        What a stage leaves in a worker (the geoparser's tables, the geometry
        stage's projected regions: hundreds of MB each) stays there until the
        process ends, freed or not (the allocator keeps the pages). Recycled
        after the stages, the pool holds nothing while the outputs are written,
        and new processes, forked then, start as copies of this one (its pages
        shared, not copied). The figures' process is kept: what it prepared
        is what it is there for.
        """
        if self.executor is None:
            return
        self.executor.shutdown(wait=True)  # its processes joined: the live children are the figures' process
        self.children = [child for child in self.children if child.is_alive()]
        self.executor = self._pool(self.processes)

    def stop(self) -> None:
        """End the workers now, whatever they are doing (the run failed or was interrupted)."""
        if self.executor is not None:
            for child in self.children:
                if child.is_alive():
                    child.terminate()
            # Each executor's own thread reaps the workers it sees die: wait for it (and it for them) rather than
            # join them from here too, or a worker that thread reaped first may still read as alive.
            for executor in (self.executor, self.figures_executor, *self.forked):
                if executor is not None:
                    executor.shutdown(wait=True, cancel_futures=True)
            for child in self.children:
                child.join()
            self.executor = self.figures_executor = None
            self.forked = []

    def close(self) -> None:
        """Let the workers finish and exit (every future has been read)."""
        self.end_forked()
        for executor in (self.executor, self.figures_executor):
            if executor is not None:
                executor.shutdown(wait=True)
        self.executor = self.figures_executor = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: Any, error: Any, traceback: Any) -> None:
        if error is None:
            self.close()
        else:
            self.stop()
