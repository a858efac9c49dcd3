"""Shared fixtures for the book's tests: one built site, one local server, one browser.

The book is built once per session (``jupyter-book build --all --keep-going`` into a temporary
folder), unless the course's ``_build/html`` is newer than every course file (as after ``make
course``; :func:`current_build`) or ``PEERCOACH_BOOK_HTML`` names a built site; it is served
on 127.0.0.1 by a threaded ``http.server``. One Chromium (Debian's ``/usr/bin/chromium``) is
launched per session; each test gets a fresh browser context, so no cache is shared.
Each page is visited once for the offline, weight and axe checks (``page_reports``); the weights
are printed as a table at the end of the run and written to ``test-artifacts/``.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def toc_docnames() -> list[str]:
    """Every page named in ``_toc.yml``, in book order, as sphinx-external-toc (the parser
    Jupyter Book uses) reads it: the same list ``peercoach check`` works from."""
    from peercoach.book.content import toc_files

    return toc_files(ROOT)


def site_pages() -> list[str]:
    """The pages a reader can open: the ``_toc.yml`` pages, the index and the search page."""
    return [*toc_docnames(), "genindex", "search"]


@dataclass
class PageReport:
    """What loading one page cost and what axe found there."""

    docname: str
    requests: list[str] = field(default_factory=list)
    bytes: int = 0
    violations: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign_requests(self, base_url: str) -> list[str]:
        """Requests to anything but the local server (``data:`` and ``blob:`` are local)."""
        local = urlsplit(base_url).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).netloc != local
        ]

    def blocking(self) -> list[dict]:
        """axe violations of impact serious or critical."""
        return [v for v in self.violations if v["impact"] in BLOCKING]


def run_axe(page) -> list[dict]:
    """Inject the pinned axe-core and return the WCAG 2.1 A/AA violations, summarised."""
    page.add_script_tag(path=str(AXE))
    options = "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}"
    result = page.evaluate(f"tags => axe.run(document, {options})", AXE_TAGS)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


class PageReports:
    """Visit each page once, in a fresh context, and cache the reports.

    Pages are loaded ``BATCH`` at a time (their network waits overlap); axe then runs on each.
    """

    BATCH = 6
    visited: dict[str, PageReport] = {}

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.pages = site_pages()

    def __getitem__(self, docname: str) -> PageReport:
        if docname not in self.visited:
            todo = [name for name in self.pages if name not in self.visited and name != docname]
            self.visit([docname, *todo[: self.BATCH - 1]])
        return self.visited[docname]

    def visit(self, docnames: list[str]) -> None:
        """Load the pages with an empty cache, record every request and run axe on each."""
        opened = [self._open(docname) for docname in docnames]
        for report, context, page in opened:
            page.wait_for_load_state("networkidle")
            report.violations = run_axe(page)
            context.close()
            self.visited[report.docname] = report

    def _open(self, docname: str):
        report = PageReport(docname)
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("request", lambda request: report.requests.append(request.url))
        page.on("requestfinished", lambda request: _add_size(report, request))
        page.on("pageerror", lambda error: report.errors.append(str(error)))
        page.goto(self.base_url + docname + ".html", wait_until="commit")
        return report, context, page


def _add_size(report: PageReport, request) -> None:
    sizes = request.sizes()
    report.bytes += sizes["responseBodySize"] + sizes["responseHeadersSize"]


def write_axe_summary(reports: dict[str, PageReport]) -> str:
    """Per axe rule and impact, the pages it fails on; also written to ``test-artifacts/``."""
    rules: dict[tuple[str, str], list[str]] = {}
    for name, report in sorted(reports.items()):
        for violation in report.violations:
            rules.setdefault((violation["impact"], violation["id"]), []).append(name)
    lines = [
        f"{impact:<9} {rule:<28} {len(pages):>3} page(s)"
        for (impact, rule), pages in sorted(rules.items())
    ] or ["no WCAG 2.1 A/AA violation"]
    text = "\n".join(lines)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-summary.txt").write_text(text + "\n")
    return text


def write_weight_table(reports: dict[str, PageReport]) -> str:
    """A text table of bytes and requests per page, also written to ``test-artifacts/``."""
    rows = [f"{'page':<44} {'KB':>8} {'requests':>8}"]
    for name, report in sorted(reports.items()):
        rows.append(f"{name:<44} {report.bytes / 1000:>8.0f} {len(report.requests):>8}")
    weights = [r.bytes for r in reports.values()]
    rows.append(f"{'median':<44} {statistics.median(weights) / 1000:>8.0f}")
    table = "\n".join(rows)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-weights.txt").write_text(table + "\n")
    return table


def pytest_generate_tests(metafunc):
    """Parametrise every test that takes ``docname`` over the pages a reader can open."""
    if "docname" in metafunc.fixturenames:
        metafunc.parametrize("docname", site_pages())


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
    """The built book's ``html`` folder: ``PEERCOACH_BOOK_HTML`` if set, the course's own
    ``_build/html`` if it is current (:func:`current_build`), else built once per session."""
    if os.environ.get("PEERCOACH_BOOK_HTML"):
        return Path(os.environ["PEERCOACH_BOOK_HTML"]).resolve()
    from built_site import current_build

    return current_build(ROOT) or build_book(tmp_path_factory.mktemp("book"))


class QuietHandler(SimpleHTTPRequestHandler):
    """A static file handler that does not log every request to stderr."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


