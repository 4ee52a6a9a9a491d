"""Reading sources: text/Markdown/HTML files, folders, stdin, JSON Lines corpora, sources.toml.

A folder is read in sorted order: its ``*.txt``, ``*.md``, ``*.html``/``*.htm``
files and ``*.jsonl`` corpora; a ``sources.toml`` inside it is its manifest
(titles, outlets, dates). A source's id is its file name without extension, or
the ``id`` field of a JSON Lines record.

Text is decoded as UTF-8; invalid bytes are replaced (U+FFFD) and the source
carries a warning saying so. HTML is reduced to its text (scripts and styles
dropped, entities decoded, block elements on their own lines); offsets of
mentions and claims in an HTML source are offsets into that text, which the
source record keeps as ``text``.

Problems are collected, not raised: each :class:`SourceProblem` names the file
(or manifest entry and field) and the reason, and the other sources are still
read.
"""

from __future__ import annotations

import html
import html.parser
import json
import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from geomap.records import Source

TEXT_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
CORPUS_SUFFIXES = {".jsonl", ".ndjson"}
MANIFEST_NAME = "sources.toml"
BINARY_SNIFF = 8192
# Larger sources are refused with a message rather than read: a 50 MB single "article" is
# almost always a mistake (a dump, a binary), and would take a minute to parse.
DEFAULT_MAX_BYTES = 20_000_000


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


class _TextExtractor(html.parser.HTMLParser):
    """Collect the visible text of an HTML document."""

    BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
             "section", "article", "header", "footer", "blockquote", "pre", "title", "figcaption"}
    HIDDEN = {"script", "style", "noscript", "template", "head"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN and tag != "head":
            self.hidden_depth += 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and tag != "head" and self.hidden_depth:
            self.hidden_depth -= 1
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The visible text of an HTML page, one block a line."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n[ \n]*", "\n", text)
    return html.unescape(text).strip()


def decode_bytes(data: bytes, path: str) -> tuple[str, list[str]]:
    """UTF-8 text (BOM dropped) and warnings; raises ValueError for binary data."""
    if b"\x00" in data[:BINARY_SNIFF]:
        raise ValueError("binary file (NUL bytes), not text")
    warnings = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8-sig", errors="replace")
        warnings.append(f"invalid UTF-8 (first at byte {exc.start}); decoded with replacement characters")
    return text, warnings


