"""Reading sources: text/Markdown/HTML files, folders, stdin, JSON Lines corpora, sources.toml.

A folder is read in sorted order: its ``*.txt``, ``*.md``, ``*.html``/``*.htm``
files and ``*.jsonl`` corpora; a ``sources.toml`` inside it is its manifest
(titles, outlets, dates). A source's id is its file name without extension, or
the ``id`` field of a JSON Lines record.

Text is decoded as UTF-8; invalid bytes are replaced (U+FFFD) and the source
carries a warning saying so. A saved news page (HTML) is reduced to its
article's text (see :mod:`geomap.webpage`); offsets of mentions and claims in
it are offsets into that text, which the source record keeps as ``text``. The
page's own title, site name, address and date fill what the manifest leaves out.

Only regular files are read, and at most ``max_bytes`` of each (a FIFO would
wait for ever, ``/dev/zero`` never ends); standard input is bounded the same
way. A manifest's files, and the files of a folder, must lie inside that
folder unless ``allow_outside`` is given: a manifest someone else wrote must
not put ``/etc/passwd`` on a map.

Problems are collected, not raised: each :class:`SourceProblem` names the file
(or manifest entry and field) and the reason, and the other sources are still
read.
"""

from __future__ import annotations

import io
import json
import os
import stat
import sys
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, Literal, overload

from geomap.dates import given_date
from geomap.records import Source

TEXT_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
CORPUS_SUFFIXES = {".jsonl", ".ndjson"}
MANIFEST_NAME = "sources.toml"
BINARY_SNIFF = 8192
# Larger sources are refused with a message rather than read: a 50 MB single "article" is
# almost always a mistake (a dump, a binary), and would take a minute to parse.
DEFAULT_MAX_BYTES = 20_000_000
# Metadata is shown in every popup, panel and table: longer values are cut, with a warning.
METADATA_MAX_CHARS = {"title": 300, "outlet": 120, "url": 2000, "rationale": 1000, "home": 300}


@dataclass
class SourceProblem:
    """One input that could not be read (or read only in part)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class SourceSet:
    sources: list[Source] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)


def printable_path(path: str | Path) -> str:
    """``path`` for messages: bytes of a name that are not UTF-8 shown as ``\\xff``, not as surrogates."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def html_to_text(markup: str) -> str:
    """The article text of a saved news page (see :func:`geomap.webpage.read_page`)."""
    from geomap.webpage import read_page

    return read_page(markup).text


# -- bytes ------------------------------------------------------------------------------------------

_FILE_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device",
               stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def open_regular_file(path: Path) -> BinaryIO:
    """``path`` opened for reading in binary; ValueError when it is not a regular file.

    Opened without waiting (O_NONBLOCK): opening a FIFO otherwise waits for a writer, for ever
    if none comes. The check is made on the opened file, so a file swapped after a look at its
    name is caught too.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        kind = _FILE_KINDS.get(stat.S_IFMT(mode), "not a regular file")
        raise ValueError(f"{kind}, not a file; geomap reads files ('-' reads standard input)")
    return os.fdopen(descriptor, "rb")


def _too_large(what: str, size: int | None, max_bytes: int) -> str:
    measured = f"{size / 1e6:.1f} MB, " if size is not None else ""
    return (f"{what} is {measured}more than the {max_bytes / 1e6:g} MB limit for one article "
            "(split it, or raise the limit with --max-mb)")


def read_bounded(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "file") -> bytes:
    """The bytes of the regular file ``path``; ValueError when it is not one or holds more than ``max_bytes``."""
    with open_regular_file(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise ValueError(_too_large(what, size, max_bytes))
        # st_size is where the file ended when asked; it may have grown since: the read is bounded too.
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(_too_large(what, None, max_bytes))
    return data


def decode_bytes(data: bytes, path: str) -> tuple[str, list[str]]:
    """UTF-8 text (BOM dropped) and warnings; raises ValueError for binary data."""
    if b"\x00" in data[:BINARY_SNIFF]:
        raise ValueError("binary data (NUL bytes), not text")
    warnings = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8-sig", errors="replace")
        warnings.append(f"invalid UTF-8 (first at byte {exc.start}); decoded with replacement characters")
    return text, warnings


def read_text_file(path: Path, source_id: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """One article file as a Source (raises OSError/ValueError for unreadable ones).

    A saved page (``.html``) gives its article's text and, as far as its markup says, its
    title, site name (the outlet), canonical address and publication date.
    """
    fmt = TEXT_SUFFIXES.get(path.suffix.lower(), "text")
    text, warnings = decode_bytes(read_bounded(path, max_bytes), str(path))
    source = Source(id=source_id or path.stem, text=text, path=str(path), format=fmt, warnings=warnings)
    if fmt == "html":
        from geomap.webpage import read_page

        page = read_page(text)
        source.text, source.title, source.url, source.published = page.text, page.title, page.url, page.published
        source.outlet = page.site_name or source.outlet
        if text.strip() and not page.text:
            warnings.append("no article text found in the page")
            return source
    if not source.text.strip():
        warnings.append("empty file: no text")
    return source


def read_stdin(stream: BinaryIO | None, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Standard input as one article (id ``stdin``), held to the same limits as a file."""
    if stream is None:
        raise ValueError("no standard input to read")
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(_too_large("standard input", None, max_bytes))
    text, warnings = decode_bytes(data, "<stdin>")
    return Source(id="stdin", text=text, path="<stdin>", warnings=warnings)


