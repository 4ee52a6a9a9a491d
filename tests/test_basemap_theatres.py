"""The theatres the basemap works out for its extents are those the map shows: worked out once, the same page."""

from __future__ import annotations

import json
from pathlib import Path

from geomap import pipeline, render
from geomap.sources import read_sources

REAL = Path(__file__).resolve().parent / "data" / "claims" / "real" / "corpus.jsonl"
# Real articles about five wars (Ukraine, Gaza, Karabakh, Myanmar, India-Pakistan): several theatres.
WARS = ["moscowtimes-2025-02-20", "newsforall-2025-03-16", "ynetnews-2025-05-25", "nationpress-2025-04-17",
        "anews-2020-11-09", "virtualkarabakh-2016-05-18", "thaiexaminer-2024-08-29", "sakshipost-2025-01-12"]


def test_the_map_given_the_basemaps_theatres_is_the_map_that_works_them_out(tmp_path):
    with open(REAL, encoding="utf-8") as lines:
        articles = [json.loads(line) for line in lines]
    corpus = tmp_path / "wars.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in articles if a["id"] in WARS), encoding="utf-8")
    results = pipeline.run_sources(read_sources([str(corpus)]).sources)
    base = pipeline.basemap(results)
    assert base.theatres is not None and len(base.theatres) > 1
    # a detailed extent per theatre with shapes (not the claims placed by their sources only)
    shaped = set(results.claim_geoms.loc[results.claim_geoms.geometry.notna(), "claim_id"])
    extents, _ = pipeline.basemap_extents(results, base.claim_regions)
    assert len(extents) == len([theatre for theatre in base.theatres if shaped & set(theatre.claim_ids)])

    def page(theatre_list) -> str:
        folium_map = render.build_map(
            results.claim_geoms, results.envelopes, results.mentions, results.source_summaries, base.countries,
            base.admin1, base.places, place_statuses=results.place_status, claim_regions=base.claim_regions,
            theatre_list=theatre_list)
        return render.render_html(folium_map)

    given, worked_out = page(base.theatres), page(None)
    assert given == worked_out
    assert all(theatre.name in given for theatre in base.theatres)
