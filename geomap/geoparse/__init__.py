"""Geoparsing: find every place an article names and resolve it on the gazetteer.

The geoparser is a pipeline of passes, each a module with stated inputs and outputs:

1. :mod:`~geomap.geoparse.scan`: every gazetteer name and listed word that starts at a
   capitalised word (one numpy pass over hashes of the folded text, for a batch of
   articles at once: ``Geoparser.parse_many``);
2. :mod:`~geomap.geoparse.spans`: the longest of overlapping hits; demonyms apart;
3. :mod:`~geomap.geoparse.filters`: the article's evidence that a name is no place here
   (a person, part of an organisation's name, a common word without a place cue);
4. :mod:`~geomap.geoparse.candidates`: each name's gazetteer entries and the cue of its phrase;
5. :mod:`~geomap.geoparse.resolve`: the entry each name means, read against the article's
   other places;
6. :mod:`~geomap.geoparse.fuzzy`: misspellings of places the article names.

The word lists every pass reads (titles, months, cue words...) are data:
``[geoparse]`` in geodata/curated.toml (:mod:`~geomap.geoparse.words`).
"""

from geomap.geoparse.parser import Geoparser, geocode, load_geoparser
from geomap.geoparse.text import split_sentences

__all__ = ["Geoparser", "geocode", "load_geoparser", "split_sentences"]
