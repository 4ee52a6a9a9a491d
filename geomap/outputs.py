"""Publishing a run's outputs into the output folder as one unit.

After any run, OUT holds exactly one run's complete outputs: the files a
previous run wrote and this one does not are gone, files geomap never wrote
stay, and a kill at any moment leaves either the previous run or the new one.

How (:func:`publish`):

1. A lock file beside OUT (``.<OUT>.geomap-lock``, flock-ed) makes a second
   run into the same OUT wait until the first is done; leftovers of a killed
   run (staging folders, an unfinished journal) are dealt with first.
2. The run writes everything into a staging folder beside OUT, on the same
   file system. ``.geomap-outputs.json`` in it lists every file the run wrote
   with its SHA-256: the next run reads it to tell geomap's files from the
   user's.
3. The user's files (everything in OUT not in the previous run's list) are
   hard-linked into the staging folder, which is now the complete new OUT;
   then one ``renameat2(RENAME_EXCHANGE)`` swaps the two folders and the old
   tree is deleted.
4. Where the swap cannot be used (OUT is the current folder, a shell inside it
   would be left in a deleted folder; OUT is a mount point or holds one; the
   parent folder is not writable; the file system has no exchange), the run
   writes a journal into OUT (the commit point), moves its files in one by one
   and deletes the stale ones. A kill in between leaves the journal, and the
   next run into OUT completes that publication before doing anything else.

Nothing is written through a symbolic link inside OUT: a link where geomap
writes a folder (``OUT/figures -> elsewhere``) is an error.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from geomap.errors import GeomapError

log = logging.getLogger("geomap")

MANIFEST_NAME = ".geomap-outputs.json"
JOURNAL_NAME = ".geomap-journal.json"
STAGING_MARK = "geomap-staging-"
INSIDE_LOCK_NAME = ".geomap-lock"
# Everything geomap keeps in OUT for itself (never a user's file, never listed as an output).
_INTERNAL_PREFIXES = (MANIFEST_NAME, JOURNAL_NAME, INSIDE_LOCK_NAME, "." + STAGING_MARK)
_MANIFEST_ABOUT = ("geomap's record of the files its last run wrote into this folder, with their SHA-256; "
                   "files not listed are not geomap's and are left alone")

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class _CannotExchange(Exception):
    """The swap is not possible here (see the module docstring); the journal is used instead."""


def output_folder(out_dir: str | os.PathLike[str]) -> Path:
    """OUT as an absolute path with symbolic links resolved (a link to a folder keeps pointing at it)."""
    if not str(out_dir).strip():
        raise GeomapError("the output folder is empty: give a folder name (e.g. -o outputs)")
    return Path(os.path.abspath(out_dir)).resolve()


def publish(out_dir: str | os.PathLike[str], write: Callable[[Path], None]) -> list[Path]:
    """Let ``write`` fill a staging folder, then make it OUT's content as one unit.

    Returns the paths of the files ``write`` wrote, under ``out_dir`` as given.
    Raises :class:`GeomapError` for a folder that cannot be written; whatever
    ``write`` raises leaves OUT as it was.
    """
    out = output_folder(out_dir)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GeomapError(f"cannot write to the output folder: {exc.strerror or exc}", str(out_dir)) from None
    if out.exists() and (not out.is_dir() or not os.access(out, os.W_OK)):
        reason = "not a folder" if not out.is_dir() else "Permission denied"
        raise GeomapError(f"cannot write to the output folder: {reason}", str(out_dir))
    beside = os.access(out.parent, os.W_OK)
    with folder_lock(lock_path(out), f"writing into {out}"):
        try:
            recover(out)
            staging = _make_staging(out, beside)
        except OSError as exc:
            raise GeomapError(f"cannot write to the output folder: {exc.strerror or exc}", str(out_dir)) from None
        try:
            write(staging)
            names = _staged_files(staging)
            previous = _previous_files(out)
            _check_targets(out, names)
            _write_manifest(staging, names)
            _swap_or_journal(out, staging, names, previous)
        except OSError as exc:
            raise GeomapError(f"cannot write outputs: {exc.strerror or exc}", str(out_dir)) from None
        finally:
            _remove_tree(staging)
    log.info("published %d files into %s", len(names), out)
    return [Path(out_dir) / name for name in names]


# -- the lock -------------------------------------------------------------------------------------------

def lock_path(out: Path) -> Path:
    """Beside OUT when its parent is writable (OUT itself is swapped), else inside it."""
    if os.access(out.parent, os.W_OK):
        return out.parent / f".{out.name}.geomap-lock"
    return out / INSIDE_LOCK_NAME


@contextlib.contextmanager
def folder_lock(path: Path, doing: str) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path`` (created, and removed on release); wait if another process has it.

    A waiting process can end up holding a lock file that the holder has just
    removed; it then sees that the file at ``path`` is no longer the one it
    locked, and tries again.
    """
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.warning("waiting for another geomap run %s to finish (lock %s)", doing, path)
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            try:
                same = os.stat(path).st_ino == os.fstat(descriptor).st_ino
            except FileNotFoundError:
                same = False
        except BaseException:
            os.close(descriptor)
            raise
        if same:
            break
        os.close(descriptor)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        os.close(descriptor)


