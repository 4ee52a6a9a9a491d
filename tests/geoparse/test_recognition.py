"""What a reader checks in the geoparser's output: which words are places, where, and which places.

Each test feeds a few sentences of war reporting to the geoparser (or runs the
``geomap geocode`` command) and checks the mentions a careful human annotator
would mark, with the conventions of tests/data/geoparse/GUIDE.md: offsets index
the text exactly, a possessive's "'s" and a region phrase's leading "the" are
not part of the name, demonyms are their own type.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.records import PLACE_KINDS
from geomap.sources import read_sources

from .support import SEEDS, at, parse, places, run_geomap, run_geomap_process

SUDZHA = "486816"
KURSK_CITY = "538560"
KURSK_OBLAST = "RU-KRS"
KORENEVO_KURSK = "544906"
KORENEVO_MOSCOW = "544904"  # Korenëvo near Moscow, the other reading
WASHINGTON_DC = "4140963"
KHARKIV = "706483"

# A short report that names enough nearby places for any reading to have context.
KURSK_REPORT = (
    "Ukrainian troops crossed into Russia's Kursk region in August 2024 and seized Sudzha, a town near the "
    "border with Sumy province. Fighting later spread to Korenevo and to villages around Sudzha. "
)


def resolved(geoparser, text: str, surface: str, occurrence: int = 0):
    """The mention covering ``surface`` exactly; fails the test with the mentions found when there is none."""
    mentions = parse(geoparser, text)
    mention = at(mentions, text, surface, occurrence)
    assert mention is not None, f"{surface!r} not found; mentions: {[(m.text, m.id) for m in mentions]}"
    return mention


def surfaces(geoparser, text: str) -> list[str]:
    return [m.text for m in places(parse(geoparser, text))]


# -- names of several words, possessives, hyphens ----------------------------------------------

@pytest.mark.parametrize("name, place_id", [
    ("Velyka Novosilka", "690237"),
    ("Nova Kakhovka", "699839"),
    ("Kryvyi Rih", "703845"),
])
def test_multi_word_names_are_one_mention(geoparser, name: str, place_id: str) -> None:
    text = f"Russian forces shelled {name} overnight, officials in Zaporizhzhia and Kharkiv said."
    mentions = parse(geoparser, text)
    start = text.index(name)
    # One mention for the whole name, none for a word inside it ("Novosilka", "Rih").
    inside = [(m.start, m.end, m.id) for m in mentions if start <= m.start < start + len(name)]
    assert inside == [(start, start + len(name), place_id)]


@pytest.mark.parametrize("text", [
    "Russia's army advanced near Kharkiv and Sumy.",
    "Russia’s army advanced near Kharkiv and Sumy.",  # typographic apostrophe
])
def test_possessive_is_the_name_without_s(geoparser, text: str) -> None:
    mention = resolved(geoparser, text, "Russia")
    assert (mention.start, mention.end, mention.text) == (0, 6, "Russia")
    assert mention.id == "RU" and mention.kind == "country"


def test_possessive_of_a_town(geoparser) -> None:
    text = KURSK_REPORT + "Sudzha's central square was damaged."
    mention = resolved(geoparser, text, "Sudzha", occurrence=2)
    assert mention.id == SUDZHA
    assert text[mention.end:mention.end + 2] == "'s"


# A wire story's dateline in capitals opens the text or a line, right before the story's first word.
@pytest.mark.parametrize("text, name, place_id", [
    ("WASHINGTON Barack Obama pardoned his last turkey on Wednesday.", "WASHINGTON", "4140963"),
    ("Report\nDETROIT The Transportation Department issued guidelines for makers of devices.", "DETROIT",
     "4990729"),
])
def test_a_dateline_in_capitals_before_a_capitalised_word(geoparser, text: str, name: str, place_id: str) -> None:
    assert resolved(geoparser, text, name).id == place_id


@pytest.mark.parametrize("text, name, place_id", [
    ("Tillerson met with Trump in New York Saturday, aides said.", "New York", "US-NY"),
    ("The delegation flies back to the United Kingdom Sunday.", "United Kingdom", "GB"),
    ("Talks resume in Moscow September 3, officials said.", "Moscow", "524901"),
])
def test_a_day_or_month_after_a_place_is_no_part_of_its_name(geoparser, text: str, name: str,
                                                              place_id: str) -> None:
    assert resolved(geoparser, text, name).id in (place_id, "5128581")  # New York: the state or the city


def test_capitals_inside_a_line_still_open_an_organisation_s_name(geoparser) -> None:
    text = "Officials of the UK Department for International Development said so."
    assert [(m.text, m.type) for m in parse(geoparser, text)] == [("UK", "embedded")]


# A name with "'s" or an elided "d'" inside it is found like any other: the index folds "'s" as the text's
# scan does ("people s republic"), and "d'Ivoire" is a capitalised word of the name.
@pytest.mark.parametrize("name, kind, country", [
    ("People's Republic of China", "country", "CN"),
    ("People’s Republic of China", "country", "CN"),
    ("Côte d'Ivoire", "country", "CI"),
    ("Queen Anne's County", "admin2", "US"),
])
def test_names_with_an_apostrophe_inside(geoparser, name: str, kind: str, country: str) -> None:
    text = f"Health officials in {name} confirmed two new cases on Monday."
    mention = resolved(geoparser, text, name)
    assert (mention.kind, mention.country) == (kind, country)


@pytest.mark.parametrize("name, place_id", [
    ("Rostov-on-Don", "501175"),
    ("Ivano-Frankivsk", "707471"),
])
def test_hyphenated_names(geoparser, name: str, place_id: str) -> None:
    text = f"Drones struck an oil depot in {name} on Tuesday, far from Kharkiv and Zaporizhzhia."
    assert resolved(geoparser, text, name).id == place_id


def test_hyphenated_compound_of_two_countries(geoparser) -> None:
    text = "Ukrainian troops crossed the Russia-Ukraine border near Sudzha."
    assert resolved(geoparser, text, "Russia").id == "RU"
    assert resolved(geoparser, text, "Ukraine").id == "UA"


# -- region phrases ------------------------------------------------------------------------------

# A lower-case kind word after the name is reported outside the mention, as the public news corpora mark
# region phrases ("Sichuan" in "Sichuan province"); a capitalised one is part of the name ("Donetsk Oblast").
@pytest.mark.parametrize("phrase, name, region", [
    ("Kursk region", "Kursk", KURSK_OBLAST),
    ("Sumy province", "Sumy", "UA-59"),
    ("Donetsk Oblast", "Donetsk Oblast", "UA-14"),
])
def test_region_phrase_in_a_report(geoparser, phrase: str, name: str, region: str) -> None:
    text = f"Shelling hit the {phrase} overnight, and officials in Sudzha, Sumy and Kramatorsk reported damage."
    mention = resolved(geoparser, text, name)  # without "the", and without a lower-case kind word
    assert mention.id == region
    assert mention.kind == "admin1"


@pytest.mark.parametrize("text, name, region", [
    ("Ukraine's troops entered the Kursk region in August.", "Kursk", KURSK_OBLAST),
    ("Shelling hit Sumy province overnight.", "Sumy", "UA-59"),
    ("Donetsk Oblast was shelled overnight.", "Donetsk Oblast", "UA-14"),
])
def test_region_phrase_on_its_own(geoparser, text: str, name: str, region: str) -> None:
    # "Sumy province" has one reading; no context is needed to map it.
    assert resolved(geoparser, text, name).id == region


@pytest.mark.parametrize("text, reported, place", [
    ("The spinach was traced to the Salinas Valley region of California.", "Salinas Valley", "Salinas"),
    ("Ships heading across the Panama Canal were checked by officials in Colon.", "Panama Canal", "Panama"),
])
def test_a_capitalised_feature_noun_is_part_of_the_name(geoparser, text: str, reported: str, place: str) -> None:
    mention = resolved(geoparser, text, reported)
    assert mention.name == place and mention.type == "place"


@pytest.mark.parametrize("text, name, code", [
    ("The outbreak occurred in Zaire in 1976, in a village on the Ebola river.", "Zaire", "CD"),
    ("The foreign ministers of Cambodia, Laos, Burma and Thailand agreed to close borders.", "Burma", "MM"),
    ("Nine people have died from Ebola in the Republic of Congo this month.", "Republic of Congo", "CG"),
])
def test_countries_by_their_other_english_names(geoparser, text: str, name: str, code: str) -> None:
    assert resolved(geoparser, text, name).id == code


@pytest.mark.parametrize("text, name, region", [
    ("Hundreds died after a tsunami hit the Indonesian island of Java on Monday.", "Java", "NR:java"),
    ("Seven people from northern Sumatra province, Indonesia, are in hospital.", "Sumatra", "NR:sumatra"),
    ("Dead birds were found in central Denmark, in a town in Mid-Jutland.", "Jutland", "NR:jutland"),
])
def test_large_islands_and_peninsulas_are_regions(geoparser, text: str, name: str, region: str) -> None:
    # Named regions made of the first-level units on them (curated.toml), with the union's point.
    mention = resolved(geoparser, text, name)
    assert mention.id == region and mention.kind == "named_region"


def test_the_state_of_a_name_is_the_region(geoparser) -> None:
    text = "The cow was found in December 2003 in the state of Washington, near Mabton."
    mention = resolved(geoparser, text, "Washington")
    assert mention.kind == "admin1" and mention.id == "US-WA"


def test_a_two_letter_postal_code_is_a_state_after_its_town_s_comma(geoparser) -> None:
    text = ("LOUISVILLE, KY -- The company said it's OK to eat the beans, and Senator Tom Harkin (D-IA) "
            "asked for tests in Iowa.")
    mentions = places(parse(geoparser, text))
    assert [(m.text, m.name) for m in mentions if len(m.text) == 2] == [("KY", "Kentucky")]
    assert "Iowa" in [m.text for m in mentions]


def test_a_town_s_other_name_needs_clear_support(geoparser) -> None:
    # GeoNames lists "Google" among Topeka's names (the city's joke of 2010): a company, with nothing else
    # in the article to read it as the town.
    text = ("Companies testing self-driving cars in California, such as Google, have obtained permits. "
            "Google cars have a human driver behind the wheel.")
    found = surfaces(geoparser, text)
    assert "Google" not in found and "California" in found
    # A town's former name, in an article that names its country, is still the town.
    text = "Floods hit Calcutta and the rest of West Bengal; India sent the army."
    assert resolved(geoparser, text, "Calcutta").name == "Kolkata"


@pytest.mark.parametrize("text, reported, place", [
    ("The virus could spread from Northern Europe to the UK, officials in London said.", "Northern Europe", "Europe"),
    ("Planes will spray most of North Dallas, as well as other parts of the city.", "North Dallas", "Dallas"),
    ("A dog was found in a caravan park in Cornwall in South West England.", "South West England", "England"),
    ("The Municipal Corporation of Greater Mumbai ordered a report.", "Greater Mumbai", "Mumbai"),
    # Lower case, the qualifier is no part of the name; after another capitalised word, the phrase is no
    # place "North Queensland" but Queensland's far north.
    ("The virus could spread from northern Europe to the UK, officials in London said.", "Europe", "Europe"),
    ("Youth crime rose in Far North Queensland, police in Cairns said.", "Queensland", "Queensland"),
])
def test_a_capitalised_qualifier_is_part_of_the_name(geoparser, text: str, reported: str, place: str) -> None:
    # The convention of the public news corpora: "Northern Europe", "North Dallas" are toponyms whole; the
    # mention reads the phrase as the place it qualifies.
    mention = resolved(geoparser, text, reported)
    assert mention.name == place


@pytest.mark.parametrize("text, name, kind", [
    ("Floods hit Sichuan province and the Hubei and Anhui provinces.", "Sichuan", "admin1"),
    ("Floods hit Sichuan province and the Hubei and Anhui provinces.", "Anhui", "admin1"),
    ("The outbreak spread across Washington state last week.", "Washington", "admin1"),
    ("Birds died in the western state of Maharashtra.", "Maharashtra", "admin1"),
    ("A farm in Laurel County reported the first case.", "Laurel County", "admin2"),
    ("Schools closed in Mexico City on Monday.", "Mexico City", "populated_place"),
])
def test_lower_case_kind_words_stay_outside_the_name(geoparser, text: str, name: str, kind: str) -> None:
    mention = resolved(geoparser, text, name)
    assert mention.kind == kind
    assert not any(m.end > mention.end and m.start <= mention.start for m in parse(geoparser, text)
                   if m is not mention), "a longer mention covers the name"


# -- "the town of X", sentence starts -------------------------------------------------------------

@pytest.mark.parametrize("phrase, name, place_id", [
    ("the town of Sudzha", "Sudzha", SUDZHA),
    ("the city of Kursk", "Kursk", KURSK_CITY),
    ("the village of Korenevo", "Korenevo", KORENEVO_KURSK),
])
def test_the_town_of_x(geoparser, phrase: str, name: str, place_id: str) -> None:
    text = KURSK_REPORT + f"Russian troops retook {phrase} in March."
    start = text.index(phrase) + len(phrase) - len(name)
    mention = next(m for m in parse(geoparser, text) if m.start == start)
    assert (mention.text, mention.id, mention.kind) == (name, place_id, "populated_place")


def test_the_town_of_a_name_also_used_as_a_first_name(geoparser) -> None:
    # "Artem" is a first name in the first sentence, so it is not a place there; after "the town of" it is.
    text = ("The convoy left at dawn, said volunteer Artem Kariakin. "
            "Later that week shelling hit the town of Artem, officials said.")
    found = [(m.start, m.text, m.country) for m in places(parse(geoparser, text))]
    assert found == [(text.index("of Artem") + 3, "Artem", "RU")]


def test_names_at_the_start_of_a_sentence(geoparser) -> None:
    text = ("Kharkiv was shelled overnight, officials in Sumy said. Sudzha, a town of 5,000 people, lies near the "
            "border. \u201cKursk is calm,\u201d the governor said.")
    assert resolved(geoparser, text, "Kharkiv").id == KHARKIV
    assert resolved(geoparser, text, "Sudzha").id == SUDZHA
    assert resolved(geoparser, text, "Kursk").id in {KURSK_CITY, KURSK_OBLAST}


@pytest.mark.parametrize("text, name, place_id", [
    ("Kharkiv was shelled overnight.", "Kharkiv", KHARKIV),
    ("Kharkiv was shelled. Sudzha fell.", "Kharkiv", KHARKIV),
    ("Odesa was hit by drones.", "Odesa", "698740"),
])
def test_a_big_city_opening_a_short_text(geoparser, text: str, name: str, place_id: str) -> None:
    assert resolved(geoparser, text, name).id == place_id


@pytest.mark.parametrize("text, expected", [
    ("Bakhmut and Kharkov were hit overnight.", {"Bakhmut": "713174", "Kharkov": KHARKIV}),
    ("Troops left Sudzha for Kharkov.", {"Sudzha": SUDZHA, "Kharkov": KHARKIV}),
    ("Kiev was shelled. Pokrovsk fell.", {"Kiev": "703448", "Pokrovsk": "704422"}),
])
def test_two_places_in_a_short_text_support_each_other(geoparser, text: str, expected: dict) -> None:
    found = {m.text: m.id for m in places(parse(geoparser, text))}
    assert found == expected


def test_a_mention_carries_its_places_own_fields(geoparser) -> None:
    """Each field of a mention is the resolved entry's own (the records are built positionally, for speed)."""
    mention = resolved(geoparser, KURSK_REPORT, "Sudzha")
    entry = next(c for c in geoparser.readings("sudzha") if c.id == SUDZHA)
    assert (mention.id, mention.name, mention.kind, mention.geonameid, mention.feature_code, mention.country,
            mention.admin1, mention.lat, mention.lon) == (entry.id, entry.name, entry.kind, entry.geonameid,
                                                          entry.feature_code, entry.country, entry.admin1,
                                                          entry.lat, entry.lon)
    assert (mention.type, mention.method, mention.sentence_start) == ("place", "exact", 0)
    assert mention.sentence.startswith("Ukrainian troops crossed") and 0.4 <= mention.confidence <= 1
    assert {a["id"] for a in mention.alternatives} <= {c.id for c in geoparser.readings("sudzha")} - {SUDZHA}
    demonym = resolved(geoparser, KURSK_REPORT, "Ukrainian")
    country = geoparser.gazetteer.region("UA")
    assert (demonym.type, demonym.id, demonym.name, demonym.kind, demonym.country, demonym.lat, demonym.lon,
            demonym.geonameid, demonym.feature_code, demonym.admin1, demonym.alternatives) == (
        "demonym", "UA", country.name, "country", "UA", country.lat, country.lon, country.geonameid, None, None, [])


