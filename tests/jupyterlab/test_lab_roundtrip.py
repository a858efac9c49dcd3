"""A coach answers pain-basics in a real JupyterLab by clicking and typing; nbgrader grades it.

The course is released to a temporary exchange (``c.Exchange.root``), fetched by the coach with
``nbgrader fetch_assignment``, opened in JupyterLab 4 on 127.0.0.1 and driven by Debian's Chromium
through Playwright: Run All, then every item answered
as the model answers (tests/exercises/answers) say, by clicking and typing only, save. Then
``nbgrader submit`` and ``nbgrader collect`` move the work, nbgrader's Autograde grades it, and the
trainer's manual score is recorded as formgrader records it.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "tests" / "exercises"))
ASSIGNMENT = "pain-basics"
SHOT = Path("/tmp/jupyterlab-roundtrip-failure.png")


def nbgrader(folder: Path, *args: str) -> str:
    """Run an ``nbgrader`` command in ``folder``; fail the test with its output if it fails."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    run = subprocess.run(
        [str(BIN / "nbgrader"), *args], cwd=folder, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, f"nbgrader {' '.join(args)}:\n{run.stdout}\n{run.stderr}"
    return run.stdout + run.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A released course, an exchange, and the coach's home with the fetched assignment."""
    from nbcourse import Course

    base = tmp_path_factory.mktemp("lab")
    exchange, home = base / "exchange", base / "coach"
    exchange.mkdir()
    home.mkdir()
    exchange.chmod(0o777)
    (base / "course").mkdir()
    course = Course.create(base / "course", ASSIGNMENT)
    setting = f'\nc.Exchange.root = "{exchange}"\n'
    with (course.root / "nbgrader_config.py").open("a", encoding="utf-8") as handle:
        handle.write(setting)
    (home / "nbgrader_config.py").write_text(
        f'c = get_config()\nc.CourseDirectory.course_id = "peer-coach"{setting}', encoding="utf-8"
    )
    nbgrader(course.root, "release_assignment", ASSIGNMENT, "--force")
    nbgrader(home, "fetch_assignment", ASSIGNMENT, "--course", "peer-coach")
    return course, home


@pytest.fixture(scope="module")
def lab(course):
    """JupyterLab serving the coach's home on 127.0.0.1; yields its base URL and token."""
    _, home = course
    port, token = free_port(), secrets.token_hex(16)
    process = subprocess.Popen(
        [
            str(BIN / "jupyter-lab"),
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={home}",
        ],
        cwd=home,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(360):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.terminate()
        pytest.fail("JupyterLab did not start in 180 s")
    yield url, token
    process.terminate()
    process.wait(timeout=30)


def start_kernel_if_asked(page) -> None:
    """Accept JupyterLab's "Select Kernel" dialog (shown when the kernel is slow to start)."""
    dialog = page.locator(".jp-Dialog")
    if dialog.count() and "Kernel" in dialog.inner_text():
        dialog.get_by_role("button", name="Select", exact=True).click()


def kernel_idle(page) -> bool:
    """JupyterLab shows the kernel idle, in the toolbar and in the status bar."""
    idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count()
    return bool(idle) and page.get_by_text("| Idle").count() > 0


def answer(page, item: str, value) -> None:
    """Answer one item in its widget by clicking or typing, as the widget's form requires."""
    box = page.locator(f".pc-answer-{item}")
    box.scroll_into_view_if_needed()
    if isinstance(value, dict):
        selects = box.locator("select")
        assert selects.count() == len(value), (
            f"{item}: {selects.count()} menus, {len(value)} answers"
        )
        for position, label in enumerate(value.values()):
            selects.nth(position).select_option(label)
    elif isinstance(value, list):
        for key in value:
            box.get_by_role("checkbox", name=key, exact=True).check()
    elif box.locator("input[type='radio']").count():
        box.get_by_role("radio", name=value, exact=True).check()
    else:
        field = box.locator("textarea, input[type='text']").first
        field.click()
        page.keyboard.type(f"{value:g}" if isinstance(value, int | float) else value)
        page.keyboard.press("Tab")


def answer_in_lab(browser, kernel_socket, url: str, token: str, answers: dict) -> None:
    """Open the notebook, wait for its kernel's socket (JupyterLab shows idle before it opens,
    and a Run All sent then runs nothing), Run All, answer every item, save."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(60_000)
    kernel = kernel_socket(page)
    page.goto(f"{url}/lab/tree/{ASSIGNMENT}/{ASSIGNMENT}.ipynb?token={token}")
    page.wait_for_selector(".jp-Notebook")
    try:
        kernel.wait(
            lambda: kernel_idle(page), seconds=180, every=lambda: start_kernel_if_asked(page)
        )
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        for _ in range(480):
            start_kernel_if_asked(page)
            if page.locator(".pc-answer").count() >= len(answers):
                break
            page.wait_for_timeout(500)
        assert page.locator(".pc-answer").count() == len(answers), "not every answer widget showed"
        for item, value in answers.items():
            answer(page, item, value)
    except Exception:
        page.screenshot(path=str(SHOT), full_page=False)
        raise
    page.wait_for_timeout(1500)
    page.keyboard.press("Control+s")
    page.wait_for_timeout(1500)
    page.close()


def test_coach_answers_in_jupyterlab_and_nbgrader_grades_it(browser, kernel_socket, course, lab):
    """Every item answered by clicking and typing is saved beside the notebook, submitted through
    nbgrader's exchange and autograded to full marks; the trainer's score completes the total."""
    from nbcourse import auto_items, manual_items
    from nbgrader.api import Gradebook

    course, home = course
    answers = course.solution_answers()
    answer_in_lab(browser, kernel_socket, *lab, answers)
    saved = json.loads((home / ASSIGNMENT / f"answers-{ASSIGNMENT}.json").read_text())
    assert saved["answers"] == answers
    nbgrader(home, "submit", ASSIGNMENT, "--course", "peer-coach")
    nbgrader(course.root, "collect", ASSIGNMENT)
    student = next((course.root / "submitted").iterdir()).name
    course.students = [student]
    course.autograde()
    assert not course.failures, course.failures
    scores = course.scores(student)
    auto, manual = auto_items(ASSIGNMENT), manual_items(ASSIGNMENT)
    assert auto and manual
    assert {g: scores[g]["auto"] for g in auto} == auto
    assert all(scores[g]["manual"] for g in manual), "written answers wait for the trainer"
    with Gradebook(course.config().CourseDirectory.db_url) as gb:
        for item, points in manual.items():
            grade = gb.find_grade(item, ASSIGNMENT, ASSIGNMENT, student)
            grade.manual_score, grade.needs_manual_grade = points, False
        gb.db.commit()
        total = gb.find_submission(ASSIGNMENT, student).score
    assert total == sum(auto.values()) + sum(manual.values())
