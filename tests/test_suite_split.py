"""The suite's split holds under pytest-xdist: tests of one group run on one worker.

``tests/conftest.py`` puts the tests that share a scenario, a book build, a report cohort or
Jupyter kernels in one ``--dist loadgroup`` group; if the groups were ignored (as they were with
pytest 9.2 and pytest-xdist 3.8), every worker would explore the same scenarios and build the
same fixtures again, and the fast lane would slow without any test failing.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TWO_OF_ONE_GROUP = [
    "tests/test_scenario.py::test_scenario_points_editors_to_schema[first-call]",
    "tests/test_routing.py::test_every_authored_line_routes_to_its_own_option[first-call]",
]


def test_two_tests_of_one_scenario_run_on_one_worker():
    """Two tests of the scenario first-call, on two workers, run on the same one, each named
    with its group."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-v"]
        + ["-p", "no:cacheprovider", *TWO_OF_ONE_GROUP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    ran = re.findall(r"^\[(gw\d+)\] .*PASSED (\S+)", run.stdout, flags=re.MULTILINE)
    assert sorted(name for _, name in ran) == sorted(
        f"{test}@scenario-first-call" for test in TWO_OF_ONE_GROUP
    )
    assert len({worker for worker, _ in ran}) == 1, ran