# -- Cyrillic --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Российские войска освободили Суджа и Курск.",
    "Украинские войска вошли в Суджа и Кореневский район, потом в Курск.",
])
def test_cyrillic_name_among_russian_words(geoparser, text: str) -> None:
    mention = resolved(geoparser, text, "Суджа")
    assert (mention.id, mention.geonameid, mention.name) == (SUDZHA, 486816, "Sudzha")
    assert resolved(geoparser, text, "Курск").id == KURSK_CITY


@pytest.mark.parametrize("text", [
    "Город Суджа находится в Курской области.",
    "Российские войска вошли в город Суджа.",
])
def test_cyrillic_town_after_gorod(geoparser, text: str) -> None:
    assert resolved(geoparser, text, "Суджа").id == SUDZHA


# -- words that are names of places somewhere, but not here ----------------------------------------

@pytest.mark.parametrize("sentence, word", [
    ("In March, Russian forces retook Sudzha.", "March"),
    ("He ordered a drink at a Bar near the station in Sudzha.", "Bar"),
    ("Wagner fighters were seen near Sudzha.", "Wagner"),
    ("Of the villages near Sudzha, most were destroyed.", "Of"),
])
def test_capitalised_common_words_are_not_places(geoparser, sentence: str, word: str) -> None:
    text = KURSK_REPORT + sentence
    assert word not in surfaces(geoparser, text)
    assert "Sudzha" in surfaces(geoparser, sentence + " " + KURSK_REPORT)  # the sentence's real place is found


