#!/usr/bin/env bash
# Install everything the test suite needs and run it: Debian's chromium (browser tests), gdal-bin
# (ogrinfo reads the exports) and strace (kills a build at a chosen file rename), a virtual environment
# with geomap and its test extras, ruff (lint of geomap/, format of the modules listed below) and mypy
# (the modules listed below), a smoke test of the wheel (tests/wheel_smoke.py: a regular install into a
# fresh venv builds the seeds), then pytest. Safe to run again: installed pieces are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v ogrinfo >/dev/null 2>&1 || need+=(gdal-bin)
command -v strace >/dev/null 2>&1 || need+=(strace)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'
# Formatted by ruff so far: the modules of the stage tables, the pipeline and its workers, the view model, the
# API and the one-per-job helpers (dates, atomic writes, formats). Others join when they are next rewritten
# (formatting every module at once would collide with the work in progress on other branches).
FORMATTED=(geomap/schema.py geomap/pipeline.py geomap/workers.py geomap/resources.py geomap/view.py geomap/api.py
           geomap/dates.py geomap/atomic.py geomap/formats.py geomap/article_cache.py geomap/cluster.py
           geomap/entry_store.py geomap/basemap_cache.py geomap/figure_cache.py geomap/text_stages.py)
# Also formatted: the test helpers and the top-level tests, and the benchmarks, that no other branch is editing
# (the stages' own tests join with their stages).
FORMATTED_SCRIPTS=(tests/__init__.py tests/browser_support.py tests/cli_support.py tests/html_structure.py
                   tests/seeds_outputs.py tests/work.py tests/test_article_cache.py tests/test_cli_support.py
                   tests/test_dates.py tests/test_workers.py tests/test_webpage.py tests/test_seeds_outputs.py tests/test_figure_cache.py
                   tests/test_seeds_map_browser.py benchmarks/timing.py benchmarks/bench_claims.py
                   benchmarks/bench_gazetteer.py benchmarks/bench_geoparse.py benchmarks/bench_build.py
                   benchmarks/bench_hot_paths.py benchmarks/bench_inputs.py benchmarks/bench_map_load.py
                   benchmarks/reference_estimate.py benchmarks/bench_text_stages.py benchmarks/bench_derive.py)
# Checked by mypy: those geomap modules, and the command line, the readers of sources and web pages, the records, the exports,
# the publication of outputs, the evaluation, each stage's entry point, the figures' drawing, inputs, style and
# view, and the gazetteer but for its build from the raw downloads.
TYPED=("${FORMATTED[@]}" geomap/cli.py geomap/sources.py geomap/webpage.py geomap/records.py geomap/paths.py
       geomap/errors.py geomap/export/__init__.py geomap/export/writers.py geomap/export/values.py geomap/outputs.py
       geomap/evaluate.py geomap/geoparse/__init__.py geomap/claims/__init__.py geomap/geometry/__init__.py
       geomap/render/__init__.py geomap/figures/draw.py geomap/figures/inputs.py geomap/figures/style.py
       geomap/figures/view.py geomap/gazetteer/__init__.py geomap/gazetteer/borders.py geomap/gazetteer/folding.py
       geomap/gazetteer/imports.py geomap/gazetteer/lookup.py geomap/gazetteer/mapped.py geomap/gazetteer/regions.py
       geomap/gazetteer/second_level.py geomap/gazetteer/shapes.py geomap/gazetteer/store.py
       geomap/gazetteer/word_data.py)
case " $* " in
  *" --co "*|*" --collect-only "*) ;;  # only listing the tests: no need to build the wheel
  *)
    .venv/bin/ruff check geomap
    .venv/bin/ruff format --check "${FORMATTED[@]}" "${FORMATTED_SCRIPTS[@]}"
    .venv/bin/mypy "${TYPED[@]}"
    .venv/bin/python tests/wheel_smoke.py ;;
esac
# Two processes, one test file each at a time (--dist loadfile): a file's module fixtures (the builds its tests
# share) are built once, on the worker that runs it. tests/conftest.py gives each worker a cache folder of its own.
exec .venv/bin/python -m pytest -n 2 --dist loadfile "$@"
