"""The caches' SQLite store writes kept entries in batches, bounded by count and by size, so that a large corpus's
entries (the geometry cache's blocks are a megabyte or more each) are never all held in memory until the end."""

from __future__ import annotations

from geomap import entry_store
from geomap.entry_store import EntryStore


def test_large_entries_are_written_once_their_bytes_reach_the_batch_size(tmp_path, monkeypatch):
    monkeypatch.setattr(entry_store, "WRITE_BATCH_BYTES", 2500)
    store = EntryStore(tmp_path / "cache.sqlite", "entries", "the test cache", "nothing", 10**9)
    store.put("a", b"x" * 1000)
    store.put("b", b"y" * 1000)
    assert len(store.pending) == 2, "below the batch size: kept"
    store.put("c", b"z" * 1000)
    assert store.pending == [] and store.pending_bytes == 0, "the batch size reached: written"
    reader = EntryStore(tmp_path / "cache.sqlite", "entries", "the test cache", "nothing", 10**9)
    assert reader.lookup(["a", "b", "c"]) == {"a": b"x" * 1000, "b": b"y" * 1000, "c": b"z" * 1000}