@pytest.mark.parametrize("sentence", [
    "The Mirny battalion was sent to Kursk.",
    "Officers from the Mirny unit fought in Sudzha and Korenevo.",
])
def test_mirny_without_context_is_not_a_place(geoparser, sentence: str) -> None:
    assert "Mirny" not in surfaces(geoparser, KURSK_REPORT + sentence)


def test_people_are_never_places(geoparser) -> None:
    text = (KURSK_REPORT + "Putin met Trump in Alaska. Zelensky said Syrsky and Gerasimov had discussed Kursk. "
            "Vladimir Putin later visited Kursk and Sudzha. Oleksandr Syrsky denied it; Valery Gerasimov did not.")
    found = " ".join(surfaces(geoparser, text))
    for person in ("Putin", "Trump", "Zelensky", "Syrsky", "Gerasimov", "Vladimir", "Oleksandr", "Valery"):
        assert person not in found
    assert "Kursk" in found and "Sudzha" in found


def test_suzhda_is_sudzha(geoparser) -> None:
    source = next(s for s in read_sources([SEEDS]).sources if s.id == "000_ec6c8a11782f386f")
    start = source.text.index("Suzhda")
    mention = next((m for m in geoparser.parse(source) if (m.start, m.end) == (start, start + 6)), None)
    assert mention is not None, "Suzhda not found in seed 000"
    assert (mention.id, mention.name, mention.method) == (SUDZHA, "Sudzha", "fuzzy")


