"""The seeds' outputs are byte for byte those recorded in tests/data/seeds_outputs.sha256.

Two builds of the bundled seeds (plain; with a reference layer and two jobs) and the record commands'
standard output in every format, each a `geomap` process as a user runs it. A refactoring must leave
every one of these files as it was; a deliberate change regenerates the list (tests/seeds_outputs.py).
"""

from __future__ import annotations

import pytest

from tests import seeds_outputs


def test_seeds_outputs_are_unchanged(tmp_path):
    expected, made_with = seeds_outputs.read_digests()
    here = seeds_outputs.versions()
    differ = {name: (version, here.get(name)) for name, version in made_with.items() if here.get(name) != version}
    if differ:
        pytest.skip(
            f"the digests were made with other library versions ({differ}); "
            "regenerate them with tests/seeds_outputs.py before comparing"
        )
    found = seeds_outputs.current_digests(tmp_path)
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    changed = sorted(name for name in set(expected) & set(found) if expected[name] != found[name])
    assert not (missing or extra or changed), f"missing: {missing}; new: {extra}; changed: {changed}"
