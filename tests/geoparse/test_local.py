"""Local news (issue 15 §5): the same name for a small town and a world city, decided by the article's
other places and the outlet's home (``home`` in sources.toml or JSON Lines, ``--near`` on the command line)."""

from __future__ import annotations

import json

import pytest

from geomap.records import Source

from .support import at, run_geomap

ATHENS_GREECE, ATHENS_GEORGIA = "264371", "4180386"
LONDON_UK, LONDON_ONTARIO = "2643743", "6058560"


def resolved_id(geoparser, text: str, name: str, home: str | None = None) -> str | None:
    mention = at(geoparser.parse(Source(id="local", text=text, home=home)), text, name)
    return mention.id if mention else None


def test_the_article_s_state_decides_a_town_and_a_country(geoparser) -> None:
    assert resolved_id(geoparser, "Firefighters in Lebanon and Harrisburg, Pennsylvania put out the blaze.",
                       "Lebanon") == "5197517"  # Lebanon, Pennsylvania
    assert resolved_id(geoparser, "Israel and Lebanon traded fire across the border on Monday.", "Lebanon") == "LB"


def test_a_state_with_its_capital_is_the_state(geoparser) -> None:
    text = "The samples went to the CDC in Atlanta, Georgia, where the lab confirmed the virus."
    assert resolved_id(geoparser, text, "Georgia") == "US-GA"
    assert resolved_id(geoparser, "Georgia and Armenia signed a deal in Tbilisi.", "Georgia") == "GE"


@pytest.mark.parametrize("text, name, home, expected, elsewhere", [
    ("Police in Athens arrested two men on Friday.", "Athens", "Atlanta, Georgia", ATHENS_GEORGIA, ATHENS_GREECE),
    ("The London police said crystal meth use is rising.", "London", "London, Ontario", LONDON_ONTARIO, LONDON_UK),
    ("A storm hit Manhattan on Tuesday, closing the university.", "Manhattan", "Topeka, Kansas", "4274994",
     "5125771"),
])
def test_the_outlet_s_home_decides(geoparser, text, name, home, expected, elsewhere) -> None:
    assert resolved_id(geoparser, text, name) == elsewhere  # without a home: the world city
    assert resolved_id(geoparser, text, name, home=home) == expected


def test_home_in_a_manifest_and_near_on_the_command_line(cli_env, tmp_path) -> None:
    (tmp_path / "story.txt").write_text("Police in Athens arrested two men on Friday.", encoding="utf-8")
    (tmp_path / "sources.toml").write_text('[[source]]\nid = "story"\nfile = "story.txt"\nhome = "Athens, Georgia"\n',
                                           encoding="utf-8")
    from_manifest = run_geomap(cli_env, "geocode", str(tmp_path / "sources.toml"))
    assert from_manifest.returncode == 0, from_manifest.stderr
    assert [json.loads(line)["id"] for line in from_manifest.stdout.splitlines()] == [ATHENS_GEORGIA]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": "Police in Athens arrested two men.", "home": "Athens, Georgia"})
                      + "\n", encoding="utf-8")
    from_jsonl = run_geomap(cli_env, "geocode", str(corpus))
    assert [json.loads(line)["id"] for line in from_jsonl.stdout.splitlines()] == [ATHENS_GEORGIA]
    near = run_geomap(cli_env, "geocode", str(tmp_path / "story.txt"), "--near", "Athens, Georgia")
    assert [json.loads(line)["id"] for line in near.stdout.splitlines()] == [ATHENS_GEORGIA]
    unknown = run_geomap(cli_env, "geocode", str(tmp_path / "story.txt"), "--near", "Qwxzv Plain")
    assert unknown.returncode != 0 and "--near" in unknown.stderr and "Traceback" not in unknown.stderr


def test_a_country_cue_reads_the_country_among_its_neighbours_towns(geoparser) -> None:
    """Pravda.ru, 18 July 2025: beside Germany and Saarland the bare name would be the city of Luxembourg;
    "the entire country of" says the country is meant."""
    text = ("Since the start of 2025, Russian armed forces have seized Ukrainian territory equivalent in size to "
            "the entire country of Luxembourg. He notes this area is comparable to Germany's federal state of "
            "Saarland.")
    assert resolved_id(geoparser, text, "Luxembourg") == "LU"


@pytest.mark.parametrize("text, name, region", [
    ("A 25-year-old Paris, Missouri, man was arrested. Paris police said he fled.", "Paris", "US-MO"),
    ("Beau Dunn of London, Arkansas, was killed in the crash.", "London", "US-AR"),
])
def test_a_town_written_with_its_state_is_the_state_s_town_throughout(geoparser, text, name, region) -> None:
    towns = [m for m in geoparser.parse(Source(id="local", text=text)) if m.text == name]
    assert towns and all(m.admin1 == region and m.kind == "populated_place" for m in towns)