def test_unknown_capitalised_word_is_not_resolved(geoparser) -> None:
    text = KURSK_REPORT + "A local official, Zorblatt, said troops left Sudzha for Zorblatt and Kursk."
    mentions = parse(geoparser, text)
    assert not [m for m in mentions if "Zorblatt" in m.text]
    assert "Kursk" in [m.text for m in mentions]


# -- which place a name means -------------------------------------------------------------------

def test_kursk_the_oblast_and_kursk_the_city_in_one_article(geoparser) -> None:
    text = ("The Kursk offensive ended in March. Officials at the military headquarters in Kursk said Sudzha was "
            "retaken. Analysts said Ukraine had lost the Kursk salient, and fighting moved out of the Kursk "
            "region.")
    assert resolved(geoparser, text, "Kursk", 0).id == KURSK_OBLAST  # Kursk offensive
    assert resolved(geoparser, text, "Kursk", 1).id == KURSK_CITY  # headquarters in Kursk
    assert resolved(geoparser, text, "Kursk", 2).id == KURSK_OBLAST  # Kursk salient
    assert resolved(geoparser, text, "Kursk", 3).id == KURSK_OBLAST  # Kursk region


def test_korenevo_near_sudzha_is_the_kursk_oblast_one(geoparser) -> None:
    text = "Russian troops recaptured Sudzha and Korenevo in the Kursk region."
    mention = resolved(geoparser, text, "Korenevo")
    assert mention.id == KORENEVO_KURSK
    assert mention.admin1 == KURSK_OBLAST


