"""`geomap gazetteer import`: a GeoNames dump adds villages; bad input never damages what was there.

Every command runs as a user would run it: a new process of the installed
``geomap`` script, with its own ``GEOMAP_HOME`` and ``GEOMAP_CACHE``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..cli_support import run_cli

GEOMAP = Path(sys.executable).with_name("geomap")

# geonameid, name, asciiname, alternatenames, latitude, longitude, feature class, feature code,
# country code, cc2, admin1, admin2, admin3, admin4, population, elevation, dem, timezone, modified
TESTOVKA = ["99999901", "Testovka", "Testovka", "Testowka,Тестовка,tst", "51.25000", "35.10000", "P", "PPL",
            "RU", "", "41", "", "", "", "120", "", "180", "Europe/Moscow", "2024-08-10"]
TESTOVO_RIVER = ["99999902", "Testovo", "Testovo", "", "51.26000", "35.11000", "H", "STM",
                 "RU", "", "41", "", "", "", "0", "", "170", "Europe/Moscow", "2024-08-10"]
TESTOVO_DISTRICT = ["99999903", "Testovsky Rayon", "Testovsky Rayon", "", "51.3", "35.2", "A", "ADM2",
                    "RU", "", "41", "", "", "", "0", "", "170", "Europe/Moscow", "2024-08-10"]
ZAPADNOYE = ["99999904", "Zapadnoye Testovo", "Zapadnoye Testovo", "", "51.27000", "35.00000", "P", "PPLX",
             "RU", "", "41", "", "", "", "0", "", "175", "Europe/Moscow", "2024-08-10"]
NOT_A_NUMBER_LAT = ["99999905", "Badlat", "Badlat", "", "fifty-one", "35.0", "P", "PPL",
                    "RU", "", "41", "", "", "", "0", "", "175", "Europe/Moscow", "2024-08-10"]
TOO_FEW_COLUMNS = ["99999906", "Shortrow", "Shortrow", "", "51.0", "35.0", "P", "PPL"]


def dump_text(*rows: list[str]) -> str:
    return "".join("\t".join(row) + "\n" for row in rows)


def run_geomap(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``geomap ARGS`` in this process, with data loaded afresh from ``env``'s places (the kill test runs the
    installed script under strace)."""
    return run_cli(*args, env=env)


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.pop("GEOMAP_GEODATA", None)
    environment["GEOMAP_HOME"] = str(tmp_path / "home")
    environment["GEOMAP_CACHE"] = str(tmp_path / "cache")
    return environment


def imported_files(env: dict[str, str]) -> dict[str, bytes]:
    """The store as the gazetteer reads it: ``{"RU/places.tsv.gz": bytes, ...}`` through each dump's link."""
    folder = Path(env["GEOMAP_HOME"]) / "imported"
    if not folder.is_dir():
        return {}
    return {f"{link.name}/{p.name}": p.read_bytes() for link in sorted(folder.iterdir()) if link.is_symlink()
            for p in sorted(link.resolve().iterdir())}


def hidden_entries(env: dict[str, str]) -> list[str]:
    """Temporary files, folders and links of imports (a finished import leaves none)."""
    folder = Path(env["GEOMAP_HOME"]) / "imported"
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) if folder.is_dir() else []


@pytest.fixture()
def imported(tmp_path: Path, env: dict[str, str]) -> tuple[Path, dict[str, str], subprocess.CompletedProcess[str]]:
    """A dump with one village, one river, one district and two malformed lines, imported."""
    dump = tmp_path / "RU.txt"
    dump.write_text(dump_text(TESTOVKA, TESTOVO_RIVER, TOO_FEW_COLUMNS, TESTOVO_DISTRICT, NOT_A_NUMBER_LAT,
                              ZAPADNOYE), encoding="utf-8")
    return dump, env, run_geomap(env, "gazetteer", "import", str(dump))


def test_import_reports_malformed_lines_and_exits_1(imported) -> None:
    dump, _, result = imported
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{dump}:3:" in result.stderr  # too few columns
    assert f"{dump}:5:" in result.stderr  # latitude is not a number
    for good_line in (1, 2, 4, 6):
        assert f"{dump}:{good_line}:" not in result.stderr
    assert "imported 2 populated places" in result.stderr


