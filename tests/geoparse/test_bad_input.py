"""Hostile input for the geoparser (issue 15, "Bad input"): other scripts, headlines in capitals, one name
repeated for a megabyte, invisible characters inside names. No crash, sensible output; the time is
measured by benchmarks/bench_geoparse.py, not asserted here."""

from __future__ import annotations

from geomap.records import Source

from .support import parse, places


def found(geoparser, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.id) for m in places(parse(geoparser, text))]


def test_other_scripts_around_latin_and_cyrillic_names(geoparser) -> None:
    text = ("俄罗斯军队在 Kursk 附近推进。القوات الروسية قرب Sudzha في منطقة كورسك. "
            "Ουκρανικά στρατεύματα στο Κουρσκ. Российские войска заняли Суджу и Курск.")
    names = dict(found(geoparser, text))
    assert names.get("Суджу") == "486816" and names.get("Курск") in {"538560", "RU-KRS"}
    assert names.get("Kursk") in {"538560", "RU-KRS"}
    for mention in parse(geoparser, text):
        assert text[mention.start:mention.end] == mention.text


def test_a_text_in_a_script_the_gazetteer_lacks_names_nothing(geoparser) -> None:
    assert parse(geoparser, "日本の首都は東京です。中国の首都は北京です。" * 50) == []


def test_a_headline_in_capitals(geoparser) -> None:
    text = "RUSSIA RETAKES SUDZHA IN KURSK REGION AS UKRAINIAN TROOPS LEAVE KYIV'S LAST FOOTHOLD\nText follows."
    assert found(geoparser, text) == [("RUSSIA", "RU"), ("SUDZHA", "486816"), ("KURSK REGION", "RU-KRS"),
                                      ("KYIV", "703448")]


def test_a_megabyte_of_one_name(geoparser) -> None:
    text = "Kyiv, " * 170_000
    mentions = geoparser.parse(Source(id="repeated", text=text))
    assert len(mentions) == 170_000 and {m.id for m in mentions} == {"703448"}
    longest_quote = max(len(m.sentence) for m in mentions)
    assert longest_quote <= 700  # a window around the name, not the megabyte-long "sentence"
    last = mentions[-1]
    assert text[last.sentence_start:last.sentence_start + len(last.sentence)] == last.sentence


def test_a_megabyte_of_one_name_without_punctuation(geoparser) -> None:
    mentions = geoparser.parse(Source(id="repeated", text="Kyiv " * 200_000))
    # Each "Kyiv" is glued to the next capitalised word: a name like "Kyiv Kyiv" is no place we know.
    assert len(mentions) <= 1


def test_invisible_characters_and_soft_hyphens_inside_names(geoparser) -> None:
    text = ("Russian troops retook Sud\u00adzha and Korenevo in the Kursk\u200b region; "
            "drones hit Khar\u200dkiv and Zapo\u00adrizh\u00adzhia\ufeff.")
    names = found(geoparser, text)
    assert ("Sud\u00adzha", "486816") in names and ("Kursk", "RU-KRS") in names
    assert ("Khar\u200dkiv", "706483") in names
    assert any(name.startswith("Zapo\u00adrizh") for name, _ in names)
