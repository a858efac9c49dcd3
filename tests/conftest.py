"""Shared fixtures for the whole suite (the repository root, one headless Chromium, each shipped
scenario explored once per run) and how the suite is split: which tests share a worker under
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


SHIPPED = TESTS.parent / "scenarios"


def _shipped_scenario(item) -> str | None:
    """The id of the shipped scenario a test takes as a parameter, if it takes one."""
    callspec = getattr(item, "callspec", None)
    for value in callspec.params.values() if callspec else ():
        if isinstance(value, Path) and value.suffix == ".yaml" and value.parent == SHIPPED:
            return value.stem
    return None


def pytest_collection_modifyitems(config, items):
    """Put each test in its xdist group, and mark the tests left out of the fast lane slow.

    A test that takes a shipped scenario as its parameter joins that scenario's group, so the
    scenario is explored once per run (:class:`Explorations`) even on several workers.
    """
    for item in items:
        try:
            parts = item.path.resolve().relative_to(TESTS).parts
        except ValueError:
            continue
        group = XDIST_GROUPS.get(parts[0])
        scenario = _shipped_scenario(item)
        if group is None and scenario:
            group = f"scenario-{scenario}"
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


class KernelSocket:
    """Watches a Playwright page of JupyterLab or Notebook 7 for its kernel's websocket.

    Both fronts show the kernel as idle before its socket opens, and a cell run then runs
    nothing; so a test waits for the socket (``/api/kernels/...``) and its own sign of a ready
    front, in :meth:`wait`. Watching starts when it is made, before the page is opened.
    """

    def __init__(self, page):
        self.page = page
        self.urls: list[str] = []
        page.on("websocket", lambda socket: self.urls.append(socket.url))

    @property
    def connected(self) -> bool:
        """True once the page has opened a websocket to a kernel."""
        return any("/api/kernels/" in url for url in self.urls)

    def wait(self, ready, seconds: float, every=None) -> bool:
        """Wait up to ``seconds`` until the kernel is connected and ``ready`` holds (a CSS or
        Playwright selector that is on the page, or a function of no arguments); ``every`` is
        called before each look (to accept a dialog, say). Returns whether it got ready."""
        for _ in range(max(1, round(seconds * 2))):
            if every is not None:
                every()
            shown = self.page.locator(ready).count() if isinstance(ready, str) else ready()
            if self.connected and shown:
                return True
            self.page.wait_for_timeout(500)
        return False


@pytest.fixture
def kernel_socket():
    """``kernel_socket(page)``: a :class:`KernelSocket` watching ``page`` (make it before
    ``page.goto``), for browser tests that run code in a Jupyter kernel."""
    return KernelSocket


SCENARIO_FILES = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))


class Explorations:
    """Each shipped scenario loaded, explored and judged once per process, for every test.

    Keyed by the file's path and modification time, so a scenario edited during a run is read
    again. :meth:`explored` is :func:`peercoach.engine.explore` (every choice path, loops once);
    :meth:`passing` its passing transcripts; :meth:`chance` :func:`~peercoach.engine.
    pass_probability`; :meth:`safety` the safety detector's reading of one coach line, so that a
    line shared by many paths is read once. Under pytest-xdist every test that takes a shipped
    scenario as its parameter runs on that scenario's worker (see
    :func:`pytest_collection_modifyitems`), so each scenario is explored once per run.
    """

    def __init__(self):
        self._cache: dict = {}

    def _get(self, kind: str, path: Path, make):
        key = (kind, str(path), Path(path).stat().st_mtime_ns)
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def checked(self, path: Path) -> tuple:
        """:func:`peercoach.scenario.check_file` of ``path``: (scenario or None, problems)."""
        from peercoach.scenario import check_file

        return self._get("checked", path, lambda: check_file(path))

    def scenario(self, path: Path):
        """The scenario in ``path``, loaded once (as :func:`~peercoach.scenario.load_scenario`
        does: :class:`~peercoach.scenario.ScenarioError` with every problem if it is invalid)."""
        from peercoach.scenario import ScenarioError

        scenario, problems = self.checked(path)
        if problems:
            raise ScenarioError(problems)
        return scenario

    def explored(self, path: Path):
        """(scenario, exploration) of ``path``, explored once."""
        from peercoach.engine import explore

        return self._get(
            "explored", path, lambda: (self.scenario(path), explore(self.scenario(path)))
        )

    def passing(self, path: Path) -> list:
        """The passing transcripts of ``path``'s exploration."""
        return self._get(
            "passing", path, lambda: [t for t in self.explored(path)[1].transcripts if t.passed]
        )

    def chance(self, path: Path) -> float:
        """The exact chance that random choice passes ``path``'s call."""
        from peercoach.engine import pass_probability

        return self._get("chance", path, lambda: pass_probability(self.scenario(path)))

    def safety(self, coach: str, participant: str = "") -> tuple:
        """(medical advice flags, escalations) the safety detector finds in one coach line."""
        from peercoach.safety import escalations, medical_advice

        key = ("safety", coach, participant)
        if key not in self._cache:
            self._cache[key] = (medical_advice(coach, participant), escalations(coach))
        return self._cache[key]


EXPLORATIONS = Explorations()


def explored_paths(path: Path):
    """Every path through one shipped scenario, explored once per test run and shared."""
    return EXPLORATIONS.explored(path)


@pytest.fixture(scope="session")
def explorations() -> Explorations:
    """The session's shared :class:`Explorations` (each scenario explored once per run)."""
    return EXPLORATIONS


@pytest.fixture(params=SCENARIO_FILES, ids=lambda p: p.stem)
def explored(request):
    """(scenario, exploration) for each shipped scenario, explored once per run."""
    return EXPLORATIONS.explored(request.param)


@pytest.fixture
def practice(tmp_path, monkeypatch):
    """A private scenarios folder holding the stable test scenario ``practice-call``."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    source = Path(__file__).parent / "fixtures" / "scenarios" / "practice-call.yaml"
    (folder / "practice-call.yaml").write_bytes(source.read_bytes())
    monkeypatch.setenv("PEERCOACH_SCENARIOS", str(folder))
    return folder
