"""Shared fixtures for the whole suite: the repository root and one headless Chromium."""

from pathlib import Path

import pytest

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
