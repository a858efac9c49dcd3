"""Pages that reach people on a slow line, on paper, from disk and on a small screen.

Cards print whole on one page (Chromium's own PDF export, read with pypdf); the search finds
crisis numbers and lists each page once, with excerpts even from ``file://``; and every page,
opened for the first time at 320 px wide, logs no console error or warning and does not scroll
sideways (one tab visits them all, in book order). Time to first text on an emulated slow line
is a speed goal, so it is measured by ``benchmarks/page_benchmark.py`` (every page type), not
asserted here.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from peercoach.sphinxext.purgecss import Used, inline_site_css, purge_css
from peercoach.sphinxext.search import patch_searchtools

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CARDS = sorted(p.stem for p in (ROOT / "book" / "cards").glob("*.md"))
PAPER = ["Letter", "A4"]


def test_purge_keeps_what_pages_and_scripts_use():
    """A rule stays when its classes are in a page or spelled in a script, and goes otherwise."""
    used = Used()
    used.add_html('<div class="card kept" id="main"><p>x</p></div>')
    used.add_script('el.classList.add("show"); x = `bs-tip-${where}`;')
    css = (
        ".card{a:1}.gone{b:2}.card .gone,.kept{c:3}#main p{d:4}#other{e:5}.show{f:6}"
        ".bs-tip-top{g:7}@media print{.gone{h:8}.card{i:9}}:root{--used:1;--unused:2}"
        "p{color:var(--used)}table.card{j:10}.x:not(.gone){k:11}"
    )
    out = purge_css(css, used, variables={"--used"})
    assert out == (
        ".card{a:1}.kept{c:3}#main p{d:4}.show{f:6}.bs-tip-top{g:7}"
        "@media print{.card{i:9}}:root{--used:1}p{color:var(--used)}"
    )


def test_each_page_carries_the_css_it_and_its_scripts_can_use(tmp_path):
    """A page's stylesheet links become ``<style>`` with the rules that can match the page or
    what its scripts add, in link order, URLs rewritten from the page; print-only, foreign and
    missing sheets stay linked, and so does the code-highlighting sheet the theme rewrites
    later (the rules on either side of it stay on their side). A small script the head waits
    for is written inline; a large or deferred one stays linked."""
    static = tmp_path / "_static"
    (static / "styles").mkdir(parents=True)
    (static / "styles" / "theme.css").write_text(
        ".card{a:1}.gone{b:2}@font-face{src:url(../fonts/x.woff2)}"
        "@media (min-width:9px){.card{c:3}}"
    )
    (static / "pygments.css").write_text(".card{z:0}")
    (static / "late.css").write_text(".added{d:4}.card .gone{e:5}p{f:6}")
    (static / "print.css").write_text(".card{g:7}")
    (static / "player.js").write_text('el.className = "added";')
    (static / "options.js").write_text("const OPTIONS = {a: '</script>'};")
    (static / "big.js").write_text("x = 1;\n" * 400)
    page = tmp_path / "book" / "page.html"
    page.parent.mkdir()
    links = (
        '<link rel="stylesheet" href="../_static/styles/theme.css?v=1" />\n'
        '<link rel="stylesheet" href="../_static/pygments.css" />\n'
        '<link rel="stylesheet" href="../_static/print.css" media="print" />'
        '<link href="../_static/late.css" rel="stylesheet">'
        '<link rel="stylesheet" href="https://example.org/x.css">'
        '<link rel="stylesheet" href="../_static/missing.css">'
    )
    scripts = (
        '<script src="../_static/options.js?v=2"></script><script src="../_static/big.js"></script>'
        '<script defer src="../_static/player.js"></script>'
    )
    page.write_text(
        f'<html><head><meta charset="utf-8">{links}{scripts}</head><body><p class="card">x</p>'
        "</body></html>"
    )
    assert len(inline_site_css(tmp_path)) == 1
    html = page.read_text()
    head = html[: html.index("</head>")]
    styles = re.findall(r'<style data-from="([^"]*)">(.*?)</style>', head)
    assert styles == [
        (
            "../_static/styles/theme.css?v=1",
            ".card{a:1}@font-face{src:url(../_static/fonts/x.woff2)}"
            "@media (min-width:9px){.card{c:3}}",
        ),
        ("../_static/late.css", ".added{d:4}p{f:6}"),
    ]
    assert head.count("<link") == 4
    assert head.index("theme.css") < head.index('href="../_static/pygments.css"')
    assert head.index('href="../_static/pygments.css"') < head.index(".added{d:4}")
    for kept in ("print.css", "https://example.org/x.css", "missing.css"):
        assert f'href="../_static/{kept}"' in head or f'href="{kept}"' in head
    assert "<script>const OPTIONS = {a: '<\\/script>'};</script>" in head
    assert 'src="../_static/big.js"' in head and head.count('src="../_static/player.js"') == 1
    assert inline_site_css(tmp_path) == [] and page.read_text() == html


def test_search_patches_apply_to_sphinx_searchtools():
    """The installed Sphinx's search script takes both patches (numbers, one entry per page)."""
    import sphinx

    script = Path(sphinx.__file__).parent / "themes" / "basic" / "static" / "searchtools.js"
    patched, missing = patch_searchtools(script.read_text())
    assert missing == [] and "queryTerm.match(/^\\d+$/)" not in patched


