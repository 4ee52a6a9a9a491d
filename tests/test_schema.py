"""The stage tables' rows: what `geomap geocode` writes straight from records is what the table gives."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import numpy as np

from geomap import schema
from geomap.cli import seeds_dir
from geomap.geoparse import geocode
from geomap.records import Claim, Mention, Source
from geomap.resources import shared
from geomap.sources import read_sources


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