# -- values -----------------------------------------------------------------------------------------

def _shown(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_name(value) -> str:
    names = {str: "a string", bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a table",
             datetime: "a date and time", date: "a date"}
    return next((name for kind, name in names.items() if isinstance(value, kind)), type(value).__name__)


@overload
def text_field(record: dict, name: str, required: Literal[True]) -> str: ...
@overload
def text_field(record: dict, name: str, required: bool = False) -> str | None: ...
def text_field(record: dict, name: str, required: bool = False) -> str | None:
    """The string ``record[name]`` (None when absent); ValueError for another type, a NUL or a lone surrogate."""
    value = record.get(name)
    if value is None:
        if required:
            raise ValueError(f"field {name!r} is missing")
        return None
    if not isinstance(value, str):
        raise ValueError(f"field {name!r} is {_type_name(value)} ({_shown(value)}), not a string")
    if "\x00" in value:
        raise ValueError(f"field {name!r} holds a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # JSON's "\ud800": a half of a pair, not a character
        raise ValueError(f"field {name!r} holds a lone surrogate (\\u{ord(value[exc.start]):04x} at character "
                         f"{exc.start}), which is not text") from None
    return value


def _flag_field(record: dict, name: str) -> bool:
    value = record.get(name, False)
    if not isinstance(value, bool):
        raise ValueError(f"field {name!r} is {_type_name(value)} ({_shown(value)}), not true or false")
    return value


def _id_field(record: dict) -> str:
    value = record.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    value = text_field({"id": value}, "id", required=True).strip()
    if not value:
        raise ValueError("field 'id' is empty")
    return value


def _apply_metadata(source: Source, record: dict) -> None:
    """Title, outlet, url, date and rationale from a manifest entry or corpus record, over what the file said."""
    published = given_date(record.get("published"), "field 'published'")
    title, outlet, url, home = (text_field(record, name) for name in ("title", "outlet", "url", "home"))
    rationale = text_field(record, "rationale")
    estimated = _flag_field(record, "published_estimated")
    if published is not None:
        source.published, source.published_estimated, source.published_rationale = published, estimated, rationale
    source.title = title or source.title
    source.outlet = outlet or source.outlet or "unknown"
    source.url = url or source.url
    source.home = home or source.home  # the outlet's home place, which local news leave unnamed


def cap_metadata(source: Source) -> None:
    """Cut metadata longer than METADATA_MAX_CHARS, with a warning (a 10 MB title would be copied into every popup)."""
    for name, limit in METADATA_MAX_CHARS.items():
        attribute = "published_rationale" if name == "rationale" else name
        value = getattr(source, attribute)
        if isinstance(value, str) and len(value) > limit:
            setattr(source, attribute, value[: limit - 1] + "…")
            source.warnings.append(f"{name} is {len(value):,} characters long; kept the first {limit - 1}")


# -- corpora and manifests --------------------------------------------------------------------------

def read_corpus(path: Path, result: SourceSet, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """A JSON Lines corpus: one article a line with at least ``id`` and ``text``."""
    seen: set[str] = set()
    try:
        handle = open_regular_file(path)
    except (OSError, ValueError) as exc:
        result.problems.append(SourceProblem(printable_path(path), _reason(exc)))
        return
    with handle:
        number = 0
        while raw := handle.readline(max_bytes + 1):
            number += 1
            where = f"{printable_path(path)}:{number}"
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                result.problems.append(SourceProblem(where, _too_large("line", None, max_bytes)))
                while raw and not raw.endswith(b"\n"):  # the rest of the line, in bounded pieces
                    raw = handle.readline(max_bytes + 1)
                continue
            if not raw.strip():
                continue
            try:
                source = _corpus_record(raw, where, seen)
            except ValueError as exc:  # json.JSONDecodeError is a ValueError
                result.problems.append(SourceProblem(where, str(exc)))
                continue
            result.sources.append(source)


def _corpus_record(raw: bytes, where: str, seen: set[str]) -> Source:
    line, warnings = decode_bytes(raw, where)
    record = json.loads(line)
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    source_id = _id_field(record)
    text = text_field(record, "text", required=True)
    if source_id in seen:
        raise ValueError(f"duplicate id {source_id!r}")
    source = Source(id=source_id, text=text, path=where, format="jsonl", warnings=warnings)
    _apply_metadata(source, record)
    seen.add(source_id)
    return source


def read_manifest(path: Path, result: SourceSet, max_bytes: int = DEFAULT_MAX_BYTES,
                  allow_outside: bool = False) -> list[Source]:
    """Sources listed in a sources.toml (see README: "Sources manifest")."""
    return _read_manifest(path, result, max_bytes, allow_outside)[0]


def _read_manifest(path: Path, result: SourceSet, max_bytes: int,
                   allow_outside: bool) -> tuple[list[Source], set[Path]]:
    """The manifest's sources, and the files it lists (read or not: a folder does not read them again)."""
    try:
        manifest = tomllib.loads(read_bounded(path, max_bytes, "manifest").decode("utf-8"))
    except (OSError, ValueError) as exc:  # TOMLDecodeError and UnicodeDecodeError are ValueErrors
        result.problems.append(SourceProblem(printable_path(path), f"unreadable manifest: {_reason(exc)}"))
        return [], set()
    entries = manifest.get("source", [])
    if not isinstance(entries, list):
        result.problems.append(SourceProblem(printable_path(path), "expected [[source]] tables"))
        return [], set()
    sources, listed = [], set()
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        label = f"{printable_path(path)} [[source]] #{number}"
        try:
            if not isinstance(entry, dict):
                raise ValueError(f"is {_type_name(entry)} ({_shown(entry)}), not a [[source]] table")
            source_id = _id_field(entry)
            label = f"{printable_path(path)} [[source]] id={source_id!r}"
            if source_id in seen:
                raise ValueError("field 'id' repeats an earlier entry")
            seen.add(source_id)
            file_name = text_field(entry, "file", required=True)
            file_path = path.parent / file_name
            listed.add(file_path.resolve())
            given_date(entry.get("published"), "field 'published'")  # a bad date is reported before the file is read
            _check_inside(file_path, path.parent, allow_outside, f"field 'file': {file_name!r}")
            if not file_path.is_file():
                raise ValueError(f"field 'file': {file_name!r} does not exist")
            source = read_text_file(file_path.resolve(), source_id, max_bytes)
            source.path = file_name  # as the manifest gives it: outputs name no folder of this machine
            _apply_metadata(source, entry)
        except (ValueError, OSError, RuntimeError) as exc:  # RuntimeError: a loop of symbolic links
            result.problems.append(SourceProblem(label, _reason(exc)))
            continue
        sources.append(source)
    return sources, listed


def _check_inside(path: Path, folder: Path, allow_outside: bool, what: str) -> None:
    """ValueError when ``path`` (symbolic links followed) is outside ``folder`` and that was not allowed."""
    if allow_outside:
        return
    resolved, home = path.resolve(), folder.resolve()
    if not resolved.is_relative_to(home):
        raise ValueError(f"{what} leads to {printable_path(resolved)}, outside the folder {printable_path(home)}; "
                         "geomap reads only files inside it unless given --allow-outside")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    return str(exc)


# -- paths ------------------------------------------------------------------------------------------

def read_sources(paths: list[str | Path], stdin_text: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                 allow_outside: bool = False, stdin: BinaryIO | None = None) -> SourceSet:
    """Read every source named by ``paths`` (files, folders, ``-`` for stdin, manifests, corpora).

    Sources larger than ``max_bytes`` are refused (one problem each). ``-`` reads
    ``stdin_text`` when given, else the bytes of ``stdin`` (default: the process's
    standard input). Files a manifest or folder leads to outside its folder are
    refused unless ``allow_outside``.
    """
    result = SourceSet()
    for raw in paths:
        if str(raw) == "-":
            _read_stdin(result, stdin_text, stdin, max_bytes)
            continue
        path = Path(raw)
        if not _utf8_name(path, result):
            continue
        if path.is_dir():
            _read_folder(path, result, max_bytes, allow_outside)
        elif path.name == MANIFEST_NAME or path.suffix.lower() == ".toml":
            result.sources.extend(read_manifest(path, result, max_bytes, allow_outside))
        elif path.suffix.lower() in CORPUS_SUFFIXES:
            read_corpus(path, result, max_bytes)
        elif path.exists():
            _read_one(path, result, max_bytes=max_bytes)
        else:
            result.problems.append(SourceProblem(printable_path(path), "no such file or folder"))
    _check_unique(result)
    for source in result.sources:
        cap_metadata(source)
    return result


def _read_stdin(result: SourceSet, stdin_text: str | None, stdin: BinaryIO | None, max_bytes: int) -> None:
    if stdin_text is not None:
        stdin = io.BytesIO(stdin_text.encode("utf-8", "surrogateescape"))
    elif stdin is None:
        stdin = sys.stdin.buffer if sys.stdin is not None else None
    try:
        result.sources.append(read_stdin(stdin, max_bytes))
    except (OSError, ValueError) as exc:
        result.problems.append(SourceProblem("<stdin>", _reason(exc)))


def _utf8_name(path: Path, result: SourceSet) -> bool:
    """Whether ``path`` is valid UTF-8 (else reported): its name becomes a source id, written in UTF-8 files."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        result.problems.append(SourceProblem(printable_path(path), "the name is not valid UTF-8; rename the file"))
        return False
    return True


def _read_one(path: Path, result: SourceSet, source_id: str | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    try:
        result.sources.append(read_text_file(path, source_id, max_bytes))
    except FileNotFoundError:
        result.problems.append(SourceProblem(str(path), "file disappeared before it could be read"))
    except (OSError, ValueError) as exc:
        result.problems.append(SourceProblem(printable_path(path), _reason(exc)))


def _read_folder(folder: Path, result: SourceSet, max_bytes: int = DEFAULT_MAX_BYTES,
                 allow_outside: bool = False) -> None:
    before = (len(result.sources), len(result.problems))
    manifest = folder / MANIFEST_NAME
    listed: set[Path] = set()
    if manifest.is_file():
        sources, listed = _read_manifest(manifest, result, max_bytes, allow_outside)
        result.sources.extend(sources)
    # What is a file is decided when the folder is listed: a file that vanishes before it is
    # read is then reported, not silently passed over.
    with os.scandir(folder) as listing:
        entries = sorted((entry.name, entry.is_file()) for entry in listing)
    for name, is_file in entries:
        path = folder / name
        if name.startswith(".") or not is_file or path.resolve() in listed:
            continue
        suffix = path.suffix.lower()
        if suffix not in TEXT_SUFFIXES and suffix not in CORPUS_SUFFIXES:
            continue
        if path.name.lower() == "readme.md":
            continue  # a folder's README describes the folder, it is not an article
        if not _utf8_name(path, result):
            continue
        try:
            _check_inside(path, folder, allow_outside, "this symbolic link")
        except ValueError as exc:
            result.problems.append(SourceProblem(printable_path(path), str(exc)))
            continue
        if suffix in TEXT_SUFFIXES:
            _read_one(path, result, max_bytes=max_bytes)
        else:
            read_corpus(path, result, max_bytes)
    if (len(result.sources), len(result.problems)) == before:
        result.problems.append(SourceProblem(printable_path(folder), "no articles found (.txt, .md, .html, .jsonl)"))


def _check_unique(result: SourceSet) -> None:
    """Two sources with one id would mix their mentions and claims: keep the first, report the rest."""
    seen: dict[str, str] = {}
    unique = []
    for source in result.sources:
        if source.id in seen:
            result.problems.append(SourceProblem(source.path or source.id,
                                                 f"id {source.id!r} already used by {seen[source.id]}; skipped"))
            continue
        seen[source.id] = source.path or source.id
        unique.append(source)
    result.sources = unique