@pytest.mark.parametrize("text", [
    "Moscow said its troops had retaken Korenevo and Sudzha in the Kursk region.",
    "Officials in Moscow said Korenevo had been retaken. Fighting continued in Kursk Oblast.",
])
def test_korenevo_is_the_kursk_one_even_when_moscow_speaks(geoparser, text: str) -> None:
    mention = resolved(geoparser, text, "Korenevo")
    assert mention.id != KORENEVO_MOSCOW, "read as Korenëvo near Moscow"
    assert mention.id == KORENEVO_KURSK


def test_washington_in_a_war_article_is_the_us_capital(geoparser) -> None:
    text = KURSK_REPORT + "Officials in Washington and Moscow traded accusations about the talks."
    mention = resolved(geoparser, text, "Washington")
    assert mention.id == WASHINGTON_DC
    assert mention.kind == "populated_place" and mention.country == "US"


def test_washington_in_the_seeds(geoparser) -> None:
    sources = {s.id: s for s in read_sources([SEEDS]).sources}
    found = [m for s in sources.values() for m in geoparser.parse(s) if m.text == "Washington"]
    assert len(found) == 3
    assert {m.id for m in found} == {WASHINGTON_DC}


def test_demonyms_are_their_own_type(geoparser) -> None:
    text = KURSK_REPORT + "Ukrainian officials and Russians in Sudzha disagreed; one of them spoke Russian."
    mentions = parse(geoparser, text)
    ukrainian = [m for m in mentions if m.text == "Ukrainian"]
    assert ukrainian and all(m.type == "demonym" and m.country == "UA" for m in ukrainian)
    assert all(m.lat is not None for m in ukrainian)  # an adjective names the country: its point
    russians = at(mentions, text, "Russians")
    assert russians is not None and russians.type == "demonym" and russians.country == "RU"
    assert russians.lat is None  # a plural noun names people, not the land
    language = next((m for m in mentions if m.start == text.rindex("Russian")), None)
    assert language is not None and language.country == "RU" and language.lat is None  # a language
    assert "Ukrainian" not in surfaces(geoparser, text)


