"""The stage tables: records go in and come out unchanged, a repeated text is held once, not once per row, and
what `geomap geocode` writes straight from records is what the table gives."""

from __future__ import annotations

import pickle
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from geomap import pipeline, schema
from geomap.cli import seeds_dir
from geomap.geoparse import geocode
from geomap.records import Claim, Mention, Source
from geomap.resources import shared
from geomap.sources import read_sources

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def seed_tables():
    sources = schema.SOURCES.from_records(read_sources([str(REPO / "seeds")]).sources)
    return pipeline.text_stages(sources)


@pytest.mark.parametrize("name", ["mentions", "claims", "place_status"])
def test_records_come_back_from_a_table_as_they_went_in(seed_tables, name):
    table = schema.TABLES[name]
    records = table.to_records(getattr(seed_tables, name))
    assert len(records) > 5
    again = table.to_records(table.from_records(records))
    assert again == records


def test_a_sentence_with_several_places_is_held_once_even_after_a_worker_sends_it(seed_tables):
    # Mentions of one sentence share its text: a corpus's mentions table holds each sentence once (the
    # parent of a build receives the tables pickled from its workers, which keeps that sharing).
    mentions = pickle.loads(pickle.dumps(seed_tables.mentions))
    sentences = mentions["sentence"].tolist()
    assert len(set(sentences)) < len(sentences)  # the seeds name several places in many sentences
    assert len({id(sentence) for sentence in sentences}) == len(set(sentences))
    countries = [country for country in mentions["country"].tolist() if country is not None]
    assert len({id(country) for country in countries}) == len(set(countries))


def test_equal_lists_of_a_table_are_held_once_and_unequal_ones_apart(seed_tables):
    # Most mentions have no alternatives and the mentions of one name the same ones: each list held once.
    mentions = pickle.loads(pickle.dumps(seed_tables.mentions))
    alternatives = mentions["alternatives"].tolist()
    distinct = {repr(value) for value in alternatives}
    assert len(distinct) < len(alternatives) and len({id(value) for value in alternatives}) == len(distinct)
    # Equal for Python is not enough: a 1 and a 1.0 print differently, and a missing list stays missing.
    column = schema.Column("numbers", schema.LIST)
    values = column.series([[1], [1.0], [1], None, [], []]).tolist()
    assert values == [[1], [1.0], [1], None, [], []] and type(values[1][0]) is float
    assert values[0] is values[2] and values[0] is not values[1] and values[4] is values[5]


@pytest.mark.parametrize("name", ["mentions", "claims"])
def test_a_record_holds_its_fields_and_nothing_more(seed_tables, name):
    # A corpus of 10,000 articles has 130,000 claims and half a million mentions, each a record while a
    # stage works on it: a dict per record (its attributes) would hold twice what the fields do.
    record = schema.TABLES[name].to_records(getattr(seed_tables, name))[0]
    assert not hasattr(record, "__dict__")
    with pytest.raises(AttributeError):
        record.not_a_field = 1


def test_record_rows_are_the_rows_of_the_table_of_the_same_records():
    sources = read_sources([str(seeds_dir())]).sources
    mentions = geocode(sources, shared().geoparser)
    assert len(mentions) > 50
    assert schema.MENTIONS.record_rows(mentions) == schema.MENTIONS.rows(schema.MENTIONS.from_records(mentions))


def test_record_rows_convert_each_value_as_its_column_does():
    odd = Mention(source="a", start=np.int64(3), end=9, text="Sudzha", sentence="In Sudzha.", sentence_start=0,
                  geonameid=None, lat=50, lon=np.float64(35.2), confidence=1,
                  alternatives=[{"id": "1", "lat": np.float64(1.5)}])
    missing = Mention(source="b", start=0, end=4, text="Kyiv", sentence="Kyiv", sentence_start=0,
                      lat=float("nan"), lon=None)
    rows = schema.MENTIONS.record_rows([odd, missing])
    assert rows == schema.MENTIONS.rows(schema.MENTIONS.from_records([odd, missing]))
    assert rows[0]["lat"] == 50.0 and isinstance(rows[0]["lat"], float) and isinstance(rows[0]["start"], int)
    assert rows[1]["lat"] is None and rows[1]["lon"] is None and rows[1]["geonameid"] is None
    claim = Claim(source="a", claim_id="a-1", kind="area_held", value=110, unit="km2", quote="110 km2", start=0,
                  end=7, as_of_start=date(2025, 3, 12))
    assert schema.CLAIMS.record_rows([claim]) == schema.CLAIMS.rows(schema.CLAIMS.from_records([claim]))
    source = Source(id="s", text="t", published=date(2024, 8, 7), warnings=["late"])
    assert schema.SOURCES.record_rows([source]) == schema.SOURCES.rows(schema.SOURCES.from_records([source]))


def test_geocode_command_does_not_import_pandas():
    code = (
        "import sys\n"
        "from geomap.cli import main\n"
        "try:\n"
        "    main(['geocode', '-'], standalone_mode=False)\n"
        "finally:\n"
        "    print('pandas' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], input="Russian forces retook Sudzha.", capture_output=True,
                          text=True, timeout=120)
    assert '"name": "Sudzha"' in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "False"
