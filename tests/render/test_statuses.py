"""Place statuses and shape constructions on the map: what a reader sees in markers, popups, legend and panel."""

from __future__ import annotations

from datetime import date

import shapely

from geomap.render import build_map, render_html
from geomap.render.statuses import STATUS_STYLES, status_features, window_of_day
from geomap.schema import PLACE_STATUS
from geomap.view import DateWindow

from . import synthetic

AUGUST = DateWindow("2024-08", date(2024, 8, 12), date(2024, 8, 20))
MARCH = DateWindow("2025-03", date(2025, 3, 14), date(2025, 3, 14))
NAMES = {"a1": "Wire One", "a3": "Paper Three"}
COUNTRIES = {"RU": "Russia", "UA": "Ukraine"}


def status(source: str, kind: str, actor: str | None, day: str, quote: str, start: int = 40) -> dict:
    return {"source": source, "place": "Sudzha", "place_id": "486816", "place_kind": "populated_place",
            "country": "RU", "lon": 35.27, "lat": 51.19, "status": kind, "actor": actor, "cue": kind,
            "as_of_start": day, "as_of_end": day, "as_of_text": None, "quote": quote, "quote_start": 0,
            "quote_end": len(quote), "start": start, "end": start + 6, "published": day}


STATUSES = [
    status("a1", "captured", "UA", "2024-08-10", "Ukrainian troops captured Sudzha."),
    status("a3", "fought_over", None, "2025-03-10", "Fighting raged in Sudzha."),
    status("a3", "retaken", "RU", "2025-03-13", "Russian forces raised their flag over Sudzha.", start=90),
]


def test_a_status_joins_the_window_of_its_date_or_the_nearest():
    windows = [AUGUST, MARCH]
    assert window_of_day(date(2024, 8, 15), windows) == "2024-08"
    assert window_of_day(date(2025, 3, 13), windows) == "2025-03"  # a day before the window: the nearest
    assert window_of_day(date(2025, 1, 20), windows) == "2025-03"
    assert window_of_day(None, windows) is None
    assert window_of_day(None, [DateWindow("undated", None, None)]) == "undated"


def test_one_marker_per_place_and_window_styled_by_its_latest_status():
    made = status_features(STATUSES, [AUGUST, MARCH], NAMES, COUNTRIES)
    assert {label: len(features) for label, features in made.items()} == {"2024-08": 1, "2025-03": 1}
    march = made["2025-03"][0]["properties"]
    assert march["s"]["fillColor"] == STATUS_STYLES["retaken"]["fillColor"]
    assert march["t"] == "Sudzha (retaken by Russia on 2025-03-13)"
    texts = [text for _, text in march["q"]]
    # newest first, each status with its quote, source, cue and where the place is in the source
    assert texts.index("retaken by Russia on 2025-03-13 · Paper Three") < texts.index(
        "fought over on 2025-03-10 · Paper Three")
    assert "Russian forces raised their flag over Sudzha." in texts
    assert "“retaken” · a3, characters 90–96" in texts
    assert made["2024-08"][0]["geometry"]["coordinates"] == [35.27, 51.19]


def test_a_compact_popup_counts_what_it_leaves_out():
    made = status_features(STATUSES[1:], [MARCH], NAMES, COUNTRIES, max_quotes=1)
    texts = [text for _, text in made["2025-03"][0]["properties"]["q"]]
    assert "and 1 more in the place_status table of geomap.gpkg" in texts


def test_the_map_has_a_status_layer_per_window_and_a_legend_entry_per_status():
    html = render_html(build_map(**synthetic.build_kwargs(), place_statuses=PLACE_STATUS.frame(STATUSES)))
    assert "Place statuses \\u00b7 2024-08" in html and "Place statuses \\u00b7 2025-03" in html  # layer names
    for label in ("place reported captured", "place reported retaken", "place reported fought over"):
        assert label in html
    assert "place reported held" not in html  # only the statuses on the map


def test_popups_and_panel_say_how_each_shape_was_made():
    kwargs = synthetic.build_kwargs()
    frame = kwargs["claim_geoms"]
    frame["construction"] = None
    frame.loc[frame["claim_id"] == "a3#1", "construction"] = (
        "strip of 110 km², 7 km deep along 19 km of the Russia–Ukraine border from its point nearest Sudzha")
    html = render_html(build_map(**kwargs))
    assert html.count("drawn as") >= 2  # in the shape's popup and in the panel
    assert "strip of 110 km², 7 km deep along 19 km of the Russia–Ukraine border" in html


def test_a_place_status_goes_to_the_window_of_its_own_theatre_not_another_war_of_the_same_month():
    from geomap.render.theatres import windows_near

    windows = [DateWindow("theatre-1/2024-08", date(2024, 8, 1), date(2024, 8, 31)),
               DateWindow("theatre-2/2024-08", date(2024, 8, 1), date(2024, 8, 31)),
               DateWindow("theatre-2/undated", None, None)]
    claims = [{"window": "theatre-1/2024-08", "geometry": shapely.Point(34.5, 31.4).buffer(0.1)},  # Gaza
              {"window": "theatre-2/2024-08", "geometry": shapely.Point(35.2, 51.2).buffer(0.2)}]  # Kursk
    near_kursk, near_gaza = windows_near([shapely.Point(35.3, 51.1), shapely.Point(34.45, 31.5)], claims, windows)
    assert window_of_day(date(2024, 8, 10), near_kursk) == "theatre-2/2024-08"
    assert window_of_day(date(2024, 8, 10), near_gaza) == "theatre-1/2024-08"
    assert window_of_day(None, near_kursk) == "theatre-2/undated"
    assert window_of_day(None, near_gaza) is None
