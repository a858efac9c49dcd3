"""Every built page, in a real browser: offline, light, and accessible (WCAG 2.1 A and AA)."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

MAX_MEDIAN_BYTES = 1_000_000


def test_axe_is_the_pinned_version():
    """The axe-core under node_modules is the version package.json pins."""
    root = Path(__file__).resolve().parents[2]
    pinned = json.loads((root / "package.json").read_text())["devDependencies"]["axe-core"]
    installed = json.loads((root / "node_modules/axe-core/package.json").read_text())["version"]
    assert installed == pinned, "run `npm ci` to install the pinned axe-core"


def test_page_loads_nothing_from_another_host(page_reports, base_url, docname):
    """Loading the page requests nothing but files from the local server."""
    report = page_reports[docname]
    assert report.requests, "the page made no request at all"
    assert report.foreign_requests(base_url) == []


def test_page_has_no_serious_accessibility_violation(page_reports, docname):
    """axe-core finds no serious or critical WCAG 2.1 A/AA violation on the page."""
    report = page_reports[docname]
    assert report.blocking() == [], json.dumps(report.blocking(), indent=1)


def test_page_runs_without_script_errors(page_reports, docname):
    """No uncaught JavaScript error while the page loads."""
    assert page_reports[docname].errors == []


def test_median_page_weighs_under_one_megabyte(page_reports):
    """The median page transfers under 1 MB with an empty cache."""
    weights = [page_reports[name].bytes for name in page_reports.pages]
    assert statistics.median(weights) < MAX_MEDIAN_BYTES