def test_a_list_of_regions_is_no_town_with_its_state(geoparser) -> None:
    text = "Cases were reported in California, Maryland and Georgia, Armenia's officials said."
    assert resolved_id(geoparser, text, "California") == "US-CA"


@pytest.mark.parametrize("text, name, expected", [
    ("Organizers of a London rally thanked Canada for what it has done. \"We want Canada to act,\" they said.",
     "London", LONDON_ONTARIO),
    ("Organizers of a London rally thanked Britain for what it has done.", "London", LONDON_UK),
    ("Organizers of a London rally thanked the United States for what it has done.", "London", LONDON_UK),
])
def test_a_city_in_the_country_the_article_names_wins_over_a_world_city(geoparser, text, name, expected) -> None:
    # (The United States' Londons are towns: a world city stays the reading.)
    assert resolved_id(geoparser, text, name) == expected


def test_a_town_that_names_its_region_keeps_the_bare_name_beside_the_region_s_towns(geoparser) -> None:
    # Palmyra lies in Homs Governorate: evidence for the region is evidence for its capital too.
    text = "PALMYRA, Syria — Fighters moved here from Homs last week. In Homs, Syria's third city, districts lie in rubble."
    homs = [m for m in geoparser.parse(Source(id="local", text=text)) if m.text == "Homs"]
    assert homs and all(m.id == "169577" for m in homs)  # the city, not SY-HI


@pytest.mark.parametrize("text, expected", [
    ("Flights from Victoria, B.C., resumed on Monday.", [("Victoria", "CA-BC"), ("B.C.", "CA-BC")]),
    ("A couple from Melville, Sask. believes the cat is theirs.", [("Melville", "CA-SK"), ("Sask.", "CA-SK")]),
    ("The temple was built in 500 B.C. by the king.", []),
    ("Flu cases rose across NSW. Officials in Qld agreed.", [("NSW", "AUS-2654"), ("Qld", "AU-QLD")]),
    ("She won Olympic gold twice before the Olympics moved on.", []),
    ("Federal agents and Central bank officials flew from the Democratic Republic of Congo to the Americas.",
     [("Democratic Republic of Congo", "CD"), ("Americas", "SR:americas")]),
    ("Outbreaks in England, Scotland and Northern Ireland were traced to Wales.",
     [("England", "NR:england"), ("Scotland", "NR:scotland"), ("Northern Ireland", "NR:northern-ireland"),
      ("Wales", "NR:wales")]),
])
def test_provinces_states_and_countries_as_news_writes_them(geoparser, text, expected) -> None:
    mentions = [m for m in geoparser.parse(Source(id="local", text=text)) if m.type != "demonym"]
    assert [(m.text, m.admin1 if m.kind == "populated_place" else m.id) for m in mentions] == expected


@pytest.mark.parametrize("text", [
    "The army has held the district since it launched an offensive in Nov. 13 last year.",
    "Fighting resumed on Jun 5 near the border, the ministry said.",
    "The ceasefire agreed on Nov 2024 collapsed within weeks.",
])
def test_a_month_s_abbreviation_before_a_day_or_a_year_is_a_date_not_a_town(geoparser, text) -> None:
    # Nov is a town in Tajikistan and Jun one in Spain: before a day or a year, the word is the month.
    assert [m.text for m in geoparser.parse(Source(id="local", text=text))] == []


def test_a_name_in_a_list_of_states_is_a_state(geoparser) -> None:
    text = ("Cases were reported in Michigan, Ohio, Oregon, Utah and Wyoming. In Canada, illnesses occurred in "
            "British Columbia, Alberta, Ontario and New Brunswick.")
    found = {m.text: m.id for m in geoparser.parse(Source(id="local", text=text))}
    assert (found["Oregon"], found["Wyoming"]) == ("US-OR", "US-WY")  # not the towns in Ohio and Michigan
    assert (found["Ontario"], found["New Brunswick"]) == ("CA-ON", "CA-NB")


# scroll.in, 2021-05-02: a friction point in Ladakh shares its name with a town in Arkansas.
LADAKH_FRICTION_POINTS = ("China has refused to withdraw its troops from Hot Springs and Gogra Post, two of the friction "
                          "points between New Delhi and Beijing in Eastern Ladakh along the Line of Actual Control, "
                          "The Indian Express reported on Sunday.")
HOT_SPRINGS_LADAKH = "1000000005"  # the border post at the hot spring of the Chang Chenmo valley (curated feature)


