"""The report in Debian's Chromium: axe-core finds no serious or critical WCAG 2.1 A/AA issue."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from report_fixtures import (
    GOOD_CALL,
    REPO,
    coded_replay,
    full_items,
    full_marks,
    make_gradebook,
    sign_off,
    write_call,
)

from peercoach.report.build import gather, write_report

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe_path() -> Path:
    path = Path(os.environ.get("PEERCOACH_AXE_JS", REPO / "node_modules/axe-core/axe.min.js"))
    if not path.exists():
        pytest.fail(f"axe-core is not installed at {path}: run `make test-setup` (npm ci)")
    return path


def _report(course_dir) -> Path:
    bob = full_marks()
    del bob["safety"]
    scores = {"ann": full_marks(), "bob": bob, **{f"c{n}": full_marks() for n in range(4)}}
    url = make_gradebook(course_dir / "gradebook.db", full_items(), scores)
    for scenario in ("the-socialiser", "no-homework"):
        write_call(course_dir, "ann", scenario, GOOD_CALL)
    sign_off(course_dir, "ann")
    return write_report(gather(course_dir, url, replayer=coded_replay), course_dir / "report")


def test_report_has_no_serious_accessibility_violations(course_dir, browser):
    """Every chart, table and link of the report passes axe's WCAG 2.1 A/AA rules."""
    page_path, axe = _report(course_dir), _axe_path()
    requests = []
    page = browser.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_path.as_uri())
    page.add_script_tag(path=str(axe))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    page.close()
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
    assert len(result["passes"]) > 10
    assert [u for u in requests if not u.startswith("file://")] == []
