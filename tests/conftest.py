"""Shared fixtures for the whole suite (the repository root, one headless Chromium, each shipped
scenario explored once per run) and how the suite is split: which tests share a worker under
pytest-xdist and which stay out of the fast lane (``make test-fast``)."""

import fcntl
import gc
import hashlib
import inspect
import os
import pickle
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

# Tests under these paths share an expensive session or module fixture (one book build, one
# report cohort, the grading tests' PostgreSQL server and courses) and run on one worker. The
# course's nbgrader pipeline and cohort run beside the grading tests: each grading process holds
# sandbox users of its own machine-wide (peercoach.grading.sandbox.UserSlot).
XDIST_GROUPS = {
    "book": "book",
    "report": "report",
    "grading": "kernels",
    "jupyterlab": "kernels",
    "test_notebook_player_browser.py": "kernels",
    "exercises": "pipeline",
    "test_cohort_e2e.py": "cohort",
}
# Tests under book/ that need no book build, only Node: each file is a group of its own (its
# module fixtures, such as one Node run for every scenario, are built once), so they spread over
# the workers instead of waiting behind the book build.
OWN_GROUP = {
    "book/test_mi_node.py",
    "book/test_roleplay_node.py",
    "book/test_roleplay_words.py",
    "book/test_search_files.py",
}
# Tests that share a per-process cache join one group, so the cache is filled once: a split's
# advice confusion (``tests/test_safety.py::_advice``) serves its precision and its recall test.
SHARED_CACHE = {
    "test_safety.py::test_advice_precision_meets_the_target": "safety-advice",
    "test_safety.py::test_advice_recall_meets_the_target": "safety-advice",
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
    "test_suite_split.py",
}


SHIPPED = TESTS.parent / "scenarios"


def _shipped_scenario(item) -> str | None:
    """The id of the shipped scenario a test takes as a parameter, if it takes one."""
    callspec = getattr(item, "callspec", None)
    for value in callspec.params.values() if callspec else ():
        if isinstance(value, Path) and value.suffix == ".yaml" and value.parent == SHIPPED:
            return value.stem
    return None


def _join_group(item, group: str) -> None:
    """Send ``item`` to the worker of ``group`` under ``--dist loadgroup``.

    pytest-xdist groups tests by an ``@group`` suffix it writes to each test's id from the
    ``xdist_group`` mark. xdist 3.8 writes it to ``item._nodeid``, which pytest 9.2 no longer
    reads (the id is a structured ``NodeId``), so its groups were silently ignored and tests of
    one group ran on every worker; the suffix is written here the way pytest now keeps ids.
    """
    item.add_marker(pytest.mark.xdist_group(group))
    if not getattr(item.config.option, "loadgroup", False) or "@" in item.nodeid:
        return
    if hasattr(item, "_id") and not hasattr(type(item), "_nodeid"):
        from _pytest.nodeid import NodeId

        item._id = NodeId.parse(f"{item.nodeid}@{group}")


@pytest.hookimpl(tryfirst=True)
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
        where = "/".join(parts[:2])
        group = XDIST_GROUPS.get(parts[0])
        if where in OWN_GROUP:
            group = f"file-{parts[-1].removesuffix('.py')}"
        group = SHARED_CACHE.get(f"{where}::{getattr(item, 'originalname', item.name)}", group)
        scenario = _shipped_scenario(item)
        if group is None and scenario:
            group = f"scenario-{scenario}"
        if group:
            _join_group(item, group)
        if parts[0] in NOT_FAST or where in NOT_FAST:
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


def _without_gc(function, *args):
    """``function(*args)`` with the cycle collector paused: (un)pickling an exploration's
    thousands of small objects is several times faster without it."""
    gc.disable()
    try:
        return function(*args)
    finally:
        gc.enable()


