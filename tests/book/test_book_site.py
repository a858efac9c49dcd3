"""The built site as files: nothing is loaded from another host, and every scenario is played.

These tests parse the HTML; they need the built book but no browser.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from peercoach.book.content import toc_files
from peercoach.sphinxext.search_index import WORD_LISTS, compact_index, read_index

ROOT = Path(__file__).resolve().parents[2]
RESOURCE_LINK_RELS = {"stylesheet", "preload", "modulepreload", "icon", "shortcut", "prefetch"}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""")


def is_foreign(url: str) -> bool:
    """True for a URL on another host (``http(s)://`` or protocol-relative ``//``)."""
    parts = urlsplit(url.strip())
    return bool(parts.netloc) or parts.scheme not in ("", "data", "blob")


def external_resources(html: str) -> list[str]:
    """Every script, style, font, image or frame in ``html`` that comes from another host."""
    page = BeautifulSoup(html, "html.parser")
    found = [s["src"] for s in page.find_all("script", src=True)]
    found += [
        link["href"]
        for link in page.find_all("link", href=True)
        if RESOURCE_LINK_RELS & set(link.get("rel", []))
    ]
    for tag in ("img", "iframe", "audio", "video", "source", "embed", "input"):
        found += [t["src"] for t in page.find_all(tag, src=True)]
    found += [t["data"] for t in page.find_all("object", data=True)]
    styles = [s.get_text() for s in page.find_all("style")]
    styles += [t["style"] for t in page.find_all(style=True)]
    found += [url for css in styles for url in CSS_URL.findall(css)]
    return [url for url in found if is_foreign(url)]


def built_pages(site: Path) -> list[Path]:
    """Every HTML file of the built site."""
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


def test_scan_finds_external_resources():
    """The scanner itself flags each kind of external resource and ignores plain links."""
    html = """
      <script src="https://cdn.example.org/x.js"></script>
      <link rel="stylesheet" href="//fonts.example.org/f.css">
      <img src="http://example.org/i.png"><iframe src="https://example.org/"></iframe>
      <div style="background: url('https://example.org/b.png')"></div>
      <style>@import "https://example.org/s.css";</style>
      <a href="https://doi.org/10.1000/x">a cited paper</a>
      <script src="_static/local.js"></script><img src="data:image/png;base64,AAAA">
    """
    assert len(external_resources(html)) == 6


def test_no_built_page_loads_from_another_host(site):
    """No built page has a script, style, font, image or frame from another host."""
    problems = {
        str(path.relative_to(site)): found
        for path in built_pages(site)
        if (found := external_resources(path.read_text(errors="replace")))
    }
    assert problems == {}


def test_static_css_loads_nothing_from_another_host(site):
    """No stylesheet shipped with the site imports or points to another host."""
    problems = {
        str(path.relative_to(site)): foreign
        for path in sorted(site.rglob("*.css"))
        if (
            foreign := [
                u for u in CSS_URL.findall(path.read_text(errors="replace")) if is_foreign(u)
            ]
        )
    }
    assert problems == {}


def test_every_page_links_the_icon_in_both_forms(site):
    """Every built page links an icon that is in the site, as SVG and as ``favicon.ico`` at the
    site's root (for browsers that show no SVG icon); a page that only redirects (the root
    ``index.html``) gets the root's ``favicon.ico`` without a link."""
    problems = {}
    for path in built_pages(site):
        page = BeautifulSoup(path.read_text(errors="replace"), "html.parser")
        if page.find("meta", attrs={"http-equiv": re.compile("^refresh$", re.I)}):
            continue
        icons = [link["href"] for link in page.find_all("link", rel="icon", href=True)]
        found = {(path.parent / href).resolve() for href in icons}
        missing = [href for href in icons if not (path.parent / href).is_file()]
        if (
            missing
            or (site / "favicon.ico").resolve() not in found
            or not any(icon.suffix == ".svg" for icon in found)
        ):
            problems[str(path.relative_to(site))] = icons
    assert problems == {}


def test_favicon_ico_is_served_from_the_site_root(base_url):
    """A browser's own request for ``/favicon.ico`` finds an icon (it was a 404)."""
    from urllib.request import urlopen

    with urlopen(base_url + "favicon.ico") as response:
        assert response.status == 200
        assert response.read(4) == b"\x00\x00\x01\x00"  # the ICO file signature


