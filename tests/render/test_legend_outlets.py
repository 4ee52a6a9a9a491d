"""Past a dozen sources the legend lists outlets, each with a colour of its own that no other article changes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from geomap.view import NO_OUTLET, OUTLET_COLOURS_ABOVE, SOURCE_PALETTE, outlet_color, source_colors

from ..browser_support import artifacts_dir, opened_map

ROOT = Path(__file__).resolve().parents[2]
GEOMAP = ROOT / ".venv" / "bin" / "geomap"
REAL = ROOT / "tests" / "data" / "claims" / "real" / "corpus.jsonl"


def corpus(n_sources: int) -> tuple[list[dict], list[dict]]:
    outlets = ["Wire One", "Daily Two", "Paper Three"]
    sources = [{"id": f"s{i}", "outlet": outlets[i % 3] if i % 7 else None} for i in range(n_sources)]
    return sources, [{"source": source["id"]} for source in sources]


def test_many_sources_take_their_outlets_colours_which_no_other_article_changes():
    sources, claims = corpus(OUTLET_COLOURS_ABOVE + 10)
    colors = source_colors(sources, claims)
    assert colors["s1"] == colors["s4"] == outlet_color("Daily Two")  # one outlet, one colour
    assert colors["s0"] == colors["s7"] == outlet_color(NO_OUTLET)
    assert len({outlet_color(name) for name in ("Wire One", "Daily Two", "Paper Three", NO_OUTLET)}) == 4
    more_sources, more_claims = corpus(OUTLET_COLOURS_ABOVE + 40)
    assert source_colors(more_sources, more_claims)["s1"] == colors["s1"]  # stable as the corpus grows
    assert outlet_color("Wire  one") == outlet_color("Wire One")  # case and spacing do not count


def test_a_dozen_sources_keep_a_palette_colour_each():
    sources, claims = corpus(OUTLET_COLOURS_ABOVE)
    assert list(source_colors(sources, claims).values()) == [SOURCE_PALETTE[i % 10] for i in range(12)]


@pytest.fixture(scope="module")
def real_map(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "out"
    result = subprocess.run([str(GEOMAP), "-q", "build", str(REAL), "-o", str(out), "--figures", "none"],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    return out / "index.html"


# The texts of the rows a reader sees (laid out, not merely marked hidden).
VISIBLE_TEXTS = "rows => rows.filter(r => r.getClientRects().length > 0).map(r => r.textContent.trim())"


@pytest.mark.browser
def test_the_outlet_legend_filters_as_the_reader_types(real_map):
    with opened_map(real_map) as (page, log):
        rows = page.locator(".gm-legend .gm-outlets li[data-outlet]")
        total = rows.count()
        assert total > 20  # 75 articles from some 60 outlets, one row each
        assert page.locator(".gm-legend li[data-legend^='source:']").count() == 0  # no row per article
        page.locator(".gm-legend .gm-outlets input").fill("sputnik")
        shown = page.eval_on_selector_all(".gm-legend .gm-outlets li[data-outlet]", VISIBLE_TEXTS)
        assert shown and all("sputnik" in text.lower() for text in shown), shown
        assert any("3 articles" in text for text in shown), shown  # Sputnik wrote three of them
        page.screenshot(path=str(artifacts_dir() / "legend_outlets_filtered.png"))
        page.locator(".gm-legend .gm-outlets input").fill("no such outlet")
        assert page.eval_on_selector_all(".gm-legend .gm-outlets li[data-outlet]", VISIBLE_TEXTS) == []
        assert page.locator(".gm-legend .gm-outlets p").is_visible()
        page.locator(".gm-legend .gm-outlets input").fill("")
        assert len(page.eval_on_selector_all(".gm-legend .gm-outlets li[data-outlet]", VISIBLE_TEXTS)) == total
        assert log.blocked == [] and log.errors == []