def read_text_file(path: Path, source_id: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """One article file as a Source (raises OSError/ValueError for unreadable ones)."""
    fmt = TEXT_SUFFIXES.get(path.suffix.lower(), "text")
    size = path.stat().st_size
    if size > max_bytes:
        raise ValueError(f"file is {size / 1e6:.1f} MB, more than the {max_bytes / 1e6:g} MB limit for one "
                         "article (split it, or raise the limit with --max-mb)")
    text, warnings = decode_bytes(path.read_bytes(), str(path))
    if fmt == "html":
        text = html_to_text(text)
    if not text.strip():
        warnings.append("empty file: no text")
    return Source(id=source_id or path.stem, text=text, path=str(path), format=fmt, warnings=warnings)


def parse_date(value, where: str) -> date | None:
    """An ISO date (YYYY-MM-DD), a TOML date, or None; anything else is an error, never a guess."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{where}: {value!r} is not a date (use YYYY-MM-DD)")


def read_corpus(path: Path, result: SourceSet, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """A JSON Lines corpus: one article a line with at least ``id`` and ``text``."""
    seen: set[str] = set()
    try:
        handle = open(path, "rb")
    except OSError as exc:
        result.problems.append(SourceProblem(str(path), f"cannot read: {exc.strerror or exc}"))
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            where = f"{path}:{number}"
            if not raw.strip():
                continue
            try:
                if len(raw) > max_bytes:
                    raise ValueError(f"line is {len(raw) / 1e6:.1f} MB, more than the {max_bytes / 1e6:g} MB "
                                     "limit for one article")
                line, warnings = decode_bytes(raw, where)
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise ValueError("not a JSON object")
                source_id = record.get("id")
                if not isinstance(source_id, (str, int)) or str(source_id).strip() == "":
                    raise ValueError("missing 'id'")
                source_id = str(source_id)
                if not isinstance(record.get("text"), str):
                    raise ValueError("missing 'text' (a string)")
                if source_id in seen:
                    raise ValueError(f"duplicate id {source_id!r}")
                published = parse_date(record.get("published"), "published")
            except (ValueError, json.JSONDecodeError) as exc:
                result.problems.append(SourceProblem(where, str(exc)))
                continue
            seen.add(source_id)
            result.sources.append(Source(
                id=source_id, text=record["text"], published=published,
                published_estimated=bool(record.get("published_estimated", False)),
                published_rationale=record.get("rationale"), outlet=str(record.get("outlet") or "unknown"),
                url=record.get("url"), title=record.get("title"), home=record.get("home") or None, path=where,
                format="jsonl", warnings=warnings,
            ))


def read_manifest(path: Path, result: SourceSet, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Source]:
    """Sources listed in a sources.toml (see README: "Sources manifest")."""
    try:
        manifest = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        result.problems.append(SourceProblem(str(path), f"unreadable manifest: {exc}"))
        return []
    entries = manifest.get("source", [])
    if not isinstance(entries, list):
        result.problems.append(SourceProblem(str(path), "expected [[source]] tables"))
        return []
    sources = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        label = f"{path} [[source]] #{number}"
        try:
            source_id = str(entry.get("id") or "").strip()
            if not source_id:
                raise ValueError("field 'id' is missing")
            label = f"{path} [[source]] id={source_id!r}"
            if source_id in seen:
                raise ValueError("field 'id' repeats an earlier entry")
            seen.add(source_id)
            file_name = entry.get("file")
            if not file_name:
                raise ValueError("field 'file' is missing")
            published = parse_date(entry.get("published"), "field 'published'")
            file_path = (path.parent / file_name).resolve()
            if not file_path.is_file():
                raise ValueError(f"field 'file': {file_name!r} does not exist")
            source = read_text_file(file_path, source_id, max_bytes)
        except (ValueError, OSError) as exc:
            result.problems.append(SourceProblem(label, str(exc)))
            continue
        source.published = published
        source.published_estimated = bool(entry.get("published_estimated", False))
        source.published_rationale = entry.get("rationale")
        source.outlet = str(entry.get("outlet") or "unknown")
        source.url = entry.get("url")
        source.title = entry.get("title")
        source.home = entry.get("home") or None
        sources.append(source)
    return sources


def read_sources(paths: list[str | Path], stdin_text: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> SourceSet:
    """Read every source named by ``paths`` (files, folders, ``-`` for stdin, manifests, corpora).

    Sources larger than ``max_bytes`` are refused (one problem each).
    """
    result = SourceSet()
    for raw in paths:
        if str(raw) == "-":
            text = stdin_text if stdin_text is not None else sys.stdin.read()
            result.sources.append(Source(id="stdin", text=text, path="<stdin>"))
            continue
        path = Path(raw)
        if path.is_dir():
            _read_folder(path, result, max_bytes)
        elif path.name == MANIFEST_NAME or path.suffix.lower() == ".toml":
            result.sources.extend(read_manifest(path, result, max_bytes))
        elif path.suffix.lower() in CORPUS_SUFFIXES:
            read_corpus(path, result, max_bytes)
        elif path.exists():
            _read_one(path, result, max_bytes=max_bytes)
        else:
            result.problems.append(SourceProblem(str(path), "no such file or folder"))
    _check_unique(result)
    return result


def _read_one(path: Path, result: SourceSet, source_id: str | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    try:
        result.sources.append(read_text_file(path, source_id, max_bytes))
    except FileNotFoundError:
        result.problems.append(SourceProblem(str(path), "file disappeared before it could be read"))
    except OSError as exc:
        result.problems.append(SourceProblem(str(path), f"cannot read: {exc.strerror or exc}"))
    except ValueError as exc:
        result.problems.append(SourceProblem(str(path), str(exc)))


def _read_folder(folder: Path, result: SourceSet, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    before = (len(result.sources), len(result.problems))
    manifest = folder / MANIFEST_NAME
    listed: set[Path] = set()
    if manifest.is_file():
        sources = read_manifest(manifest, result, max_bytes)
        result.sources.extend(sources)
        listed = {Path(s.path).resolve() for s in sources if s.path}
        try:
            entries = tomllib.loads(manifest.read_text(encoding="utf-8")).get("source", [])
            listed |= {(folder / str(e.get("file", ""))).resolve() for e in entries if isinstance(e, dict)}
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            pass
    # What is a file is decided when the folder is listed: a file that vanishes before it is
    # read is then reported, not silently passed over.
    with os.scandir(folder) as listing:
        entries = sorted((entry.name, entry.is_file()) for entry in listing)
    for name, is_file in entries:
        path = folder / name
        if path.resolve() in listed or name.startswith(".") or not is_file:
            continue
        suffix = path.suffix.lower()
        if suffix in TEXT_SUFFIXES:
            if path.name.lower() == "readme.md":
                continue  # a folder's README describes the folder, it is not an article
            _read_one(path, result, max_bytes=max_bytes)
        elif suffix in CORPUS_SUFFIXES:
            read_corpus(path, result, max_bytes)
    if (len(result.sources), len(result.problems)) == before:
        result.problems.append(SourceProblem(str(folder), "no articles found (.txt, .md, .html, .jsonl)"))


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