def test_imported_village_is_found_in_its_region(imported) -> None:
    _, env, _ = imported
    result = run_geomap(env, "gazetteer", "search", "Testovka", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    top = records[0]
    assert top["id"] == "99999901" and top["geonameid"] == 99999901
    assert top["name"] == "Testovka"
    assert top["country"] == "RU"
    assert top["admin1"] == "RU-KRS"
    assert top["admin1_name"] == "Kursk Oblast"
    assert (top["lat"], top["lon"]) == pytest.approx((51.25, 35.10))
    assert top["population"] == 120
    assert top["feature_code"] == "PPL"


def test_imported_alternate_names_are_searchable(imported) -> None:
    _, env, _ = imported
    for alias in ("Тестовка", "Testowka"):
        result = run_geomap(env, "gazetteer", "search", alias, "--format", "json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)[0]["id"] == "99999901"


def test_rows_that_are_not_populated_places_are_skipped(imported) -> None:
    _, env, result = imported
    assert "2 other rows skipped" in result.stderr  # a river and a district
    district = run_geomap(env, "gazetteer", "search", "Testovsky Rayon")
    assert district.returncode == 1
    zapadnoye = run_geomap(env, "gazetteer", "search", "Zapadnoye Testovo", "--format", "json")
    assert json.loads(zapadnoye.stdout)[0]["id"] == "99999904"


def test_bundled_places_are_still_found_after_an_import(imported) -> None:
    _, env, _ = imported
    result = run_geomap(env, "gazetteer", "search", "Sudzha", "--format", "json")
    assert json.loads(result.stdout)[0]["id"] == "486816"


def test_import_is_deterministic(tmp_path: Path, imported) -> None:
    dump, env, _ = imported
    first = imported_files(env)
    second_env = dict(env, GEOMAP_HOME=str(tmp_path / "home2"))
    run_geomap(second_env, "gazetteer", "import", str(dump))
    assert imported_files(second_env) == first


@pytest.mark.parametrize(("bad_bytes", "reason"), [
    (dump_text(TESTOVKA, ZAPADNOYE).encode("cp1251"), "not UTF-8"),  # a Windows-1251 dump
    (dump_text(TESTOVO_RIVER, TESTOVO_DISTRICT).encode("utf-8"), "no populated places"),
    (b"", "no populated places"),
])
def test_failed_import_leaves_previous_import_untouched(imported, bad_bytes: bytes, reason: str) -> None:
    dump, env, _ = imported
    before = imported_files(env)
    assert sorted(before) == ["RU/names.tsv.gz", "RU/places.tsv.gz"]
    dump.write_bytes(bad_bytes)  # the same file name: the import would replace RU.*.tsv.gz
    result = run_geomap(env, "gazetteer", "import", str(dump))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0] and str(dump) in lines[0], result.stderr
    assert imported_files(env) == before  # byte-identical
    assert hidden_entries(env) == []  # and no temporary files left behind
    search = run_geomap(env, "gazetteer", "search", "Testovka", "--format", "json")
    assert json.loads(search.stdout)[0]["id"] == "99999901"


def test_missing_dump_is_one_clear_line(tmp_path: Path, env: dict[str, str]) -> None:
    missing = tmp_path / "nope" / "UA.txt"
    result = run_geomap(env, "gazetteer", "import", str(missing))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"geomap: error: {missing}: no such file"]
    assert imported_files(env) == {}


def test_imported_row_overrides_the_bundled_one(tmp_path: Path, env: dict[str, str]) -> None:
    """A dump's own record of a bundled place (same geonameid) wins, and the place is listed once."""
    sudzha = ["486816", "Sudzha", "Sudzha", "Суджа", "51.19000", "35.27000", "P", "PPLA2",
              "RU", "", "41", "", "", "", "5500", "", "180", "Europe/Moscow", "2024-08-10"]
    dump = tmp_path / "RU.txt"
    dump.write_text(dump_text(sudzha), encoding="utf-8")
    assert run_geomap(env, "gazetteer", "import", str(dump)).returncode == 0
    records = json.loads(run_geomap(env, "gazetteer", "search", "Sudzha", "--format", "json").stdout)
    assert [r["id"] for r in records].count("486816") == 1
    assert records[0]["id"] == "486816"
    assert (records[0]["feature_code"], records[0]["population"]) == ("PPLA2", 5500)


# -- the store is replaced as one unit ----------------------------------------------------------------------

def village(geonameid: str, name: str, lat: str) -> list[str]:
    return [geonameid, name, name, "", lat, "35.10000", "P", "PPL", "RU", "", "41", "", "", "", "100", "", "180",
            "Europe/Moscow", "2024-08-10"]


ALPHA, BRAVO = village("99999911", "Alphavka", "51.21000"), village("99999912", "Bravovka", "51.22000")
# Listed first (the smallest geonameid): every older row moves down one, so new names with old places would
# send a search for Bravovka to the row of Alphavka.
NEWPLACE = village("99999910", "Novoselovka", "51.20000")