@pytest.mark.parametrize("demonym, country", [("Canadian", "CA"), ("Sudanese", "SD"), ("Chinese", "CN"),
                                              ("Peruvian", "PE"), ("American", "US"), ("Dutch", "NL")])
def test_every_country_has_its_demonym(geoparser, demonym: str, country: str) -> None:
    text = f"{demonym} officials said the outbreak had spread."
    mention = at(parse(geoparser, text), text, demonym)
    assert mention is not None and (mention.type, mention.country) == ("demonym", country)
    assert mention.lat is not None


# -- the JSON Lines contract -------------------------------------------------------------------

CONTRACT_FIELDS = {"source", "start", "end", "text", "name", "kind", "geonameid", "country", "admin1", "lat", "lon",
                   "confidence", "method"}


def test_jsonl_contract_on_the_seeds(cli_env) -> None:
    result = run_geomap(cli_env, "geocode", str(SEEDS), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    texts = {s.id: s.text for s in read_sources([SEEDS]).sources}
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) > 150
    assert {r["source"] for r in records} == set(texts)
    for record in records:
        assert CONTRACT_FIELDS <= set(record), sorted(CONTRACT_FIELDS - set(record))
        source_text = texts[record["source"]]
        assert record["text"] == source_text[record["start"]:record["end"]]
        assert record["text"] in record["sentence"]
        sentence_start = record["sentence_start"]
        assert source_text[sentence_start:sentence_start + len(record["sentence"])] == record["sentence"]
        assert sentence_start <= record["start"] < record["end"] <= sentence_start + len(record["sentence"])
        assert 0.0 <= record["confidence"] <= 1.0
        if record["type"] == "demonym" and record["lat"] is None:  # people ("Russians"), not the land
            assert record["lon"] is None and record["country"] and record["text"].endswith("s")
            continue
        assert -90 <= record["lat"] <= 90 and -180 <= record["lon"] <= 180
        if record["type"] in ("place", "embedded"):  # embedded: a place opening an organisation's name
            assert record["kind"] in PLACE_KINDS
            assert record["method"] in {"exact", "alias", "fuzzy", "context"}
            # Places are GeoNames entries; countries and admin-1 regions carry the GeoNames id where one exists.
            if record["kind"] == "populated_place":
                assert record["id"] == str(record["geonameid"])
            elif record["kind"] == "country":
                assert record["geonameid"] is not None
        else:
            assert record["type"] == "demonym" and record["country"]
    positions = [(r["source"], r["start"]) for r in records]
    assert positions == sorted(positions, key=lambda p: (list(texts).index(p[0]), p[1]))