class QuietServer(ThreadingHTTPServer):
    """A server that does not print a traceback when a closing browser drops a connection."""

    def handle_error(self, request, client_address):
        pass


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """Serve ``folder`` on a free port of 127.0.0.1; return the server and its base URL."""
    server = QuietServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


FIXTURE_SITE = Path(__file__).parent / "fixtures" / "site"


@dataclass
class FixtureBuild:
    """The fixture book built by Sphinx: its HTML folder and the warnings, one per line."""

    source: Path
    html: Path
    warnings: list[str]


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory) -> FixtureBuild:
    """Build ``fixtures/site`` (good and broken pages) once, in-process, collecting warnings."""
    import io

    from sphinx.application import Sphinx

    out = tmp_path_factory.mktemp("fixture-site")
    warnings = io.StringIO()
    app = Sphinx(
        str(FIXTURE_SITE),
        str(FIXTURE_SITE),
        str(out / "html"),
        str(out / "doctrees"),
        "html",
        status=None,
        warning=warnings,
        freshenv=True,
        confoverrides={"html_theme": "basic"},
    )
    app.build()
    lines = [line for line in warnings.getvalue().splitlines() if "WARNING" in line]
    return FixtureBuild(FIXTURE_SITE, out / "html", [_strip_colour(line) for line in lines])


def _strip_colour(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.fixture(scope="session")
def fixture_url(fixture_build) -> str:
    """The URL the fixture book is served at."""
    server, url = serve(fixture_build.html)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def base_url(site) -> str:
    """The URL the built book is served at."""
    server, url = serve(site)
    yield url
    server.shutdown()


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


SCENARIOS = ROOT / "scenarios"


def scenario_ids() -> list[str]:
    """The id (file stem) of every scenario in ``scenarios/``."""
    return sorted(path.stem for path in SCENARIOS.glob("*.yaml"))


@pytest.fixture(scope="session")
def scenario_pages(site) -> dict[str, list[str]]:
    """For each scenario id, the built pages (docnames) whose player embeds it."""
    import re

    found: dict[str, list[str]] = {}
    for docname in toc_docnames():
        html = (site / f"{docname}.html").read_text(errors="replace")
        for scenario_id in re.findall(r'data-scenario="([^"]+)"', html):
            found.setdefault(scenario_id, []).append(docname)
    return found


@pytest.fixture(scope="session")
def node() -> str:
    """The path of Node, which runs the page's scripts outside the browser."""
    path = shutil.which("node")
    if path is None:
        pytest.fail("node is missing: apt-get install nodejs")
    return path


@pytest.fixture(scope="session")
def run_node(node, tmp_path_factory):
    """Run a Node script on a JSON payload and return what it prints, read as JSON.

    ``run_node(script, payload, *files)`` writes ``script`` and ``payload`` to a fresh folder and
    runs ``node script *files payload.json``: the page scripts to ``require`` come first, the
    payload's path last. A failing script fails the test with the end of its error output.
    """

    def run(script: str, payload, *files: Path, timeout: int = 600):
        folder = tmp_path_factory.mktemp("node")
        (folder / "script.js").write_text(script)
        (folder / "payload.json").write_text(json.dumps(payload))
        command = [node, str(folder / "script.js"), *map(str, files), str(folder / "payload.json")]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads(result.stdout)

    return run
