"""The text stages on a Dask cluster: ``geomap build --scheduler tcp://HOST:8786`` (or ``GEOMAP_SCHEDULER``).

A :class:`Cluster` is a client of an existing ``dask.distributed`` scheduler
with the :meth:`submit` of :class:`geomap.workers.Workers`, so the pipeline
hands it the same tasks: the text stages of one chunk of sources each. The
chunks travel with their texts (this process reads every source anyway: the
sources table and the article cache need them), so the workers need geomap
and its data installed, not the corpus's folder. Each worker loads the
gazetteer and the geoparser once, on its first chunk.

Results come back in chunk order whatever worker did them, so a build on a
cluster writes the bytes of a local build. The figures, the map and the layers
are drawn and written by this process and its local workers, into the local
output folder.

Dask is an optional dependency (``pip install 'geomap[dask]'``).
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from geomap.errors import GeomapError

CONNECT_TIMEOUT_S = 10
# Chunks a cluster is given at once per thread of its workers: enough that none waits between two chunks.
CHUNKS_PER_THREAD = 2


class Cluster:
    """A connected client of the scheduler at ``address``; a context manager (closing disconnects)."""

    def __init__(self, address: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise GeomapError(f"--scheduler {address}: Dask is not installed (pip install 'geomap[dask]')") from None
        self.address = address
        made: dict[str, Any] = {}

        def connect() -> None:
            try:
                made["client"] = Client(address, timeout=timeout, set_as_default=False)
            except Exception as exc:  # noqa: BLE001 - said below in one line
                made["error"] = exc

        # Client's own timeout covers the TCP connection but not the handshake after it: a port that accepts and
        # never answers would hold it forever. So the connection is made in a thread that is given up on.
        thread = threading.Thread(target=connect, name="geomap-dask-connect", daemon=True)
        thread.start()
        thread.join(timeout)
        error = made.get("error")
        if isinstance(error, ValueError):  # an address dask cannot parse
            raise GeomapError(f"--scheduler {address}: {error}") from None
        if "client" not in made:
            reason = f" ({type(error).__name__})" if error is not None else ""
            raise GeomapError(
                f"--scheduler {address}: the Dask scheduler did not answer within {timeout:g} s{reason}; "
                "nothing was written"
            )
        self.client = made["client"]

    @property
    def threads(self) -> int:
        """Worker threads in the cluster now (at least 1: workers may join later)."""
        return max(1, sum(self.client.nthreads().values()))

    @property
    def in_flight(self) -> int:
        """How many chunks to hand the cluster at once."""
        return CHUNKS_PER_THREAD * self.threads

    def submit(self, function: Callable[..., Any], *args: Any) -> Any:
        """Run ``function(*args)`` on a worker; its (dask) future gives the result or raises what it raised."""
        return self.client.submit(function, *args, pure=False)

    @staticmethod
    def lost_worker() -> type[Exception]:
        """The error a future raises when the workers that ran its task died."""
        from distributed import KilledWorker

        return KilledWorker

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Cluster:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()
