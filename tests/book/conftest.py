"""Shared fixtures for the book's tests: one built site, one local server, one browser.

The book is built once per session (``jupyter-book build --all --keep-going`` into a temporary
folder; set ``PEERCOACH_BOOK_HTML`` to test an already built ``_build/html`` instead) and served
on 127.0.0.1 by a threaded ``http.server``. One Chromium (Debian's ``/usr/bin/chromium``) is
launched per session; each test gets a fresh browser context, so no cache is shared.
Each page is visited once for the offline, weight and axe checks (``page_reports``); the weights
are printed as a table at the end of the run and written to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from book_site import ARTIFACTS, ROOT, PageReports, write_axe_summary, write_weight_table

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def build_book(output: Path) -> Path:
    """Build the book into ``output`` and return its ``html`` folder."""
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [str(jupyter_book), "build", str(ROOT), "--all", "--keep-going", "--path-output"]
    result = subprocess.run(
        [*command, str(output)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    html = output / "_build" / "html"
    if not (html / "index.html").is_file():
        pytest.fail(f"the book did not build:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    (output / "build.log").write_text(result.stdout + result.stderr)
    return html


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The built book's ``html`` folder (built once per session)."""
    if os.environ.get("PEERCOACH_BOOK_HTML"):
        return Path(os.environ["PEERCOACH_BOOK_HTML"]).resolve()
    return build_book(tmp_path_factory.mktemp("book"))


class QuietHandler(SimpleHTTPRequestHandler):
    """A static file handler that does not log every request to stderr."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``folder`` on a free port of 127.0.0.1; return the server and its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def base_url(site) -> str:
    """The URL the built book is served at."""
    server, url = serve(site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A page in a fresh browser context (desktop size)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def page_reports(browser, base_url) -> PageReports:
    """Visit each page once (lazily) and keep its requests, weight and axe result."""
    return PageReports(browser, base_url)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots and reports (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print the page-weight table when pages were weighed in this run."""
    reports = PageReports.visited
    if not reports:
        return
    table = write_weight_table(reports)
    weights = [r.bytes for r in reports.values()]
    terminalreporter.write_sep("-", "page weights (bytes transferred, fresh cache)")
    terminalreporter.write_line(table)
    terminalreporter.write_line(f"median: {statistics.median(weights) / 1e6:.3f} MB")
    terminalreporter.write_sep("-", "axe-core WCAG 2.1 A/AA violations")
    terminalreporter.write_line(write_axe_summary(reports))