def test_a_town_far_from_everything_the_article_names_gives_way_to_the_place_in_the_named_region(geoparser) -> None:
    # The article names India and places in it; a town of 35,000 people 12,000 km away in a country it never
    # names is not what "Hot Springs" means there: the post in Ladakh is.
    assert resolved_id(geoparser, LADAKH_FRICTION_POINTS, "Eastern Ladakh") == "IN-LA"
    assert resolved_id(geoparser, LADAKH_FRICTION_POINTS, "Hot Springs") == HOT_SPRINGS_LADAKH
    # With nothing else named, or with its state, the town is still read.
    assert resolved_id(geoparser, "Flooding closed two roads in Hot Springs on Monday, the police said.",
                       "Hot Springs") == "4115412"
    assert resolved_id(geoparser, "Flooding closed two roads in Hot Springs, Arkansas, and in Little Rock.",
                       "Hot Springs") == "4115412"


@pytest.mark.parametrize("text, name, expected", [
    # women.ncr-iran.org, 2015-05-13; kurdishpeace.org, 2022-10: Iran's province.
    ("Residents of the city of Sanandaj, capital of Iran's Kurdistan Province, said their hometown has turned into "
     "a big military base.", "Kurdistan Province", "IR-16"),
    ("On October 8th, large demonstrations in Sanandaj (Sine in Kurdish), the capital of Kurdistan Province, were "
     "met with a violent state response.", "Kurdistan Province", "IR-16"),
    # VOA sentences on Iraq: Iraq's autonomous region, written as a region of a name Iran's province shares.
    ("Kirkuk Province, which lies outside the official Kurdistan region, is claimed by both Kurdish and Iraqi "
     "officials.", "Kurdistan", "NR:kurdistan-region"),
    ("Hashemi denies the charge and fled to northern Iraq's autonomous Kurdistan region to avoid detention.",
     "Kurdistan", "NR:kurdistan-region"),
    # tricksfast.com, 2020-09-27: "the X region" of a named region that is no admin unit.
    ("The Nagorno-Karabakh region, controlled by Armenia, belongs to Azerbaijan according to international law.",
     "Nagorno-Karabakh", "NR:nagorno-karabakh"),
])
def test_a_region_phrase_names_a_named_region_as_well_as_an_admin_unit(geoparser, text, name, expected) -> None:
    assert resolved_id(geoparser, text, name) == expected


# ethiopiandj.com (from the BBC), 2016-12-18: Jordan's Karak; the only unit called "Karak District" is Pakistan's.
KARAK_ATTACK = ("The Public Security Directorate said on Sunday that events began when a police patrol received reports "
                "of a fire at a house in the town of Qatraneh, in the Karak district. In another attack, gunmen shot at a "
                "security patrol in Karak but nobody was hurt. Karak is a popular tourist destination in Jordan.")


def test_a_name_and_its_district_phrase_do_not_prop_each_other_up(geoparser) -> None:
    # "the Karak district" read as Pakistan's district once made the bare "Karak" the town inside it (0 km
    # away), against the Jordan the article names: a name and its unit phrase are one name in the context.
    mentions = geoparser.parse(Source(id="karak", text=KARAK_ATTACK))
    assert {m.country for m in mentions if m.text == "Karak"} == {"JO"}


@pytest.mark.parametrize("text, name, expected", [
    # dw.com, 2025-01-05: a size compared with an island the gazetteer knows only as a curated feature.
    ("Russia captured nearly 3,600 square kilometers, an area roughly the size of the Mediterranean island of "
     "Mallorca, or Long Island in New York.", "Mallorca", "1000000011"),
    # news.cn, 2018-03-16: the eastern part of the Ghouta oasis around Damascus.
    ("The Syrian army said it had captured 70 percent of rebel-held areas in the Eastern Ghouta countryside of the "
     "capital Damascus.", "Eastern Ghouta", "1000000013"),
    ("Egyptian troops were deployed in Sinai near the border with Gaza.", "Sinai", "NR:sinai-peninsula"),
    # A corridor's name goes on in a lower-case "corridor", as a strip's does ("the Gaza Strip").
    ("Azerbaijan set up a checkpoint on the Lachin corridor, the only road between Armenia and Karabakh.",
     "Lachin corridor", "1000000008"),
    ("Israeli troops completed the Morag corridor between Rafah and Khan Younis.", "Morag corridor", "1000000009"),
    ("Displaced Palestinians crossed the Netzarim corridor on their way back to Gaza City.", "Netzarim corridor",
     "1000000014"),
])
def test_a_feature_claims_are_about_is_read_in_its_war_s_news(geoparser, text, name, expected) -> None:
    assert resolved_id(geoparser, text, name) == expected
