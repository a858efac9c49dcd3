"""Shared fixtures for the whole suite (the repository root, one headless Chromium, each shipped
scenario explored once per process) and how the suite is split: which tests share a worker under
pytest-xdist and which stay out of the fast lane (``make test-fast``)."""

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

# Tests under these paths share an expensive session or module fixture (one book build, one
# report cohort, Jupyter kernels and the temporary folders they leave) and run on one worker.
XDIST_GROUPS = {
    "book": "book",
    "report": "report",
    "grading": "kernels",
    "exercises": "kernels",
    "jupyterlab": "kernels",
    "test_cohort_e2e.py": "kernels",
    "test_notebook_player_browser.py": "kernels",
}
# Left out of the fast lane besides the browser, postgres and slow markers: each takes seconds a
# test (real book builds, kernels, the nbgrader pipeline, cohort simulations).
NOT_FAST = {
    "book",
    "grading",
    "exercises",
    "jupyterlab",
    "report/test_config_and_cli.py",
    "report/test_engine_calls.py",
    "test_build.py",
    "test_certification.py",
    "test_changes.py",
    "test_cli.py",
    "test_cohort_e2e.py",
    "test_preview.py",
}


def pytest_collection_modifyitems(config, items):
    """Put each test in its xdist group, and mark the tests left out of the fast lane slow."""
    for item in items:
        try:
            parts = item.path.resolve().relative_to(TESTS).parts
        except ValueError:
            continue
        group = XDIST_GROUPS.get(parts[0])
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
        if parts[0] in NOT_FAST or "/".join(parts[:2]) in NOT_FAST:
            item.add_marker(pytest.mark.slow)


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


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the session, driven by Playwright (one per process)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make test does this)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


SCENARIO_FILES = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))
_EXPLORED: dict = {}


def explored_paths(path: Path):
    """Every path through one shipped scenario, explored once per test run and shared."""
    from peercoach.engine import explore
    from peercoach.scenario import load_scenario

    key = (str(path), path.stat().st_mtime_ns)
    if key not in _EXPLORED:
        scenario = load_scenario(path)
        _EXPLORED[key] = (scenario, explore(scenario))
    return _EXPLORED[key]


@pytest.fixture(params=SCENARIO_FILES, ids=lambda p: p.stem)
def explored(request):
    """(scenario, exploration) for each shipped scenario, explored once per run."""
    return explored_paths(request.param)


@pytest.fixture
def practice(tmp_path, monkeypatch):
    """A private scenarios folder holding the stable test scenario ``practice-call``."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    source = Path(__file__).parent / "fixtures" / "scenarios" / "practice-call.yaml"
    (folder / "practice-call.yaml").write_bytes(source.read_bytes())
    monkeypatch.setenv("PEERCOACH_SCENARIOS", str(folder))
    return folder
