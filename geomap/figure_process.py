"""The static figures, drawn in a process of their own.

matplotlib is the slowest part of a small build: importing it, loading its
fonts and drawing two maps and a chart at 200 dpi takes longer than geocoding
the seeds. A :class:`FigureProcess` is forked when a build starts, after the
parent has imported geopandas and indexed the region polygons (which both
need, so the child inherits them); while the parent geocodes and extracts
claims it imports matplotlib and loads the fonts, then draws as soon as the
tables arrive through a pipe, on the machine's second core, while the parent
writes the map and the layers. Where ``fork`` is not available the figures
are drawn inline.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geomap.errors import GeomapError
from geomap.parallel import ForkedWorker, follow_parent

# The tables the figures read (see geomap.figures); the others are not sent.
FIGURE_TABLES = ("claim_geoms", "sources", "mentions", "envelopes", "reference", "places")


class FigureProcess(ForkedWorker):
    """A forked worker that draws one run's figures: ``start()``, later ``draw(...)``, then ``wait()``.

    Use it as a context manager so that a run that fails before ``draw``
    still ends the worker.
    """

    def __init__(self) -> None:
        super().__init__()
        self._job: tuple | None = None  # kept for inline drawing when there is no worker
        self._sent = False
        self._sender: threading.Thread | None = None

    @classmethod
    def start(cls) -> "FigureProcess":
        worker = cls()
        if "fork" not in multiprocessing.get_all_start_methods():
            return worker
        context = multiprocessing.get_context("fork")
        parent_end, child_end = context.Pipe()
        worker._process = context.Process(target=_serve, args=(child_end, parent_end), daemon=True,
                                          name="geomap-figures")
        worker._process.start()
        child_end.close()
        worker._connection = parent_end
        return worker

    def draw(self, tables: Any, out_dir: Path, dpi: int, formats: Sequence[str]) -> None:
        """Send the run's tables; the figures are written into ``out_dir`` (call :meth:`wait` before using them)."""
        job = (figure_tables(tables), Path(out_dir), int(dpi), tuple(formats))
        if self._connection is None:
            self._job = job
            return
        # Sent from a thread: a large job fills the pipe and would block this process until the worker reads.
        self._sender = threading.Thread(target=self._send, args=(job,), name="geomap-figures-send", daemon=True)
        self._sender.start()
        self._sent = True

    def _send(self, job: tuple) -> None:
        try:
            self._connection.send(job)
        except OSError:  # the worker is gone; wait() reports what it said or that it ended
            pass

    def wait(self) -> None:
        """Block until the figures are written; raise :class:`GeomapError` if drawing failed."""
        if self._connection is not None and not self._sent:
            self.close()
            return
        if self._connection is None:
            if self._job is not None:
                job, self._job = self._job, None
                _draw(*job)
            return
        try:
            if self._sender is not None:
                self._sender.join()
            reply = self._connection.recv()
        except EOFError:
            self._process.join()
            reply = f"the figure process ended unexpectedly (exit code {self._process.exitcode})"
        except BaseException:  # interrupted while the figures are drawn: end the worker now
            self.stop()
            raise
        finally:
            self.close()
        if reply is not None:
            raise GeomapError(f"drawing the figures failed: {reply}")

    def _answered(self) -> bool:
        return self._sent  # given a job, it exits after reporting on it


def figure_tables(tables: Any) -> dict[str, Any]:
    """The part of a run's tables the figures read: only these cross the pipe.

    Only place mentions are sent: the figures mark places, and a large corpus
    has hundreds of thousands of other mentions (demonyms, unresolved words).
    """
    chosen = {name: tables.get(name) for name in FIGURE_TABLES}
    mentions = chosen.get("mentions")
    if mentions is not None and len(mentions) and "type" in getattr(mentions, "columns", ()):
        chosen["mentions"] = mentions[mentions["type"] == "place"].reset_index(drop=True)
    return chosen


def _draw(tables: dict[str, Any], out_dir: Path, dpi: int, formats: tuple[str, ...]) -> None:
    from geomap.figures import write_figures

    # The figure process draws alone on its core while the parent writes the map and layers; a large corpus's
    # hundred windows outlast that work, so they are shared with one more process per further core.
    write_figures(tables, out_dir, dpi=dpi, formats=formats, jobs=min(os.cpu_count() or 1, 4))


def _warm_up() -> None:
    """Do the work every figure needs before the tables arrive: imports, fonts, basemap polygons.

    After the build's ``_load_shared_data`` the polygons' index is inherited and
    only matplotlib and the fonts are left to load.
    """
    import io

    from matplotlib.figure import Figure

    import geomap.figures  # noqa: F401 - imports matplotlib, geopandas and the figure modules
    from geomap.figures.style import figure_style
    from geomap.gazetteer import load_regions

    load_regions().tree  # noqa: B018 - the spatial index every map's basemap query uses
    with figure_style():
        # Loads the fonts (regular, bold, italic) and Agg's text machinery once: a tiny figure, thrown away.
        figure = Figure(figsize=(1, 1))
        for y, style in ((0.2, {}), (0.5, {"fontweight": "bold"}), (0.8, {"style": "italic"})):
            figure.text(0.5, y, "geomap", **style)
        figure.savefig(io.BytesIO(), format="png", dpi=20)


def _serve(connection: Any, parent_end: Any) -> None:
    """The worker's life: warm up, wait for one job (or the pipe closing), draw it, report."""
    parent_end.close()  # the parent's end, inherited through fork: closed so that EOF can be seen
    follow_parent()
    try:
        _warm_up()
        try:
            job = connection.recv()
        except EOFError:  # the run ended (or failed) without asking for figures
            os._exit(0)
        _draw(*job)
        connection.send(None)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        try:
            connection.send(f"{type(exc).__name__}: {exc}")
        except OSError:
            pass
        os._exit(1)
    os._exit(0)
