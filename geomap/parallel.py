"""The text stages (geocode, claims) over many sources, in this process or a process pool.

Both stages are per-source functions, so a corpus splits into chunks that
worker processes handle independently; results come back in input order, so
the output is the same whatever ``jobs`` is. Each worker loads the gazetteer
once (the scan index and the tables are memory-mapped from the on-disk cache).

:class:`EarlyTextStages` runs a small input's stages in one process forked as
a build starts, so that loading the geoparser there overlaps the build's own
loading of geopandas and the region polygons.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable

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


# Inputs up to this many characters (half a second of text stages) have their text stages started in a
# forked process as a build begins: there the geoparser's loading (half a second) overlaps the build's own
# imports. For larger inputs the stages themselves dominate; they keep their progress bar and need not send
# their results back through a pipe.
EARLY_MAX_CHARS = 200_000


class ForkedWorker:
    """A forked process and this process's end of its pipe, ended by :meth:`close` or a ``with`` block.

    A worker that has given its last answer exits by itself and is waited for;
    one that never got that far (the run failed first) is terminated.
    """

    def __init__(self, process: Any = None, connection: Any = None) -> None:
        self._process = process
        self._connection = connection

    def _answered(self) -> bool:
        """Whether the worker has given its last answer (and so is exiting by itself)."""
        return False

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        if self._process is not None:
            if self._answered():
                self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class EarlyTextStages(ForkedWorker):
    """The text stages of a small input, run in a forked process while the caller loads everything else.

    ``start()`` forks at once (the caller should be small then: nothing heavy
    imported yet); ``result()`` returns ``(mentions, claims)`` exactly as
    :func:`geocode_and_extract` would, or raises what the stages raised.
    """

    def __init__(self, process: Any, connection: Any) -> None:
        super().__init__(process, connection)
        self._received = False

    def _answered(self) -> bool:
        return self._received

    @classmethod
    def start(cls, sources: list[Source]) -> "EarlyTextStages | None":
        """The started stages, or None where fork is missing or the input is too large to gain."""
        import multiprocessing

        if "fork" not in multiprocessing.get_all_start_methods():
            return None
        if sum(len(source.text) for source in sources) > EARLY_MAX_CHARS:
            return None
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_serve_early, args=(sources, sender, receiver), daemon=True,
                                  name="geomap-text")
        process.start()
        sender.close()  # only the child writes; its end closing is how a crash shows here
        return cls(process, receiver)

    def ready(self) -> bool:
        """Whether :meth:`result` would return (or raise) at once."""
        return self._connection is None or self._connection.poll()

    def result(self) -> tuple[list[Mention], list[Claim]]:
        from geomap.errors import GeomapError

        try:
            status, payload = self._connection.recv()
            self._received = True
        except EOFError:
            self._process.join()
            raise GeomapError("the text stages' process ended unexpectedly "
                              f"(exit code {self._process.exitcode})") from None
        finally:
            self.close()
        if status == "error":
            raise payload
        return payload


def _serve_early(sources: list[Source], sender: Any, receiver: Any) -> None:
    import os
    import traceback

    receiver.close()
    try:
        from geomap.geoparse import load_geoparser

        reply: tuple[str, Any] = ("ok", _text_stages(sources, load_geoparser()))
    except BaseException as exc:  # noqa: BLE001 - raised again in the parent, with this traceback as a note
        exc.add_note("in the text stages' process:\n" + "".join(traceback.format_exception(exc)))
        reply = ("error", exc)
    try:
        sender.send(reply)
    except Exception as exc:  # noqa: BLE001 - an exception that does not pickle: its text is sent instead
        sender.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    sender.close()
    os._exit(0)
