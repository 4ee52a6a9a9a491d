"""The package list, found rather than written out (the rest of the metadata is in pyproject.toml).

Every package under geomap/ is found automatically, so a new subpackage (or a folder of assets) cannot be
left out of the wheel. The bundled data and seeds are added by name: they live at the top of the checkout
(geodata/, seeds/) and pyproject.toml's package-dir maps them to geomap/_geodata and geomap/_seeds, which
the automatic search of pyproject.toml alone cannot combine with.
"""

from setuptools import find_namespace_packages, setup

PACKAGES = find_namespace_packages(include=["geomap", "geomap.*"], exclude=["*.__pycache__"])
setup(packages=PACKAGES + ["geomap._geodata", "geomap._seeds"])