SAMPLE_INDEX = {
    "alltitles": {"Calls": [[1, "calls"]], "Glossary": [[0, "glossary"], [2, "x"]]},
    "docnames": ["a", "b", "c"],
    "envversion": {"sphinx": 62},
    "filenames": ["a.md", "b.md", "c.md"],
    "indexentries": {"reflection": [[0, "term-Reflection", True]]},
    "objects": {"": [[2, 0, 1, "-", "thing"]]},
    "objnames": {"0": ["std", "term", "term"]},
    "objtypes": {"0": "std:term"},
    "terms": {"call": [1, 2], "café": 2, "pain": [0, 1, 2], "988": 2},
    "titles": ["Glossary", "Calls", "Crisis"],
    "titleterms": {"crisis": 2},
}


def by_page_name(index: dict) -> dict:
    """The index with every page number replaced by that page's name and lists made sets, so
    that two numberings of the same index compare equal."""
    names = index["docnames"]

    def pages(found):
        return frozenset(names[p] for p in (found if isinstance(found, list) else [found]))

    def entries(table):
        return {
            key: sorted((names[e[0]], *map(str, e[1:])) for e in found)
            for key, found in table.items()
        }

    return {
        "pages": {
            name: (index["filenames"][n], index["titles"][n]) for n, name in enumerate(names)
        },
        "words": {key: {w: pages(f) for w, f in index[key].items()} for key in WORD_LISTS},
        "tables": {key: entries(index[key]) for key in ("alltitles", "indexentries", "objects")},
        "rest": {key: index[key] for key in ("envversion", "objnames", "objtypes")},
    }


def test_compact_index_keeps_the_index_and_drops_the_spaces():
    """The compact index holds the same pages, words, titles, entries and objects, keyed the
    same; the page in most word lists is page 0; it has no space outside its strings and every
    key Sphinx reads back; compacting it again changes nothing."""
    original = "Search.setIndex(" + json.dumps(SAMPLE_INDEX, sort_keys=True) + ")"
    compact = compact_index(original)
    index = read_index(compact)
    assert by_page_name(index) == by_page_name(SAMPLE_INDEX)
    assert index["docnames"] == ["c", "b", "a"] and index["terms"]["call"] == [0, 1]
    assert set(index) == set(SAMPLE_INDEX) and '"café"' in compact
    assert " " not in re.sub(r'"(?:[^"\\]|\\.)*"', "", compact)
    assert compact_index(compact) == compact and len(compact) < len(original)


def test_built_search_index_is_compact_and_lists_every_page(site):
    """The site's index is already compact, and names each page of the book once."""
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    assert compact_index(text) == text
    docnames = read_index(text)["docnames"]
    assert sorted(docnames) == sorted(set(toc_files(ROOT)))


@pytest.mark.parametrize("scenario_id", sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml")))
def test_every_scenario_is_played_in_a_book_page(scenario_pages, scenario_id):
    """Each practice scenario is embedded by a {roleplay} in at least one page of the book; the
    unrehearsed capstone scenarios (``capstone-*``) in none."""
    if scenario_id.startswith("capstone-"):
        assert not scenario_pages.get(scenario_id), f"{scenario_id} must not be in the book"
        return
    assert scenario_pages.get(scenario_id), f"add ```{{roleplay}} {scenario_id}``` to a module page"


def schema_fields() -> list[tuple[str, str, str]]:
    """(model, key, description) for every field of every scenario model."""
    from peercoach.sphinxext.schema_doc import models

    return [
        (model.__name__, field.alias or name, field.description or "")
        for model in models()
        for name, field in model.model_fields.items()
    ]


@pytest.mark.parametrize("model, key, description", schema_fields(), ids=lambda v: str(v)[:30])
def test_scenario_format_page_documents_every_field(site, model, key, description):
    """The staff reference has a row for each model field, with its description from the code."""
    page = BeautifulSoup((site / "book/staff/scenario-format.html").read_text(), "html.parser")
    target = page.find(id=f"schema-{model.lower()}")
    assert target is not None, f"no section for {model}"
    rows = [
        [plain(cell.get_text()) for cell in row.find_all("td")]
        for row in target.find_next("table").find_all("tr")
    ]
    assert [key, plain(description.replace("`", ""))] in [[r[0], r[-1]] for r in rows if r]


def plain(text: str) -> str:
    """Text with single spaces and straight quotes (the page uses typographic ones)."""
    straight = text.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))
    return " ".join(straight.split())


def test_scenario_format_example_is_a_valid_scenario(tmp_path):
    """The YAML example on the staff reference page passes the scenario checks."""
    from peercoach.scenario import check_file

    source = (ROOT / "book/staff/scenario-format.md").read_text()
    example = source.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "short-example.yaml"
    path.write_text(example)
    scenario, problems = check_file(path)
    assert problems == [] and scenario.id == "short-example"