class Explorations:
    """Each shipped scenario loaded, explored and judged once per run, for every test.

    Keyed by the file's path and modification time, so a scenario edited during a run is read
    again. :meth:`explore` is :func:`peercoach.engine.explore` (every choice path, loops once)
    computed once per run for each scenario content, on whichever worker asks first: under
    pytest-xdist the workers share the results through a folder of the run (:attr:`shared`), a
    worker waiting while another explores the same scenario. :meth:`explored` is (scenario,
    exploration) of a file; :meth:`passing` its passing transcripts; :meth:`chance`
    :func:`~peercoach.engine.pass_probability`; :meth:`safety` the safety detector's reading of
    one coach line, so that a line shared by many paths is read once. Tests that take a shipped
    scenario as their parameter also run on that scenario's worker (see
    :func:`pytest_collection_modifyitems`), so they find its results in memory.
    """

    def __init__(self):
        self._cache: dict = {}
        self.shared: Path | None = None
        self.explored_here = 0

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

    def explore(self, scenario):
        """:func:`peercoach.engine.explore` of ``scenario`` (its default limit), once per run
        for each scenario content (the model's JSON, hashed)."""
        from peercoach.engine import explore

        key = ("explore", hashlib.sha256(scenario.model_dump_json().encode()).hexdigest())
        if key not in self._cache:
            self._cache[key] = self._shared(key[1], lambda: explore(scenario))
        return self._cache[key]

    def _shared(self, key: str, make):
        """``make()``, or the result another worker of this run already saved under ``key``."""
        if self.shared is None:
            self.explored_here += 1
            return make()
        self.shared.mkdir(parents=True, exist_ok=True)
        done = self.shared / f"{key}.pickle"
        with open(self.shared / f"{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if done.exists():
                return _without_gc(pickle.loads, done.read_bytes())
            self.explored_here += 1
            result = make()
            partial = done.with_suffix(".partial")
            partial.write_bytes(_without_gc(pickle.dumps, result, pickle.HIGHEST_PROTOCOL))
            partial.replace(done)
            return result

    def explored(self, path: Path):
        """(scenario, exploration) of ``path``, explored once."""
        return self._get(
            "explored", path, lambda: (self.scenario(path), self.explore(self.scenario(path)))
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
def explorations(tmp_path_factory) -> Explorations:
    """The session's shared :class:`Explorations` (each scenario explored once per run). Under
    pytest-xdist its results are shared through ``explorations/`` in the run's temporary
    folder, which every worker of the run (and no other run) has as its parent."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        EXPLORATIONS.shared = tmp_path_factory.getbasetemp().parent / "explorations"
    return EXPLORATIONS


@pytest.fixture(params=SCENARIO_FILES, ids=lambda p: p.stem)
def explored(request, explorations):
    """(scenario, exploration) for each shipped scenario, explored once per run."""
    return explorations.explored(request.param)


@pytest.fixture
def explore_once(monkeypatch, explorations):
    """Scenario checks (:func:`peercoach.checks.validate_paths`, so ``peercoach validate``)
    take each exploration from :class:`Explorations` instead of exploring again: the same
    function of the same scenario, computed once per run. Any other limit explores as usual."""
    import peercoach.checks
    from peercoach.engine import explore

    default = inspect.signature(explore).parameters["limit"].default

    def explore_cached(scenario, limit=default):
        if limit != default or isinstance(scenario, str):
            return explore(scenario, limit)
        return explorations.explore(scenario)

    monkeypatch.setattr(peercoach.checks, "explore", explore_cached)
    return explorations


@pytest.fixture
def practice(tmp_path, monkeypatch):
    """A private scenarios folder holding the stable test scenario ``practice-call``."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    source = Path(__file__).parent / "fixtures" / "scenarios" / "practice-call.yaml"
    (folder / "practice-call.yaml").write_bytes(source.read_bytes())
    monkeypatch.setenv("PEERCOACH_SCENARIOS", str(folder))
    return folder