# -- what a run leaves behind ---------------------------------------------------------------------------

def recover(out_dir: str | os.PathLike[str]) -> None:
    """Complete a publication a kill interrupted, and delete staging folders killed runs left.

    The caller holds the lock (:func:`publish` calls this first).
    """
    out = Path(out_dir)
    journal = out / JOURNAL_NAME
    if journal.is_file():
        log.warning("completing the outputs of an interrupted run in %s", out)
        _roll_forward(out, json.loads(journal.read_text(encoding="utf-8")))
    leftovers = list(out.parent.glob(f".{glob_escape(out.name)}.{STAGING_MARK}*")) if out.parent != out else []
    if out.is_dir():
        leftovers += out.glob(f".{STAGING_MARK}*")
    for leftover in leftovers:
        if leftover.is_dir() and not leftover.is_symlink():
            _remove_tree(leftover)


def glob_escape(name: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in name)


def _make_staging(out: Path, beside: bool) -> Path:
    if beside:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.{STAGING_MARK}", dir=out.parent))
    else:
        staging = Path(tempfile.mkdtemp(prefix=f".{STAGING_MARK}", dir=out))
    os.chmod(staging, stat.S_IMODE(os.stat(out).st_mode) if out.is_dir() else 0o777 & ~_umask())
    return staging


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# -- the run's files ------------------------------------------------------------------------------------

def _staged_files(staging: Path) -> list[str]:
    names = []
    for folder, _, files in os.walk(staging):
        for name in files:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                os.chmod(path, 0o644)
                names.append(path.relative_to(staging).as_posix())
    return sorted(names)


def _is_internal(name: str) -> bool:
    return "/" not in name and name.startswith(_INTERNAL_PREFIXES)


