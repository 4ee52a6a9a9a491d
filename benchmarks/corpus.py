"""A deterministic synthesiser of English news articles for geomap's benchmarks.

The articles read like wire copy about the wars geomap is built for (Ukraine and
Russia, Syria, Sudan, Gaza) plus a share of other news (economy, weather, sport,
politics) so that a benchmark corpus is not all war. Sentences come from templates
with varied structures (a place opening the sentence, possessives, "the town of X",
region phrases, lists, quotes, datelines, hyphenated compounds) filled with:

- real place names from the bundled gazetteer (GeoNames populated places with at
  least 5,000 people in the article's region, written without diacritics the way
  English newspapers write them; Natural Earth admin-1 names as "the X region",
  "X Oblast", "X province", "X state");
- people's names (public figures and invented reporters and analysts);
- quantities the claims extractor looks for: areas in km² / square miles /
  hectares, shares and fractions, depths, distances, front widths, counts, dates.

Determinism: article ``i`` of seed ``s`` depends only on ``(s, i)`` and on the
bundled gazetteer, so ``synthesise(10)`` is a prefix of ``synthesise(100)`` and
the same call gives the same text on every machine.

Usage::

    /work/venv/bin/python benchmarks/corpus.py 500 /tmp/news.jsonl        # 500 articles, seed 0
    /work/venv/bin/python benchmarks/corpus.py 500 /tmp/news.jsonl --seed 7

>>> articles = synthesise(3)                                   # doctest: +SKIP
>>> sorted(articles[0])                                        # doctest: +SKIP
['id', 'outlet', 'published', 'text', 'title']
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import random
import re
import string
import sys
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

MIN_BYTES = 1100  # every article is at least this long (UTF-8) ...
MAX_BYTES = 6000  # ... and at most this long
MIN_POPULATION = 5000
SQ_MI_TO_KM2 = 2.589988  # unit conversion for "386 square miles (1,000 km²)", not geodesy


# -- the gazetteer's names ----------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    name: str  # as an English newspaper writes it (no diacritics)
    country: str
    region: str  # ISO 3166-2 code of its admin-1 region
    population: int
    cyrillic: str | None = None  # a Cyrillic spelling from GeoNames' alternates, when there is one


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    country: str
    type: str  # Natural Earth's type: Region, Province, State, ...


_PLAIN_NAME = re.compile(r"[A-Z][A-Za-z'\- ]{2,24}")
_CYRILLIC_NAME = re.compile(r"[А-ЯЁЇІЄҐ][а-яёїієґ'\-]{2,24}")


def plain_spelling(name: str) -> str:
    """"Ţarţūs" -> "Tartus", "Khān Yūnis" -> "Khan Yunis": the spelling English newspapers use."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = re.sub(r"[‘’ʼʻ`´]", "", stripped)  # ayn/hamza marks: "Ḩalab" keeps no apostrophe
    return stripped.replace("Ḩ", "H")


def _geodata_dir() -> Path:
    try:
        from geomap.paths import geodata_dir
    except ImportError:  # run from a checkout without geomap installed
        return Path(__file__).resolve().parent.parent / "geodata"
    return geodata_dir()


def _common_words(data_dir: Path) -> set[str]:
    """English words that are also place names ("Of", "Bar"): kept out, so every inserted name is a place."""
    path = data_dir / "common_words.txt"
    if not path.is_file():
        return set()
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, zipf = line.partition("\t")
        if float(zipf or 0) >= 3.0:
            words.add(word)
    return words


@functools.lru_cache(maxsize=2)
def gazetteer_names(data_dir: Path | None = None) -> tuple[dict[str, list[Place]], dict[str, Region]]:
    """Places (population >= 5,000) by admin-1 code, and admin-1 regions by code, from geodata/.

    Read straight from the bundled files (never the user's imported dumps) so the
    corpus is the same on every machine. Lists are sorted, so choices are stable.
    """
    data_dir = data_dir or _geodata_dir()
    common = _common_words(data_dir)
    places: dict[str, list[Place]] = {}
    with gzip.open(data_dir / "places.tsv.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            _, name, _, _, country, _, region, population, _, alternates = line.rstrip("\n").split("\t", 9)
            if not population or int(population) < MIN_POPULATION or not region:
                continue
            plain = plain_spelling(name)
            if not _PLAIN_NAME.fullmatch(plain) or plain.lower() in common or "  " in plain:
                continue
            cyrillic = next((a for a in alternates.split("|") if _CYRILLIC_NAME.fullmatch(a)), None)
            places.setdefault(region, []).append(Place(plain, country, region, int(population), cyrillic))
    for members in places.values():
        members.sort(key=lambda p: (-p.population, p.name))
    regions: dict[str, Region] = {}
    with gzip.open(data_dir / "regions.tsv.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            values = line.rstrip("\n").split("\t")
            code, kind, name, country = values[:4]
            if kind == "admin1" and _PLAIN_NAME.fullmatch(plain_spelling(name)):
                regions[code] = Region(code, plain_spelling(name), country, values[10] if len(values) > 10 else "")
    return places, regions


def region_phrases(region: Region) -> list[str]:
    """Ways an article names an admin-1 region: "Kursk Oblast", "the Kursk region", "Sumy province"."""
    name = region.name
    for suffix in (" Oblast", " Krai"):
        if name.endswith(suffix):
            base = name[: -len(suffix)]
            return [name, f"the {base} region", f"{base} region", f"{base} province", f"the {base} oblast"]
    if region.type.startswith("Province") or region.type == "Governorate":
        return [f"{name} province", f"the {name} governorate", f"the province of {name}"]
    if region.type == "State":
        return [f"{name} state", f"{name} State", f"the state of {name}"]
    if region.type == "District":
        return [f"the {name} District"]
    if region.code == "PS-GZZ":
        return ["the Gaza Strip", "Gaza"]
    if region.code == "PS-WBK":
        return ["the West Bank"]
    return [name]


# -- what each kind of story is about -----------------------------------------------------------

@dataclass(frozen=True)
class Theatre:
    key: str
    countries: tuple[str, ...]
    focus: tuple[str, ...]  # admin-1 codes where the fighting (or the story) is
    sides: tuple[tuple[str, str, str], tuple[str, str, str]]  # (adjective, country/group, capital)
    leaders: tuple[str, ...]
    commanders: tuple[str, ...]
    start: date
    end: date
    war: bool = True


THEATRES = (
    Theatre("ukraine", ("UA", "RU"),
            ("RU-KRS", "RU-BEL", "RU-BRY", "UA-59", "UA-63", "UA-14", "UA-09", "UA-23", "UA-12", "UA-65", "UA-74"),
            (("Ukrainian", "Ukraine", "Kyiv"), ("Russian", "Russia", "Moscow")),
            ("Vladimir Putin", "Volodymyr Zelensky", "Donald Trump", "Sergei Lavrov", "Dmitry Peskov"),
            ("Oleksandr Syrsky", "Valery Gerasimov", "Andrei Belousov"),
            date(2022, 2, 24), date(2025, 6, 30)),
    Theatre("syria", ("SY",), ("SY-HL", "SY-ID", "SY-HM", "SY-HI", "SY-DR", "SY-LA", "SY-DY", "SY-RD"),
            (("Syrian", "Syria", "Damascus"), ("rebel", "the opposition", "Idlib")),
            ("Ahmed al-Sharaa", "Bashar al-Assad", "Recep Tayyip Erdogan"), ("Maher al-Assad",),
            date(2016, 1, 1), date(2025, 3, 31)),
    Theatre("sudan", ("SD",), ("SD-DN", "SD-DS", "SD-KH", "SD-GZ", "SD-KN", "SD-NW", "SD-SI"),
            (("Sudanese", "Sudan", "Khartoum"), ("paramilitary", "the Rapid Support Forces", "Nyala")),
            ("Abdel Fattah al-Burhan", "Mohamed Hamdan Dagalo"), ("Yasser al-Atta",),
            date(2023, 4, 15), date(2025, 6, 30)),
    Theatre("gaza", ("IL", "PS"), ("PS-GZZ", "PS-WBK", "IL-D", "IL-Z"),
            (("Israeli", "Israel", "Jerusalem"), ("Palestinian", "Hamas", "Gaza")),
            ("Benjamin Netanyahu", "Mahmoud Abbas", "Donald Trump"), ("Herzi Halevi",),
            date(2023, 10, 7), date(2025, 6, 30)),
    Theatre("world", ("DE", "PL", "FR", "GB", "US", "TR", "IT", "ES", "RO", "MD", "GE", "KZ", "RS", "CZ"),
            (), (("European", "Europe", "Brussels"), ("American", "the United States", "Washington")),
            ("Olaf Scholz", "Emmanuel Macron", "Donald Trump", "Ursula von der Leyen", "Keir Starmer"), (),
            date(2020, 1, 1), date(2025, 6, 30), war=False),
)
THEATRE_WEIGHTS = (45, 12, 12, 11, 20)

COUNTRY_NAMES = {"DE": "Germany", "PL": "Poland", "FR": "France", "GB": "Britain", "US": "the United States",
                 "TR": "Turkey", "IT": "Italy", "ES": "Spain", "RO": "Romania", "MD": "Moldova", "GE": "Georgia",
                 "KZ": "Kazakhstan", "RS": "Serbia", "CZ": "the Czech Republic", "UA": "Ukraine", "RU": "Russia",
                 "SY": "Syria", "SD": "Sudan", "IL": "Israel", "PS": "Gaza"}
OUTLETS = ("The Meridian Wire", "Northern Ledger", "Eastern Herald", "The Frontline Review", "Daily Compass",
           "Harbour Times", "The Continental", "Morning Dispatch", "Global Desk", "The Lantern")
FIRST_NAMES = ("Olena", "Artem", "Maria", "James", "Sofia", "Daniel", "Iryna", "Pavel", "Leila", "Omar", "Hannah",
               "Tomasz", "Claire", "Yusuf", "Anna", "Mikhail", "Fatima", "David", "Nadia", "Lukas")
LAST_NAMES = ("Marchenko", "Kovalenko", "Whitfield", "Hassan", "Novak", "Petrov", "Brennan", "Haddad", "Lindqvist",
              "Okafor", "Sokolova", "Kariakin", "Delacroix", "Rahimi", "Fischer", "Moreau", "Tkachenko", "Osei")
INSTITUTIONS = ("the Institute for the Study of War", "the United Nations", "the International Committee of the Red Cross",
                "a Western intelligence official", "the regional governor's office", "open-source analysts",
                "the Ministry of Defence", "military bloggers", "the agency's own mapping team")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
FRACTIONS = (("one third", 1 / 3), ("a quarter", 0.25), ("half", 0.5), ("two thirds", 2 / 3), ("a fifth", 0.2),
             ("three quarters", 0.75))


# -- filling templates ---------------------------------------------------------------------------

def _thousands(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 or value == int(value) else f"{value:,.1f}"


class Filler:
    """Values for one article's template slots, drawn from one seeded random generator.

    Each slot name is a method; a template's repeated slot gets one value per
    sentence (``str.format`` with a dict), ``place2``/``place3`` give other places.
    """

    def __init__(self, rng: random.Random, theatre: Theatre, places: list[Place], regions: list[Region],
                 published: date):
        self.rng = rng
        self.theatre = theatre
        self.places = places
        self.regions = regions
        self.published = published
        self.side, self.other = theatre.sides if rng.random() < 0.5 else theatre.sides[::-1]
        self._sentence_places: list[Place] = []
        self.begin_sentence()

    # places
    def begin_sentence(self) -> None:
        """Draw this sentence's places: up to three distinct ones, the article's first places most often.

        Articles keep returning to a few places, as real reports do.
        """
        remaining = list(range(len(self.places)))
        chosen = []
        while remaining and len(chosen) < 3:
            pick = self.rng.choices(remaining, weights=[1.0 / (i + 1) for i in remaining], k=1)[0]
            remaining.remove(pick)
            chosen.append(self.places[pick])
        self._sentence_places = chosen

    def _place(self, index: int) -> Place:
        return self._sentence_places[min(index, len(self._sentence_places) - 1)]

    def place(self) -> str:
        return self._place(0).name

    def place2(self) -> str:
        return self._place(1).name

    def place3(self) -> str:
        return self._place(2).name

    def town_of(self) -> str:
        place = self._place(0)
        kind = "city" if place.population >= 100_000 else self.rng.choice(("town", "town", "village", "settlement"))
        return f"the {kind} of {place.name}"

    def place_with_cyrillic(self) -> str:
        place = next((p for p in self.places if p.cyrillic), None)
        if place is None:
            return self.place()
        return f"{place.name} ({place.cyrillic})"

    def region(self) -> str:
        return self.rng.choice(region_phrases(self.rng.choice(self.regions))) if self.regions else self.country()

    def country(self) -> str:
        return COUNTRY_NAMES.get(self.places[0].country, self.side[1])

    def possessive_country(self) -> str:
        name = self.country()
        return name + ("'" if name.endswith("s") else "'s")

    def capital(self) -> str:
        return self.side[2]

    def other_capital(self) -> str:
        return self.other[2]

    # sides and people
    def actor(self) -> str:
        return self.side[0]

    def enemy(self) -> str:
        return self.other[0]

    def actor_name(self) -> str:
        return self.side[1]

    def enemy_name(self) -> str:
        return self.other[1]

    def leader(self) -> str:
        return self.rng.choice(self.theatre.leaders)

    def commander(self) -> str:
        return self.rng.choice(self.theatre.commanders or self.theatre.leaders)

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def surname(self) -> str:
        return self.rng.choice(LAST_NAMES)

    def institution(self) -> str:
        return self.rng.choice(INSTITUTIONS)

    # quantities
    def area(self) -> str:
        """An area in one of the units newspapers use, sometimes with the other unit in brackets."""
        km2 = self.rng.choice((110, 130, 250, 386 * SQ_MI_TO_KM2, 1_000, 1_300, 1_368, 50 * SQ_MI_TO_KM2,
                               self.rng.randint(20, 3_000)))
        style = self.rng.randrange(6)
        if style == 0:
            return f"{_thousands(km2)} square kilometres"
        if style == 1:
            return f"{_thousands(km2 / SQ_MI_TO_KM2)} square miles ({_thousands(km2)} km²)"
        if style == 2:
            return f"{_thousands(km2)} km²"
        if style == 3:
            return f"{_thousands(km2 / SQ_MI_TO_KM2)} sq mi"
        if style == 4:
            return f"{_thousands(km2 * 100)} hectares"
        return f"{_thousands(km2)} sq km ({_thousands(km2 / SQ_MI_TO_KM2)} square miles)"

    def area2(self) -> str:
        return self.area()

    def qualifier(self) -> str:
        return self.rng.choice(("about", "roughly", "nearly", "more than", "almost", "some", "up to", "at least"))

    def share(self) -> str:
        percent = self.rng.choice((30, 40, 60, 70, 86, 90, self.rng.randint(5, 95)))
        return self.rng.choice((f"{percent}%", f"{percent} percent", f"{percent} per cent"))

    def fraction(self) -> str:
        return self.rng.choice(FRACTIONS)[0]

    def depth(self) -> str:
        km = self.rng.randint(3, 40)
        return self.rng.choice((f"{km} kilometres", f"{km} km", f"{round(km / 1.609)} miles"))

    def distance(self) -> str:
        km = self.rng.randint(5, 400)
        return self.rng.choice((f"{km} km", f"{km} kilometres", f"{round(km / 1.609)} miles ({km} km)"))

    def width(self) -> str:
        km = self.rng.randint(10, 120)
        return self.rng.choice((f"{km}-kilometre", f"{km}-km", f"{round(km / 1.609)}-mile"))

    def count(self) -> str:
        return _thousands(self.rng.choice((12, 28, 74, 93, 120, 350, 1_200, 2_500, 60_000, self.rng.randint(2, 900))))

    def villages(self) -> str:
        return str(self.rng.randint(3, 100))

    def people(self) -> str:
        return _thousands(self.rng.randint(5, 400) * 1000)

    def money(self) -> str:
        return f"${self.rng.randint(2, 90)}{self.rng.choice((' million', ' billion', 'm', 'bn'))}"

    def percent_change(self) -> str:
        return f"{self.rng.randint(1, 30)}.{self.rng.randint(0, 9)}%"

    def temperature(self) -> str:
        return f"{self.rng.randint(-25, 42)}C"

    def rain(self) -> str:
        return f"{self.rng.randint(20, 250)} millimetres"

    # time
    def _day(self, back_days: int = 120) -> date:
        return self.published - timedelta(days=self.rng.randint(0, back_days))

    def date(self) -> str:
        day = self._day()
        return self.rng.choice((f"{day.day} {MONTHS[day.month - 1]}", f"{MONTHS[day.month - 1]} {day.day}",
                                f"{MONTHS[day.month - 1]} {day.day}, {day.year}", f"{day.day} {MONTHS[day.month - 1]} {day.year}"))

    def month(self) -> str:
        return MONTHS[self._day(300).month - 1]

    def weekday(self) -> str:
        return WEEKDAYS[self._day(6).weekday()]

    def year(self) -> str:
        return str(self._day(700).year)

    def period(self) -> str:
        return self.rng.choice(("last week", "in recent days", "overnight", "since the summer", "earlier this month",
                                f"on {self.weekday()}", f"in mid-{self.month()}", f"by early {self.month()}"))


def fill(template: str, filler: Filler) -> str:
    """One sentence: every ``{slot}`` of the template filled by the filler method of that name."""
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    filler.begin_sentence()
    text = template.format(**{name: getattr(filler, name)() for name in sorted(names)})
    return text[0].upper() + text[1:]


# -- templates -----------------------------------------------------------------------------------

WAR_TEMPLATES = (
    "{actor} forces advanced {depth} near {place} {period}, according to {institution}.",
    "{place} came under heavy shelling {period}, and officials in {place2} said {count} people had been evacuated.",
    "Fighting continued around {town_of}, where {enemy} troops were trying to cut a supply road to {place2}.",
    "The {enemy} command said its units had retaken {place}, {place2} and {villages} smaller settlements in {region}.",
    "Residents of {place} described a night of explosions, with drones striking a depot on the edge of the town.",
    "{possessive_country} authorities said an attack on {place}, some {distance} from the front, had been repelled.",
    "In {region}, {actor} units held a {width} stretch of the front between {place} and {place2}.",
    "Satellite images show the trenches dug north of {place} since {month}.",
    "By {date}, {enemy} soldiers had reached the outskirts of {place}, a town of about {people} people before the war.",
    "Units of the {actor} army withdrew from positions near {place3} to avoid encirclement.",
    "The road from {place} to {place2} is now within range of artillery, drivers said.",
    "Officials in {place} said power was cut to {count} homes after a strike on a substation.",
    "The village of {place3} changed hands twice in {month}, local officials said.",
    "{commander} told {leader} that the offensive toward {place} was going to plan.",
    "{enemy} forces were {distance} from {place} on {date}, according to maps published by {institution}.",
    "A convoy of aid reached {place} on {weekday}, the first in {villages} days.",
    "Shelling of {place} and {place2} killed {count} civilians {period}, the regional administration said.",
    "Troops crossed into {region} in {month} {year} and took the town of {place} within days.",
    "{actor} drones hit an airfield near {place2} overnight, a source in the security services said.",
    "The front near {place} has barely moved since {month}, but casualties on both sides are high.",
    "Engineers mined the approaches to {place} and blew up a bridge over the river east of {place2}.",
)
CLAIM_TEMPLATES = (
    "{actor} forces seized {qualifier} {area} of territory in {region} in the first weeks of the operation.",
    "By {date}, {enemy} troops had retaken {share} of the area lost in {region}, {institution} estimated.",
    "Only {fraction} of the salient around {place} remained under {actor} control by {date}.",
    "The {actor} army now holds {qualifier} {area}, down from {area2} at the peak.",
    "{institution} put the area still held at {area}, while {leader} claimed it was {share} smaller.",
    "The advance reached a depth of {depth} on a front {distance} wide near {place}.",
    "{place} lies {distance} from the border and {distance} from the regional capital.",
    "{count} soldiers were captured near {place}, the {enemy} ministry said, a figure that could not be verified.",
    "The {actor} side has lost {qualifier} {count} troops in the campaign, according to {institution}.",
    "{actor} troops pushed {depth} deep into {region} and took {villages} villages.",
    "The area under {enemy} control has grown by {area} {period}, an analysis by {institution} showed.",
    "That is {qualifier} {share} of {region}, an area larger than the territory around {place2}.",
    "Forces loyal to {commander} retook {fraction} of the ground they had lost near {place} in {month}.",
)
QUOTE_TEMPLATES = (
    "\u201cWe are holding {place}, but the pressure is enormous,\u201d said {person}, a {actor} officer.",
    "\u201cThe situation around {place} is difficult,\u201d {commander} said in a statement on {weekday}.",
    "\u201cNobody expected {place2} to fall this quickly,\u201d said {person}, an analyst in {capital}.",
    "{leader} said {period} that talks could only begin once {enemy} troops left {region}.",
    "\u201cOur people in {place} need water and medicine,\u201d said {person}, a volunteer from {place2}.",
    "Speaking in {other_capital}, {leader} called the retreat from {place} \u201ca tactical decision\u201d.",
    "{surname}, who fled {place} in {month}, said most of her street had been destroyed.",
)
BACKGROUND_TEMPLATES = (
    "The {actor_name}-{enemy_name} talks in Istanbul broke down in {month} without agreement.",
    "Officials in {capital} and {other_capital} traded accusations over the collapse of a ceasefire.",
    "{place_with_cyrillic} had a population of about {people} before the war.",
    "Aid groups say {people} people have been displaced from {region} alone.",
    "The war has reshaped politics in {capital}, where {leader} faces growing pressure.",
    "Reporters from {institution} visited {place} in {month} and found the centre largely empty.",
    "Diplomats from Washington, Brussels and Ankara are pressing for a pause in the fighting.",
)
WORLD_TEMPLATES = (
    "Factory output in {region} rose {percent_change} in {month}, led by carmakers around {place}.",
    "Floods after {rain} of rain in two days forced {count} people from their homes in {place}.",
    "{place} recorded {temperature} on {weekday}, the highest reading since records began.",
    "The council in {place} approved a {money} plan to rebuild the tram line to {place2}.",
    "Voters in {region} head to the polls on {date}, with polls showing a close race in {place}.",
    "{person}, the mayor of {place}, said the new bridge would cut the drive to {place2} by half an hour.",
    "The club from {place} beat the visitors from {place2} 2-1 on {weekday}, ending a run of {villages} defeats.",
    "Unemployment in {region} fell to {share}, the statistics office said.",
    "Rail services between {place} and {place2} were suspended after a landslide {distance} south of {place}.",
    "{leader} visited {place} on {date} to open a plant that will employ {count} people.",
    "Grain prices in {place} climbed {percent_change} after the harvest in {region} came in {share} below forecasts.",
    "The new ring road around {place} covers {area} of former farmland, planners said.",
)
WORLD_QUOTES = (
    "“Nobody expected prices in {place} to rise this quickly,” said {person}, an economist in {capital}.",
    "“The water came up to the windows,” said {person}, who lives on the river in {place}.",
    "“We have waited {villages} years for this road,” said {person}, a shop owner in {place2}.",
    "{leader} said {period} that {region} would get more money for schools.",
    "“It was the best match I have seen in {place},” said {person}, a season-ticket holder.",
)
TITLE_TEMPLATES = (
    "{actor} forces push toward {place} as fighting spreads in {region}",
    "Battle for {place}: what we know",
    "Residents flee {place} as front edges closer",
    "{enemy} troops retake {place}, officials say",
    "How much of {region} does each side hold?",
)
WORLD_TITLES = (
    "{place} counts the cost of the floods",
    "What the {region} vote means for {capital}",
    "Plans for {place} approved after long debate",
)


# -- articles ------------------------------------------------------------------------------------

def _pick_theatre(rng: random.Random) -> Theatre:
    return rng.choices(THEATRES, weights=THEATRE_WEIGHTS, k=1)[0]


def _article_places(rng: random.Random, theatre: Theatre, places_by_region: dict[str, list[Place]],
                    regions: dict[str, Region]) -> tuple[list[Place], list[Region]]:
    """A focus region and a neighbour: the places an article returns to, largest towns most likely."""
    if theatre.focus:
        focus = [code for code in theatre.focus if places_by_region.get(code)]
    else:  # other news: two regions of one country
        by_country: dict[str, list[str]] = {}
        for code in sorted(places_by_region):
            country = places_by_region[code][0].country
            if country in theatre.countries and code in regions and len(places_by_region[code]) >= 3:
                by_country.setdefault(country, []).append(code)
        focus = by_country[rng.choice(sorted(by_country))]
    codes = rng.sample(focus, k=min(2, len(focus)))
    pool: list[Place] = []
    for code in codes:
        members = places_by_region[code][:40]
        pool += rng.sample(members, k=min(len(members), rng.randint(3, 8)))
    return pool, [regions[code] for code in codes if code in regions]


def _fresh_template(rng: random.Random, pool: tuple[str, ...], used: set[str]) -> str:
    """A template the article has not used yet (all of them again once the pool is spent)."""
    fresh = [t for t in pool if t not in used] or list(pool)
    template = rng.choice(fresh)
    used.add(template)
    return template


def _paragraph(rng: random.Random, filler: Filler, theatre: Theatre, used: set[str]) -> str:
    if theatre.war:
        pools = (WAR_TEMPLATES, CLAIM_TEMPLATES, QUOTE_TEMPLATES, BACKGROUND_TEMPLATES)
        weights = (5, 3, 2, 1)
    else:
        pools = (WORLD_TEMPLATES, WORLD_QUOTES)
        weights = (5, 2)
    sentences = []
    for _ in range(rng.randint(2, 4)):
        pool = rng.choices(pools, weights=weights, k=1)[0]
        sentences.append(fill(_fresh_template(rng, pool, used), filler))
    return " ".join(sentences)


def synthesise_article(index: int, seed: int = 0) -> dict:
    """Article ``index`` of corpus ``seed``: a dict with id, text, published, outlet, title."""
    rng = random.Random(f"geomap-corpus:{seed}:{index}")  # str seeds hash with SHA-512: stable everywhere
    places_by_region, regions = gazetteer_names()
    theatre = _pick_theatre(rng)
    published = theatre.start + timedelta(days=rng.randint(0, (theatre.end - theatre.start).days))
    places, article_regions = _article_places(rng, theatre, places_by_region, regions)
    filler = Filler(rng, theatre, places, article_regions, published)
    title = fill(rng.choice(TITLE_TEMPLATES if theatre.war else WORLD_TITLES), filler)
    paragraphs: list[str] = []
    used: set[str] = set()
    if rng.random() < 0.4:
        dateline = f"{places[0].name.upper()}, {filler.country().removeprefix('the ')} \u2014 "
        paragraphs.append(dateline + _paragraph(rng, filler, theatre, used))
    target = rng.randint(MIN_BYTES, MAX_BYTES - 400)
    size = lambda parts: len("\n\n".join(parts).encode("utf-8"))  # noqa: E731
    while size(paragraphs) < target:
        paragraph = _paragraph(rng, filler, theatre, used)
        if size(paragraphs + [paragraph]) > MAX_BYTES:
            break
        paragraphs.append(paragraph)
    while size(paragraphs) < MIN_BYTES:  # a long paragraph was refused: top up with single sentences
        paragraphs.append(fill(_fresh_template(rng, WAR_TEMPLATES if theatre.war else WORLD_TEMPLATES, used), filler))
    return {"id": f"syn-{seed}-{index:05d}", "text": "\n\n".join(paragraphs) + "\n",
            "published": published.isoformat(), "outlet": rng.choice(OUTLETS), "title": title}


def synthesise(n_articles: int, seed: int = 0) -> list[dict]:
    """``n_articles`` news-like articles, each 1-6 KB, deterministic in (n_articles, seed).

    Parameters
    ----------
    n_articles : int
        How many articles.
    seed : int
        Corpus seed; article ``i`` depends only on ``(seed, i)``.

    Returns
    -------
    list of dict
        ``{"id", "text", "published" (YYYY-MM-DD), "outlet", "title"}`` per article, the
        fields of a geomap JSON Lines corpus.
    """
    if n_articles < 0:
        raise ValueError("n_articles must be >= 0")
    return [synthesise_article(i, seed) for i in range(n_articles)]


def synthesise_bytes(min_bytes: int, seed: int = 0) -> list[dict]:
    """The shortest prefix of corpus ``seed`` with at least ``min_bytes`` of text (UTF-8)."""
    articles, total = [], 0
    while total < min_bytes:
        article = synthesise_article(len(articles), seed)
        articles.append(article)
        total += len(article["text"].encode("utf-8"))
    return articles


def to_jsonl(articles: list[dict]) -> str:
    return "".join(json.dumps(a, ensure_ascii=False, sort_keys=False) + "\n" for a in articles)


def write_map(n_articles: int, folder: Path) -> Path:
    """Build the map alone (no exports, figures or fragment) of ``n_articles`` synthetic articles in ``folder``.

    Returns the path of its index.html (used by the large-map test and benchmarks/bench_map_load.py).
    """
    from geomap import pipeline

    corpus_path = folder / f"corpus-{n_articles}.jsonl"
    corpus_path.write_text(to_jsonl(synthesise(n_articles)), encoding="utf-8")
    results = pipeline.run([corpus_path], jobs=2)
    options = pipeline.OutputOptions(fragment=False, exports=False, geopackage=False, figures=False)
    pipeline.write(results, folder / "out", options)
    return folder / "out" / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write N synthetic news articles as a geomap JSON Lines corpus.")
    parser.add_argument("n_articles", type=int, help="number of articles")
    parser.add_argument("out", type=Path, help="output .jsonl file (written atomically)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    args = parser.parse_args(argv)
    if args.n_articles < 0:
        parser.error("N must be >= 0")
    text = to_jsonl(synthesise(args.n_articles, args.seed))
    try:
        from geomap.atomic import write_text
    except ImportError:
        args.out.write_text(text, encoding="utf-8")
    else:
        write_text(args.out, text)
    print(f"corpus: wrote {args.n_articles} articles ({len(text.encode('utf-8')):,} bytes) to {args.out}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
