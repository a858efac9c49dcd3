"""The page texts the search page uses from ``file://`` survive an incremental build."""

from types import SimpleNamespace

from peercoach.sphinxext.search import PAGES_SCRIPT, read_pages_script, write_search_files


def _build(outdir, docs, texts):
    app = SimpleNamespace(env=SimpleNamespace(found_docs=set(docs)), _peercoach_page_texts=texts)
    assert write_search_files(app, outdir) == []
    return read_pages_script(outdir / "_static" / PAGES_SCRIPT)


def test_incremental_build_keeps_the_pages_it_did_not_rewrite(tmp_path):
    """A full build writes every page; a later build that rewrote one page keeps the others'
    texts, replaces that one's, and drops a page that left the book."""
    (tmp_path / "_static").mkdir()
    docs = {"intro", "book/glossary", "book/old"}
    full = _build(
        tmp_path,
        docs,
        {"intro": "Call 988 </script> then 1", "book/glossary": "Naloxone", "book/old": "Gone"},
    )
    assert full == {
        "intro": "Call 988 &lt;/script&gt; then 1",
        "book/glossary": "Naloxone",
        "book/old": "Gone",
    }
    again = _build(tmp_path, docs - {"book/old"}, {"book/glossary": "Naloxone & rescue"})
    assert again == {"intro": full["intro"], "book/glossary": "Naloxone &amp; rescue"}
    assert "</" not in (tmp_path / "_static" / PAGES_SCRIPT).read_text(encoding="utf-8")


def test_a_damaged_pages_file_is_replaced(tmp_path):
    """A pages file that is not what a build writes is not read back: the build writes anew."""
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / PAGES_SCRIPT).write_text("alert('x')", encoding="utf-8")
    assert _build(tmp_path, {"intro"}, {"intro": "Hello"}) == {"intro": "Hello"}