def _write_manifest(staging: Path, names: list[str]) -> None:
    files = {}
    for name in names:
        digest = hashlib.sha256()
        with open(staging / name, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        files[name] = digest.hexdigest()
    text = json.dumps({"about": _MANIFEST_ABOUT, "files": files}, indent=1, ensure_ascii=False) + "\n"
    (staging / MANIFEST_NAME).write_text(text, encoding="utf-8")
    os.chmod(staging / MANIFEST_NAME, 0o644)


def read_manifest(out_dir: str | os.PathLike[str]) -> dict[str, str]:
    """``{file: sha256}`` of the run whose outputs OUT holds (empty when there is no record)."""
    try:
        record = json.loads((Path(out_dir) / MANIFEST_NAME).read_text(encoding="utf-8"))
        files = record.get("files", {}) if isinstance(record, dict) else {}
    except (OSError, ValueError):
        return {}
    if not isinstance(files, dict):
        return {}
    return {str(name): str(digest) for name, digest in files.items() if not _unsafe(str(name))}


def _previous_files(out: Path) -> set[str]:
    return set(read_manifest(out)) if out.is_dir() else set()


def _unsafe(name: str) -> bool:
    """A listed name that would leave OUT (a record edited by hand must not delete other files)."""
    parts = Path(name).parts
    return not parts or Path(name).is_absolute() or ".." in parts


def _check_targets(out: Path, names: list[str]) -> None:
    """Refuse to put a file under a link or a file, or in place of a folder, inside OUT."""
    for name in names:
        path = out
        parts = Path(name).parts
        for depth, part in enumerate(parts):
            path = path / part
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                break
            last = depth == len(parts) - 1
            if stat.S_ISLNK(mode) and not last:
                raise GeomapError("is a symbolic link: geomap writes its files into a folder there and does not "
                                  "write through links (remove the link or choose another output folder)", str(path))
            if stat.S_ISDIR(mode) and last:
                raise GeomapError(f"is a folder, where geomap writes its file {name}", str(path))
            if not stat.S_ISDIR(mode) and not last:
                raise GeomapError(f"is a file, where geomap writes a folder for {name}", str(path))


# -- swapping folders -----------------------------------------------------------------------------------

def _swap_or_journal(out: Path, staging: Path, names: list[str], previous: set[str]) -> None:
    if not out.exists():
        with signals_deferred():
            os.rename(staging, out)
        return
    try:
        _check_exchangeable(out, staging)
        _carry_over(out, staging, previous | set(names))
        with signals_deferred():
            exchange(staging, out)
            _carry_back(staging, out, previous | set(names))  # staging now holds the previous tree
            _remove_tree(staging)
    except _CannotExchange as reason:
        log.info("moving the outputs into %s one by one (%s)", out, reason)
        _publish_by_journal(out, staging, names, previous)


def _check_exchangeable(out: Path, staging: Path) -> None:
    if staging.parent != out.parent:
        raise _CannotExchange("the folder above it is not writable")
    with contextlib.suppress(OSError):
        here = Path.cwd().resolve()
        if here == out or out in here.parents:
            raise _CannotExchange("it is the current folder, which a shell may be in")
    if os.path.ismount(out):
        raise _CannotExchange("it is a mount point")


def _user_entries(tree: Path, geomaps: set[str]) -> Iterator[tuple[str, Path, os.stat_result]]:
    """``(name inside tree, path, lstat)`` of every entry of ``tree`` geomap did not write.

    Files, links (to folders too: the link itself) and other non-folders, and
    empty folders; folders with content are walked into, not listed.
    """
    for folder, folders, files in os.walk(tree):
        here = Path(folder)
        relative = here.relative_to(tree)
        if not folders and not files and relative.parts:
            yield relative.as_posix(), here, os.lstat(here)  # the user's empty folder
        for name in sorted(folders + files):
            path, name_in_tree = here / name, (relative / name).as_posix()
            if not relative.parts and _is_internal(name):
                if name in folders:
                    folders.remove(name)
                continue
            info = os.lstat(path)
            if stat.S_ISDIR(info.st_mode):
                continue  # walked into next
            if name in folders:
                folders.remove(name)
            if name_in_tree not in geomaps:
                yield name_in_tree, path, info


def _carry_over(out: Path, staging: Path, geomaps: set[str]) -> None:
    """Hard-link every entry of OUT that geomap did not write into ``staging`` (folders recreated)."""
    device = os.lstat(out).st_dev
    for name, path, info in _user_entries(out, geomaps):
        if info.st_dev != device or os.path.ismount(path):
            raise _CannotExchange(f"{path} is on another file system")
        _folder_like(path.parent, (staging / name).parent)
        if stat.S_ISDIR(info.st_mode):
            _folder_like(path, staging / name)
            continue
        try:
            os.link(path, staging / name, follow_symlinks=False)
        except OSError as exc:
            raise _CannotExchange(f"{path} cannot be linked ({exc.strerror})") from None


def _carry_back(old: Path, out: Path, geomaps: set[str]) -> None:
    """Move into the new OUT what the user added or replaced in the old one after it was linked over."""
    for name, path, info in _user_entries(old, geomaps):
        try:
            current = os.lstat(out / name)
        except FileNotFoundError:
            current = None
        if current is not None and (current.st_ino, current.st_dev) == (info.st_ino, info.st_dev):
            continue
        if stat.S_ISDIR(info.st_mode):
            (out / name).mkdir(parents=True, exist_ok=True)
            continue
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, out / name)


