"""Entries (key -> bytes) of a cache in one SQLite file: the article cache's and the geometry cache's.

One file, not one file per entry: a 100,000-article corpus wrote 100,000
small files, at 2-6 ms each on this machine's file system, where SQLite writes
a batch of entries in one transaction. Many builds can share the file (SQLite
locks it; a writer waits :data:`BUSY_SECONDS` for another). Its size is
bounded: after a build's entries are written, the ones used least recently go
until the rest fits in the limit. An entry's last use is the later of the stamp
it was written with and the one a build read it with, the second kept in a table
of its own (see :meth:`EntryStore.lookup`).

A file that cannot be used is never an error: one note says so and the build
goes on without the cache. A file that is no database (any more) is deleted
with a note and made again by the next write.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger("geomap")

BUSY_SECONDS = 60.0  # another build writing the same file: wait for it this long
WRITE_BATCH = 5000  # entries written at a time, so a large corpus's entries are never all in memory
# ... or fewer when they are large: the geometry cache's blocks (a run of sources' shapes each, a megabyte or more)
# would otherwise all wait until the end of the stage
WRITE_BATCH_BYTES = 64 * 1024 * 1024
LOOKUP_BATCH = 500  # keys per query (SQLite's limit of bound parameters is 32766 at least, 999 in old builds)


class EntryStore:
    """The entries of the SQLite file ``path``, table ``table``; ``what`` names the cache in notes ("the article
    cache") and ``without`` says what the build does when it cannot be used ("reading every article")."""

    def __init__(self, path: Path, table: str, what: str, without: str, limit: int):
        self.path = path
        self.table = table
        self.what = what
        self.without = without
        self.limit = limit  # bytes
        self.usable = True
        self.pending: list[tuple[str, bytes]] = []
        self.pending_bytes = 0

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS)
        connection.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table} (key TEXT PRIMARY KEY, data BLOB NOT NULL, used INTEGER NOT NULL)"
        )
        # Every build asks for the largest stamp and the total size: without this index each is a scan of the
        # whole table (0.2 s apiece in a geometry cache of 38,000 shapes, 155 MB, growing with the corpus).
        connection.execute(f"CREATE INDEX IF NOT EXISTS {self.table}_used ON {self.table} (used, length(data))")
        # When each entry was last read: stamping the entries' own rows made SQLite read and rewrite every entry
        # found (0.8 s CPU, 3 s on the disk for the 38,000 shapes of 3,000 articles; 0.07 s and 0.3 s here).
        connection.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table}_read (key TEXT PRIMARY KEY, used INTEGER NOT NULL) WITHOUT ROWID"
        )
        connection.execute(f"CREATE INDEX IF NOT EXISTS {self.table}_read_used ON {self.table}_read (used)")
        return connection

    def unusable(self, exc: BaseException) -> None:
        """Give up on the file for this build, with one note."""
        if self.usable:
            self.usable = False
            log.warning("note: the %s %s cannot be used (%s); %s", self.what, self.path, exc, self.without)

    def lookup(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The entries found among ``keys`` (marked as used now)."""
        if not self.usable or not self.path.exists():
            return {}
        found: dict[str, bytes] = {}
        try:
            with self._connect() as connection:
                for start in range(0, len(keys), LOOKUP_BATCH):
                    batch = keys[start : start + LOOKUP_BATCH]
                    marks = ",".join("?" * len(batch))
                    found.update(
                        connection.execute(f"SELECT key, data FROM {self.table} WHERE key IN ({marks})", batch)
                    )
                stamp = self._stamp(connection)
                connection.executemany(
                    f"INSERT OR REPLACE INTO {self.table}_read (key, used) VALUES (?, ?)",
                    [(key, stamp) for key in found],
                )
            connection.close()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):  # locked too long, read-only, out of space...
                self.unusable(exc)
                return {}
            self._start_again(exc)  # not a database (any more): made again when this build's entries are written
            return {}
        except (sqlite3.Error, OSError) as exc:
            self.unusable(exc)
            return {}
        return found

    def _start_again(self, exc: Exception) -> None:
        log.warning(
            "note: the %s %s could not be read (%s); %s and starting it again", self.what, self.path, exc, self.without
        )
        try:
            self.path.unlink()
        except OSError as error:
            self.unusable(error)

    def _stamp(self, connection: sqlite3.Connection) -> int:
        """A number larger than every stamp an entry was written or read with: the order in which entries were
        last used."""
        written, read = (
            connection.execute(f"SELECT coalesce(max(used), 0) FROM {table}").fetchone()[0]
            for table in (self.table, f"{self.table}_read")
        )
        return int(max(written, read)) + 1

    def put(self, key: str, data: bytes) -> None:
        """Keep an entry: written by :meth:`flush`, or now when :data:`WRITE_BATCH` (or
        :data:`WRITE_BATCH_BYTES`) are waiting."""
        self.pending.append((key, data))
        self.pending_bytes += len(data)
        if len(self.pending) >= WRITE_BATCH or self.pending_bytes >= WRITE_BATCH_BYTES:
            self._write(trim=False)

    def flush(self) -> None:
        """Write the entries kept, then drop the least recently used ones beyond the size limit."""
        self._write(trim=True)

    def _write(self, trim: bool) -> None:
        pending, self.pending, self.pending_bytes = self.pending, [], 0
        if not self.usable or (not pending and not (trim and self.path.exists())):
            return
        try:
            with self._connect() as connection:
                stamp = self._stamp(connection)
                connection.executemany(
                    f"INSERT OR REPLACE INTO {self.table} (key, data, used) VALUES (?, ?, ?)",
                    [(key, data, stamp) for key, data in pending],
                )
                if trim:
                    self._trim(connection)
            connection.close()
        except (sqlite3.Error, OSError) as exc:
            self.unusable(exc)

    def _trim(self, connection: sqlite3.Connection) -> None:
        # Every stamp is positive: the condition only lets SQLite read the sizes from the index.
        total = connection.execute(
            f"SELECT coalesce(sum(length(data)), 0) FROM {self.table} WHERE used > 0"
        ).fetchone()[0]
        if total <= self.limit:
            return
        excess, doomed = total - self.limit, []
        read = f"(SELECT used FROM {self.table}_read WHERE key = entry.key)"  # None when never read
        last_used = f"max(entry.used, coalesce({read}, 0))"
        for key, size in connection.execute(
            f"SELECT entry.key, length(entry.data) FROM {self.table} AS entry ORDER BY {last_used}, entry.key"
        ):
            if excess <= 0:
                break
            doomed.append((key,))
            excess -= size
        connection.executemany(f"DELETE FROM {self.table} WHERE key = ?", doomed)
        connection.executemany(f"DELETE FROM {self.table}_read WHERE key = ?", doomed)
