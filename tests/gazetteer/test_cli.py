"""The command line as a user meets it: version, help, `geomap gazetteer search`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from geomap import __version__
from geomap.cli import main

from ..cli_support import run_cli

GEOMAP = Path(sys.executable).with_name("geomap")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The user's environment with an empty data home, so imported dumps cannot change answers."""
    home = tmp_path_factory.mktemp("geomap-cli")
    environment = dict(os.environ)
    environment.pop("GEOMAP_GEODATA", None)
    environment["GEOMAP_HOME"] = str(home / "home")
    environment["GEOMAP_CACHE"] = str(home / "cache")
    return environment


def run_geomap(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``geomap ARGS`` in this process; the installed script is what test_version runs."""
    return run_cli(*args, env=env)


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand of the CLI, as argument tuples (the root is ())."""
    paths = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths += command_paths(command, prefix + (name,))
        else:
            paths.append(prefix + (name,))
    return paths


def test_the_installed_script_exists() -> None:
    assert GEOMAP.is_file(), f"{GEOMAP} missing: is geomap installed in this venv?"


def test_version(env: dict[str, str]) -> None:
    result = subprocess.run([str(GEOMAP), "--version"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert result.stdout.strip() == f"geomap, version {__version__}"


@pytest.mark.parametrize("path", command_paths(main), ids=lambda p: " ".join(p) or "geomap")
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="geomap")
    assert result.exit_code == 0, result.output
    assert "Usage: geomap" in result.output
    assert "Example" in result.output, f"'geomap {' '.join(path)} --help' shows no example"


def test_short_help_option(env: dict[str, str]) -> None:
    result = run_geomap(env, "gazetteer", "search", "-h")
    assert result.returncode == 0 and "Example" in result.stdout


def test_search_json(env: dict[str, str]) -> None:
    result = run_geomap(env, "gazetteer", "search", "Sudzha", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert isinstance(records, list) and records
    top = records[0]
    assert top["name"] == "Sudzha"
    assert top["id"] == "486816"
    assert top["country"] == "RU"
    assert top["country_name"] == "Russia"
    assert top["admin1"] == "RU-KRS"
    assert top["admin1_name"] == "Kursk Oblast"
    assert top["lat"] == pytest.approx(51.19, abs=0.01)
    assert top["lon"] == pytest.approx(35.27, abs=0.01)
    assert top["method"] == "exact"


def test_search_table_is_the_default(env: dict[str, str]) -> None:
    result = run_geomap(env, "gazetteer", "search", "Суджа")
    assert result.returncode == 0, result.stderr
    header, rule, first, *_ = result.stdout.splitlines()
    assert header.split()[:3] == ["name", "kind", "id"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert first.split()[:3] == ["Sudzha", "populated_place", "486816"]
    assert "Kursk Oblast" in first


def test_search_limit(env: dict[str, str]) -> None:
    result = run_geomap(env, "gazetteer", "search", "Kharkov", "--limit", "1", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 1


def test_unknown_name_is_one_line_and_exit_1(env: dict[str, str]) -> None:
    result = run_geomap(env, "gazetteer", "search", "Xyzzy")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "no place named 'Xyzzy'" in lines[0]
    assert "Traceback" not in result.stderr


def test_fuzzy_search_lists_sudzha_first(env: dict[str, str]) -> None:
    result = run_geomap(env, "gazetteer", "search", "Suzhda", "--fuzzy", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert records[0]["name"] == "Sudzha" and records[0]["id"] == "486816"
    assert {r["method"] for r in records} == {"fuzzy"}
    assert all(r["score"] < 1 for r in records)


def test_fuzzy_table_marks_the_method(env: dict[str, str]) -> None:
    result = run_geomap(env, "gazetteer", "search", "Suzhda", "--fuzzy")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[2]
    assert first.split()[0] == "Sudzha" and "fuzzy" in first.split()


def test_bad_option_value_is_a_usage_error(env: dict[str, str]) -> None:
    result = run_geomap(env, "gazetteer", "search", "Sudzha", "--format", "xml")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "'xml'" in result.stderr
