"""The stage tables: records go in and come out unchanged, and a repeated text is held once, not once per row."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from geomap import pipeline, schema
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


@pytest.mark.parametrize("name", ["mentions", "claims"])
def test_a_record_holds_its_fields_and_nothing_more(seed_tables, name):
    # A corpus of 10,000 articles has 130,000 claims and half a million mentions, each a record while a
    # stage works on it: a dict per record (its attributes) would hold twice what the fields do.
    record = schema.TABLES[name].to_records(getattr(seed_tables, name))[0]
    assert not hasattr(record, "__dict__")
    with pytest.raises(AttributeError):
        record.not_a_field = 1
