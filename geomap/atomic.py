"""Atomic, deterministic file writing.

Every file geomap writes goes to a temporary file in a private folder in the
target's own folder and is moved over the target with ``os.replace`` only once it is complete, so a
failed run never leaves a half-written file and never loses the previous one.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a path to write ``target``'s content to; on success move it over ``target``.

    The path is ``target``'s own name in a private folder next to it, so a writer that insists on
    creating the file itself (GDAL) or on its extension (``.gpkg``) can use it, and the move is one
    rename on the same file system.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        tmp = staging / target.name
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text(target: str | os.PathLike[str], text: str) -> None:
    write_bytes(target, text.encode("utf-8"))


def gzip_bytes(data: bytes) -> bytes:
    """Gzip with no file name and a zero timestamp, so equal data gives equal bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buffer.getvalue()
