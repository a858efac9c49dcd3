"""Helpers for testing the built book: its pages, one visit per page, axe and weights."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def toc_docnames() -> list[str]:
    """Every page named in ``_toc.yml``, in book order."""
    toc = YAML(typ="safe").load((ROOT / "_toc.yml").read_text())
    names = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                names.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return [str(Path(n).with_suffix("")) if n.endswith((".md", ".ipynb")) else n for n in names]


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
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
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
    """Visit each page once, on demand, in a fresh context; cache the reports."""

    visited: dict[str, PageReport] = {}

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url

    def __getitem__(self, docname: str) -> PageReport:
        if docname not in self.visited:
            self.visited[docname] = self.visit(docname)
        return self.visited[docname]

    def visit(self, docname: str) -> PageReport:
        """Load ``docname`` with an empty cache, record every request and run axe."""
        report = PageReport(docname)
        context = self.browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("request", lambda request: report.requests.append(request.url))
        page.on("requestfinished", lambda request: _add_size(report, request))
        page.on("pageerror", lambda error: report.errors.append(str(error)))
        page.goto(self.base_url + docname + ".html", wait_until="networkidle")
        report.violations = run_axe(page)
        context.close()
        return report


def _add_size(report: PageReport, request) -> None:
    sizes = request.sizes()
    report.bytes += sizes["responseBodySize"] + sizes["responseHeadersSize"]


def write_axe_summary(reports: dict[str, PageReport]) -> str:
    """Per axe rule and impact, the pages it fails on; also written to ``test-artifacts/``."""
    rules: dict[tuple[str, str], list[str]] = {}
    for name, report in sorted(reports.items()):
        for violation in report.violations:
            rules.setdefault((violation["impact"], violation["id"]), []).append(name)
    lines = [f"{impact:<9} {rule:<28} {len(pages):>3} page(s)" for (impact, rule), pages in
             sorted(rules.items())] or ["no WCAG 2.1 A/AA violation"]
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
