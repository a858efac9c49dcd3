"""``peercoach preview`` serves the book locally, rebuilds on a page edit, and plays scenarios."""

import shutil
import threading
import time
import urllib.request
from pathlib import Path

from peercoach.book.preview import serve

FIXTURES = Path(__file__).parent / "fixtures"


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def test_a_page_edit_shows_after_the_rebuild(tmp_path):
    """Edit a page: the version counter moves and the served page has the new words."""
    course = tmp_path / "course"
    shutil.copytree(FIXTURES / "staff" / "_base", course)
    (course / "scenarios").mkdir()
    shutil.copy(FIXTURES / "scenarios" / "practice-call.yaml", course / "scenarios")
    server = serve(course, 0)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert "Text." in _get(f"{base}/book/page.html")
        threading.Thread(target=server.preview.watch, args=(0.2,), daemon=True).start()
        before = _get(f"{base}/__version")
        time.sleep(0.5)
        (course / "book" / "page.md").write_text("# A page\n\nFreshly edited words.\n")
        deadline = time.monotonic() + 120
        while _get(f"{base}/__version") == before and time.monotonic() < deadline:
            time.sleep(0.2)
        page = _get(f"{base}/book/page.html")
        assert "Freshly edited words." in page
        assert "/__version" in page, "the preview page reloads itself"
        played = _get(f"{base}/scenario/practice-call")
        assert "pc-roleplay-data" in played and "A practice call" in played
        assert "has problems" in _get(f"{base}/scenario/no-such-scenario")
    finally:
        server.shutdown()