def found_ids(env: dict[str, str]) -> dict[str, str | None]:
    """The top result's id for each village name, in a new process's gazetteer over the user's store."""
    from geomap.gazetteer.lookup import Gazetteer
    from geomap.gazetteer.store import Store

    gazetteer = Gazetteer(Store(user_dir=Path(env["GEOMAP_HOME"])))
    found = {}
    for row in (ALPHA, BRAVO, NEWPLACE):
        candidates = [c for c in gazetteer.lookup(row[1]) if c.name == row[1]]
        found[row[1]] = candidates[0].id if candidates else None
    return found


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed (tests/run.sh installs it)")
def test_an_import_killed_at_any_step_never_pairs_new_names_with_old_places(tmp_path: Path, env) -> None:
    old_dump, new_dump = tmp_path / "old" / "RU.txt", tmp_path / "new" / "RU.txt"
    for dump, rows in ((old_dump, (ALPHA, BRAVO)), (new_dump, (NEWPLACE, ALPHA, BRAVO))):
        dump.parent.mkdir()
        dump.write_text(dump_text(*rows), encoding="utf-8")
    assert run_geomap(env, "gazetteer", "import", str(old_dump)).returncode == 0
    home = Path(env["GEOMAP_HOME"])
    pristine = tmp_path / "pristine"
    shutil.copytree(home, pristine, symlinks=True)
    old = {"Alphavka": "99999911", "Bravovka": "99999912", "Novoselovka": None}
    new = dict(old, Novoselovka="99999910")
    assert found_ids(env) == old
    # The run writes into the cache too (the geoparser's index of the new gazetteer): each killed run starts
    # from the cache the traced run found, so that the n-th call is the same step in both.
    cache, pristine_cache = Path(env["GEOMAP_CACHE"]), tmp_path / "pristine-cache"
    if cache.exists():
        shutil.copytree(cache, pristine_cache, symlinks=True)
    trace = tmp_path / "trace.log"
    steps = "trace=rename,renameat,renameat2,symlink,symlinkat,unlink,unlinkat"
    traced = subprocess.run(["strace", "-o", str(trace), "-e", steps, str(GEOMAP), "gazetteer", "import",
                             str(new_dump)], env=env, capture_output=True, timeout=120)
    assert traced.returncode == 0, traced.stderr
    calls = [line.split("(", 1)[0] for line in trace.read_text().splitlines() if "(" in line]
    points = [(name, calls[:i + 1].count(name)) for i, name in enumerate(calls) if name.isidentifier()]
    assert len(points) >= 4  # the version folder's rename, the new link, its switch, the clean-up after it
    outcomes = set()
    for syscall, n in points:
        shutil.rmtree(home)
        shutil.copytree(pristine, home, symlinks=True)
        shutil.rmtree(cache, ignore_errors=True)
        if pristine_cache.exists():
            shutil.copytree(pristine_cache, cache, symlinks=True)
        killed = subprocess.run(["strace", "-o", "/dev/null", "-e", f"trace={syscall}",
                                 "-e", f"inject={syscall}:signal=SIGKILL:when={n}",
                                 str(GEOMAP), "gazetteer", "import", str(new_dump)], env=env, capture_output=True,
                                timeout=120)
        assert killed.returncode != 0, (syscall, n)
        ids = found_ids(env)
        assert ids in (old, new), (syscall, n, ids)
        outcomes.add(ids == new)
        assert run_geomap(env, "gazetteer", "import", str(new_dump)).returncode == 0
        assert found_ids(env) == new and hidden_entries(env) == []
    assert outcomes == {False, True}  # kills before the switch and after it


def test_a_dump_imported_in_the_former_layout_is_read_and_replaced(tmp_path: Path, env) -> None:
    """Dumps imported by an earlier geomap (RU.places.tsv.gz beside RU.names.tsv.gz) keep working."""
    from geomap.gazetteer.imports import import_dump

    home = Path(env["GEOMAP_HOME"])
    dump = tmp_path / "RU.txt"
    dump.write_text(dump_text(ALPHA, BRAVO), encoding="utf-8")
    import_dump(dump, user_dir=home)
    folder = home / "imported"
    for name in ("places", "names"):
        (folder / f"RU.{name}.tsv.gz").write_bytes((folder / "RU" / f"{name}.tsv.gz").read_bytes())
    shutil.rmtree((folder / "RU").resolve())
    (folder / "RU").unlink()
    assert found_ids(env)["Bravovka"] == "99999912"
    dump.write_text(dump_text(NEWPLACE, ALPHA, BRAVO), encoding="utf-8")
    import_dump(dump, user_dir=home)
    assert sorted(p.name for p in folder.iterdir() if not p.is_dir() or p.is_symlink()) == ["RU"]
    assert found_ids(env)["Novoselovka"] == "99999910"


