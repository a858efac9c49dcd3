"""A smaller ``searchindex.js``, with the same content, for the search page on a slow line.

Sphinx writes the index as ``Search.setIndex(<JSON>)`` with a space after every comma and
colon, and numbers its pages in name order. :func:`compact_index` writes the same index without
those spaces (non-ASCII letters as themselves, not ``\\uXXXX``) and numbers the pages by how
many words they hold, so that the pages named in most word lists get the one-digit numbers.
The search script reads every page number through the index's own lists, so the order is free;
Sphinx reads the file back on an incremental build the same way (``IndexBuilder.load``), so it
stays plain JSON with every key Sphinx wrote.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

PREFIX, SUFFIX = "Search.setIndex(", ")"
PER_PAGE = ("docnames", "filenames", "titles")
WORD_LISTS = ("terms", "titleterms")


def read_index(text: str) -> dict:
    """The index that a ``searchindex.js`` holds; ``ValueError`` if the file is not one."""
    if not (text.startswith(PREFIX) and text.endswith(SUFFIX)):
        raise ValueError(f"does not start with {PREFIX!r} and end with {SUFFIX!r}")
    return json.loads(text[len(PREFIX) : -len(SUFFIX)])


def page_order(index: dict) -> list[int]:
    """The old page numbers, the page named in most word lists first (ties by old number)."""
    seen: Counter[int] = Counter()
    for key in WORD_LISTS:
        for pages in index.get(key, {}).values():
            seen.update(pages if isinstance(pages, list) else [pages])
    return sorted(range(len(index["docnames"])), key=lambda old: (-seen[old], old))


def renumber(index: dict, order: list[int]) -> dict:
    """The index with page ``order[n]`` as page ``n``, everywhere a page number appears."""
    new = {old: number for number, old in enumerate(order)}
    out = dict(index)
    for key in PER_PAGE:
        if key in index:
            out[key] = [index[key][old] for old in order]
    for key in WORD_LISTS:
        if key in index:
            out[key] = {
                word: new[pages] if isinstance(pages, int) else sorted(new[p] for p in pages)
                for word, pages in index[key].items()
            }
    for key in ("alltitles", "indexentries"):
        if key in index:
            out[key] = {
                name: [[new[entry[0]], *entry[1:]] for entry in entries]
                for name, entries in index[key].items()
            }
    if "objects" in index:
        out["objects"] = {
            prefix: [[new[entry[0]], *entry[1:]] for entry in entries]
            for prefix, entries in index["objects"].items()
        }
    return out


def compact_index(text: str) -> str:
    """A ``searchindex.js`` text, renumbered by :func:`page_order` and written without spaces."""
    index = read_index(text)
    data = json.dumps(
        renumber(index, page_order(index)),
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return PREFIX + data + SUFFIX


def compact_site_index(outdir: Path) -> tuple[int, int] | None:
    """Rewrite ``outdir/searchindex.js`` with :func:`compact_index`; its size before and after
    in bytes, or ``None`` when the build wrote no index."""
    path = outdir / "searchindex.js"
    if not path.is_file():
        return None
    before = path.read_text(encoding="utf-8")
    after = compact_index(before)
    path.write_text(after, encoding="utf-8")
    return len(before.encode()), len(after.encode())
