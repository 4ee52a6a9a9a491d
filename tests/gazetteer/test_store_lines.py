"""The gazetteer's line storage: lines read on demand, name lookups, files decompressed ahead."""

from __future__ import annotations

import gzip
import os
import random

import pytest

from geomap.gazetteer import store as store_module
from geomap.gazetteer.store import Lines, NameIndex, Store


def test_lines_read_as_the_text_splits_them():
    text = "alpha\tr1:e\nbeta\tp2:a\nжовква\tp3:e\n"
    lines = Lines(text.encode("utf-8"))
    assert len(lines) == 3
    assert list(lines) == ["alpha\tr1:e", "beta\tp2:a", "жовква\tp3:e"]
    assert lines[2] == "жовква\tp3:e" and lines[-1] == lines[2] and lines[0:2] == ["alpha\tr1:e", "beta\tp2:a"]
    with pytest.raises(IndexError):
        lines[3]
    assert list(Lines(b"no newline at the end")) == ["no newline at the end"]
    assert len(Lines(b"")) == 0 and list(Lines(b"")) == []


def test_first_fields_are_the_text_before_each_lines_first_tab():
    text = "UA\tcountry\tUkraine\nno tab here\n\n\tempty code\nжовква\tp3:e\tmore\n"
    assert Lines(text.encode("utf-8")).first_fields() == [line.split("\t")[0] for line in text.split("\n")[:-1]]
    assert Lines(b"last line without newline\tx").first_fields() == ["last line without newline"]
    assert Lines(b"").first_fields() == []
    lines = Lines(text.encode("utf-8"))
    assert lines.leading_columns(2) == [[line.split("\t")[0] for line in lines],
                                        [(line.split("\t") + [""])[1] for line in lines]]
    assert Lines(b"").leading_columns(3) == [[], [], []]


def test_sorted_lookup_finds_every_key_and_no_other(monkeypatch):
    # Small blocks, so that keys at block edges (first, last, next block's first) are many.
    monkeypatch.setattr(Lines, "BLOCK", 4)
    random.seed(7)
    alphabet = "abkrsuzäжк -'"
    keys = sorted({"".join(random.choice(alphabet) for _ in range(random.randint(1, 8))).strip() or "x"
                   for _ in range(500)})
    text = "".join(f"{key}\tp{i}:e\n" for i, key in enumerate(keys))
    index = NameIndex(Lines(text.encode("utf-8")))
    by_key = dict(line.split("\t", 1) for line in text.split("\n")[:-1])
    for i, key in enumerate(keys):
        assert index.raw_refs(key) == f"p{i}:e" == by_key[key]
    for probe in ["", "0", "~", "zzzzzzzzz", keys[0][:-1], keys[-1] + "a", "a\t", "жж"]:
        assert index.raw_refs(probe) == by_key.get(probe)


def test_bundled_names_look_up_as_before():
    store = Store()
    names = store.names[0]
    assert isinstance(names.lines, Lines)
    for key in ("sudzha", "kursk", "kursk oblast", "суджа"):
        refs = names.raw_refs(key)
        assert refs, key
        assert all(ref[0] in "rp" and ref[-2] == ":" for ref in refs.split(","))
    assert names.raw_refs("no such place anywhere") is None
    geonameid, name = store.places[0].lines[store.place_location(538560)[1]].split("\t")[:2]
    assert (geonameid, name) == ("538560", "Kursk")


def test_region_polygons_need_no_place_or_name_file():
    store = Store()
    assert store._places is None and store._names is None  # read on first use only
    assert store.region_index("RU-KRS") is not None
    assert store._places is None and store._names is None
    assert store.place_location(538560) is not None  # a place by id: the places, not the names
    assert store._places is not None and store._names is None


# -- the decompressed copies in the cache --------------------------------------------------------

def _gzipped_table(folder, text: str):
    path = folder / "names.tsv.gz"
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    return path


def test_a_mapped_copy_reads_as_the_table(tmp_path):
    from geomap.gazetteer.mapped import mapped_lines

    text = "".join(f"key{i:03d}\tp{i}:e\n" for i in range(300)) + "жовква\tp9:a"  # no newline at the end
    path = _gzipped_table(tmp_path, text)
    reads = []

    def decompress(p):
        reads.append(p)
        return gzip.decompress(p.read_bytes())

    first = mapped_lines(path, decompress, tmp_path / "cache")
    second = mapped_lines(path, decompress, tmp_path / "cache")
    assert reads == [path]  # decompressed once; the second process maps the copy
    in_memory = Lines(text.encode("utf-8"))
    for lines in (first, second):
        assert list(lines) == list(in_memory) and len(lines) == 301
        assert lines[-1] == "жовква\tp9:a" and lines[5] == "key005\tp5:e"
        index = NameIndex(lines)
        assert index.raw_refs("key123") == "p123:e" and index.raw_refs("жовква") == "p9:a"
        assert index.raw_refs("key1234") is None


def test_a_changed_table_gets_a_new_copy_and_the_stale_one_goes(tmp_path):
    from geomap.gazetteer.mapped import mapped_lines

    path = _gzipped_table(tmp_path, "a\tp1:e\n")
    cache = tmp_path / "cache"
    assert list(mapped_lines(path, lambda p: gzip.decompress(p.read_bytes()), cache)) == ["a\tp1:e"]
    old = sorted(p.name for p in (cache / "tables").iterdir())
    path.write_bytes(gzip.compress(b"a\tp1:e\nb\tp2:e\n"))
    os.utime(path, ns=(1, 1))  # a different time, whatever the clock's resolution
    assert list(mapped_lines(path, lambda p: gzip.decompress(p.read_bytes()), cache)) == ["a\tp1:e", "b\tp2:e"]
    new = sorted(p.name for p in (cache / "tables").iterdir())
    assert len(new) == 2 and not set(old) & set(new)


def test_a_copy_cut_short_or_an_unwritable_cache_falls_back_to_reading_the_table(tmp_path):
    from geomap.gazetteer.mapped import copy_stem, mapped_lines

    path = _gzipped_table(tmp_path, "a\tp1:e\nb\tp2:e\n")
    cache = tmp_path / "cache"
    mapped_lines(path, lambda p: gzip.decompress(p.read_bytes()), cache)
    copy = cache / "tables" / f"{copy_stem(path)}.lines"
    copy.write_bytes(copy.read_bytes()[:5])
    assert mapped_lines(path, lambda p: gzip.decompress(p.read_bytes()), cache) is None
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    assert mapped_lines(path, lambda p: gzip.decompress(p.read_bytes()), blocked) is None