def test_a_bad_byte_deep_in_a_dump_is_reported_at_its_line(tmp_path: Path, env: dict[str, str]) -> None:
    """Before: 'invalid start byte at byte 1036', an offset into the reader's buffer, not the file."""
    rows = [[str(99_000_000 + i), f"Testovka{i}"] + TESTOVKA[2:] for i in range(20_001)]
    good = dump_text(*rows).encode("utf-8")
    bad_row = "\t".join(TESTOVKA).replace("Testovka\t", "Test\udcffovka\t", 1).encode("utf-8", "surrogateescape")
    dump = tmp_path / "RU.txt"
    dump.write_bytes(good + bad_row + b"\n")
    result = run_geomap(env, "gazetteer", "import", str(dump))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"geomap: error: {dump}: not UTF-8 text: line 20,002, byte 14 of the line (byte {len(good) + 13:,} of the "
        "file): invalid start byte; GeoNames dumps are UTF-8"]
    assert imported_files(env) == {}


def test_a_byte_order_mark_does_not_reject_the_first_line(tmp_path: Path, env: dict[str, str]) -> None:
    dump = tmp_path / "RU.txt"
    dump.write_bytes(b"\xef\xbb\xbf" + dump_text(TESTOVKA, ZAPADNOYE).encode("utf-8"))
    result = run_geomap(env, "gazetteer", "import", str(dump))
    assert result.returncode == 0, result.stderr
    assert "imported 2 populated places" in result.stderr and "malformed" not in result.stderr.split("(")[0]
    assert ", 0 malformed)" in result.stderr


# Physical features as a GeoNames dump of India gives them (ids of this test's own), and a real sentence that
# names them (scroll.in, 2021-05-02; the Tribune's 'Ladakh's Galwan Valley').
GALWAN_VALLEY = ["99999911", "Galwan Valley", "Galwan Valley", "Galwan", "34.75000", "78.20000", "T", "VAL",
                 "IN", "", "", "", "", "", "0", "", "4500", "Asia/Kolkata", "2024-08-10"]
HOT_SPRINGS_LADAKH = ["99999912", "Hot Springs", "Hot Springs", "", "34.36000", "78.95000", "H", "SPNG",
                      "IN", "", "", "", "", "", "0", "", "4700", "Asia/Kolkata", "2024-08-10"]
FRICTION_POINTS = ("Border tensions between the two countries flared up in June last year after clashes between "
                   "Indian and Chinese soldiers in Ladakh's Galwan Valley. China has refused to withdraw its troops "
                   "from Hot Springs and Gogra Post, two of the friction points in Eastern Ladakh.")


def test_an_imported_dump_adds_the_valleys_and_springs_news_name(tmp_path: Path, env: dict[str, str]) -> None:
    dump = tmp_path / "IN.txt"
    dump.write_text(dump_text(GALWAN_VALLEY, HOT_SPRINGS_LADAKH, TESTOVO_RIVER, TESTOVKA), encoding="utf-8")
    imported = run_geomap(env, "gazetteer", "import", str(dump))
    assert imported.returncode == 0, imported.stderr
    assert "imported 1 populated places and 2 physical features" in imported.stderr
    assert "1 other rows skipped" in imported.stderr  # the river: its point is nowhere in particular
    article = tmp_path / "ladakh.txt"
    article.write_text(FRICTION_POINTS, encoding="utf-8")
    result = run_geomap(env, "geocode", str(article))
    assert result.returncode == 0, result.stderr
    found = {m["text"]: m for m in map(json.loads, result.stdout.splitlines())}
    # Both are also curated features of the bundled gazetteer (ids from 1,000,000,000): the imported entry joins
    # the bundled one, and either reading is the valley and the spring in Ladakh, not the town in Arkansas.
    assert (found["Galwan Valley"]["feature_code"], found["Galwan Valley"]["country"]) == ("VAL", "IN")
    assert (found["Hot Springs"]["feature_code"], found["Hot Springs"]["country"]) == ("SPNG", "IN")
    searched = run_geomap(env, "gazetteer", "search", "Galwan Valley", "--format", "json")
    assert {"99999911", "1000000002"} <= {c["id"] for c in json.loads(searched.stdout)}