def test_every_card_is_a_page_of_the_book():
    """The cards the print test takes (``book/cards/*.md``) are there and each is in the book."""
    from peercoach.book.content import toc_files

    assert CARDS and {f"book/cards/{card}" for card in CARDS} <= set(toc_files(ROOT))


def words(text: str) -> set[str]:
    """The words of a text, lower case, with typographic ligatures (a PDF's "ﬁ") undone."""
    return set(re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower()))


@pytest.mark.parametrize("paper", PAPER)
@pytest.mark.parametrize("card", CARDS)
def test_card_prints_on_one_page(browser, base_url, card, paper):
    """Each quick-reference card prints on one page, without the printed Contents list, and
    nothing is cut off: every word the printed card shows is in the PDF's text."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + f"book/cards/{card}.html")
    page.emulate_media(media="print")
    assert page.locator("#jb-print-toc").is_hidden()
    shown = words(page.locator(".pc-card").inner_text())
    pdf = PdfReader(io.BytesIO(page.pdf(format=paper, print_background=True)))
    context.close()
    assert len(pdf.pages) == 1
    printed = words(" ".join(sheet.extract_text() for sheet in pdf.pages))
    assert shown and shown - printed == set()
    assert "contents" not in printed - shown


def search(page, base_url: str, query: str) -> list[str]:
    """The result links of a search on the search page."""
    page.goto(base_url + f"search.html?q={query}")
    page.locator("#search-results .search-summary, #search-results p").first.wait_for()
    page.wait_for_function("() => !document.querySelector('#search-results .search-loading')")
    page.wait_for_timeout(300)
    return page.locator("#search-results li > a").evaluate_all("l => l.map(a => a.href)")


@pytest.mark.parametrize("number", ["988", "911", "838255"])
def test_search_finds_crisis_numbers(page, base_url, number):
    """Number-only terms are found (Sphinx's search dropped them)."""
    found = search(page, base_url, number)
    assert any("cards/safety" in url for url in found), found


def test_search_lists_each_page_once(page, base_url):
    """A word that is a glossary term lists the glossary page once."""
    found = [url.split("#")[0] for url in search(page, base_url, "reflection")]
    assert found and len(found) == len(set(found)), found


def test_search_excerpts_work_from_disk(browser, site):
    """Opened from ``file://``, search results still show an excerpt of each page."""
    context = browser.new_context()
    page = context.new_page()
    page.goto((site / "search.html").as_uri() + "?q=naloxone")
    summary = page.locator("#search-results p.context").first
    summary.wait_for(timeout=20_000)
    assert "naloxone" in summary.inner_text().lower()
    context.close()


FIRST_VISIT = "try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}"
SIDEWAYS = """() => {
  const root = document.documentElement, wider = [];
  for (const el of document.querySelectorAll("body *")) {
    const style = getComputedStyle(el);
    if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && style.overflowX === "visible"
        && !el.querySelector("div, p, section, table, ul, ol, pre, nav"))
      wider.push(`${el.tagName.toLowerCase()}: ${el.textContent.trim().slice(0, 60)}`);
  }
  return {by: root.scrollWidth - root.clientWidth, wider: wider.slice(0, 5)};
}"""


@pytest.fixture(scope="module")
def narrow_tab(browser):
    """One 320 px wide tab (400% zoom) that visits every page, and what each visit logged.

    Storage is cleared before any script of a page runs, so each visit is a first visit (no
    colour mode or call stored); console errors and warnings, uncaught errors and failed
    requests are collected as text. Waits are long: on a busy machine the wait for the late
    scripts (no request for half a second) can take more than Playwright's 30 s."""
    context = browser.new_context(viewport={"width": 320, "height": 700})
    context.add_init_script(FIRST_VISIT)
    context.set_default_timeout(120_000)
    page = context.new_page()
    logged: list[str] = []
    page.on(
        "console",
        lambda m: m.type in ("error", "warning") and logged.append(f"{m.type}: {m.text}"),
    )
    page.on("pageerror", lambda error: logged.append(f"uncaught: {error}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and logged.append(f"{response.status}: {response.url}")
        ),
    )
    yield page, logged
    context.close()


def test_page_fits_320px_and_logs_nothing(narrow_tab, base_url, docname):
    """Every page of the book (each ``_toc.yml`` page, the index and the search page), opened
    for the first time at 320 px wide, does not scroll sideways and logs no console error or
    warning (such as the theme's "Got invalid theme mode"), no uncaught error and no failed
    request, once its late scripts have run."""
    page, logged = narrow_tab
    logged.clear()
    page.goto(base_url + docname + ".html")
    page.wait_for_load_state("networkidle")
    sideways = page.evaluate(SIDEWAYS)
    assert sideways["by"] <= 0, sideways
    assert logged == []


@pytest.mark.parametrize("size", [16, 32, 48])
def test_favicon_ico_matches_the_svg_icon(browser, size):
    """Each image of ``favicon.ico`` is the SVG icon as Chromium draws it at that size (so an
    edited SVG needs a new ICO): no colour channel is off by more than 12 of 255 on average."""
    from PIL import Image, ImageChops, ImageStat

    from peercoach.sphinxext import FAVICON, FAVICON_ICO

    svg = FAVICON.read_text().replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
    context = browser.new_context(viewport={"width": size, "height": size})
    page = context.new_page()
    page.set_content(f'<body style="margin:0;line-height:0">{svg}</body>')
    drawn = Image.open(io.BytesIO(page.screenshot(omit_background=True))).convert("RGBA")
    context.close()
    icon = Image.open(FAVICON_ICO)
    assert (size, size) in icon.ico.sizes()
    shipped = icon.ico.getimage((size, size)).convert("RGBA")
    assert max(ImageStat.Stat(ImageChops.difference(drawn, shipped)).mean) <= 12


@pytest.mark.parametrize("query", ["988", "reflection"])
def test_search_results_fit_320px_and_log_nothing(narrow_tab, base_url, query):
    """The search page with results listed (excerpts and all), at 320 px wide on a first visit,
    does not scroll sideways and logs no console error or warning."""
    page, logged = narrow_tab
    logged.clear()
    page.goto(base_url + f"search.html?q={query}")
    page.locator("#search-results li p.context").first.wait_for()
    page.wait_for_load_state("networkidle")
    sideways = page.evaluate(SIDEWAYS)
    assert sideways["by"] <= 0, sideways
    assert logged == []