def _folder_like(original: Path, copy: Path) -> None:
    """Create ``copy`` (and its parents) with the permissions of ``original``, once."""
    if copy.is_dir():
        return
    copy.mkdir(parents=True, exist_ok=True)
    os.chmod(copy, stat.S_IMODE(os.stat(original).st_mode))


def exchange(first: Path, second: Path) -> None:
    """Swap two folders in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``)."""
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is None:
        raise _CannotExchange("the C library has no renameat2")
    if function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
            raise _CannotExchange(f"the file system cannot swap folders ({os.strerror(code)})")
        raise OSError(code, os.strerror(code), str(second))


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while a step that must not be cut in two runs; they arrive after it."""
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    except (AttributeError, ValueError):  # no pthread_sigmask here
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


# -- the journal ------------------------------------------------------------------------------------------

def _publish_by_journal(out: Path, staging: Path, names: list[str], previous: set[str]) -> None:
    journal = {"staging": os.path.relpath(staging, out), "files": names + [MANIFEST_NAME],
               "stale": sorted(previous - set(names))}
    # Written in the staging folder and moved into OUT: the move is the commit, and a kill before it
    # leaves nothing in OUT.
    (staging / JOURNAL_NAME).write_text(json.dumps(journal, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(staging / JOURNAL_NAME, out / JOURNAL_NAME)
    _roll_forward(out, journal)


def _roll_forward(out: Path, journal: dict) -> None:
    """Apply a journal: move the staged files in, delete the stale ones, then drop the journal.

    Every step can be repeated, so a run killed halfway is completed by the next.
    """
    staging = Path(os.path.normpath(out / str(journal.get("staging", ""))))
    if STAGING_MARK not in staging.name or staging.parent not in (out, out.parent):
        raise GeomapError("unreadable journal of an interrupted run; delete it to continue", str(out / JOURNAL_NAME))
    names = [str(name) for name in journal.get("files", []) if not _unsafe(str(name))]
    _check_targets(out, [name for name in names if os.path.lexists(staging / name)])
    for name in names:
        if os.path.lexists(staging / name):
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, out / name)
    for name in journal.get("stale", []):
        if not _unsafe(str(name)) and _under_real_folders(out, str(name)):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(out / name)
            _remove_empty_parents(out, out / name)
    os.unlink(out / JOURNAL_NAME)
    _remove_tree(staging)


def _under_real_folders(out: Path, name: str) -> bool:
    """Whether every folder on the way to ``name`` inside OUT is a real folder (not a link to elsewhere)."""
    path = out
    for part in Path(name).parts[:-1]:
        path = path / part
        try:
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                return False
        except FileNotFoundError:
            return False
    return True


def _remove_empty_parents(out: Path, path: Path) -> None:
    for folder in path.parents:
        if folder == out or out not in folder.parents:
            return
        try:
            folder.rmdir()
        except OSError:
            return


__all__ = ["MANIFEST_NAME", "exchange", "folder_lock", "lock_path", "output_folder", "publish", "read_manifest",
           "recover", "signals_deferred"]