def test_jsonl_is_deterministic(cli_env) -> None:
    first = run_geomap_process(cli_env, "geocode", str(SEEDS / "000_ec6c8a11782f386f.txt"))
    second = run_geomap_process(cli_env, "geocode", str(SEEDS / "000_ec6c8a11782f386f.txt"))
    assert first.returncode == 0 and first.stdout and first.stdout == second.stdout


# -- offsets hold for any text -----------------------------------------------------------------

WORDS = ["Sudzha", "Kursk", "Kursk region", "Russia's", "Russia’s", "Ukraine", "Ukrainian", "Суджа", "Курск",
         "the town of", "in", "near", "March", "Bar", "Of", "Putin", "Rostov-on-Don", "U.S.", "Washington",
         "Korenevo", "Suzhda", "troops", "said", "\u201cWe", "held\u201d", "the", "2,500", "km²", "(", ")",
         "Zaporizhzhia Oblast", "Sumy province", "—", "é", "\u00a0", "\ufffd", "Kharkiv's"]
SEPARATORS = [" ", " ", " ", ", ", ". ", "\n", "\n\n", "-", "'", ": ", "\t"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=40))
def test_offsets_and_sentences_hold_for_any_text(geoparser, pieces) -> None:
    text = "".join(word + separator for word, separator in pieces)
    for mention in parse(geoparser, text):
        assert 0 <= mention.start < mention.end <= len(text)
        assert mention.text == text[mention.start:mention.end]
        assert mention.text.strip() == mention.text
        assert text[mention.sentence_start:mention.sentence_start + len(mention.sentence)] == mention.sentence
        assert mention.text in mention.sentence
        if mention.type == "place":  # (a demonym of people or a language has no point)
            assert mention.lat is not None and mention.lon is not None

