"""The notebook role-play player in a real JupyterLab 4, driven by Debian's Chromium.

A notebook that shows ``RolePlay("practice-call")`` is opened in JupyterLab at 1024 px wide. The
long replies must be readable and each radio button visible (ipywidgets gives labels a fixed
20 px height, which the player's style undoes); a reply is chosen by clicking; "Start again"
asks before it starts a new call, and the finished call stays in the record.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIXTURES = Path(__file__).parent / "fixtures"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": 'from peercoach.widgets import RolePlay\nRolePlay("practice-call")',
        }
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on 127.0.0.1 serving a folder with the player's notebook."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "play.ipynb").write_text(json.dumps(NOTEBOOK))
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    shutil.copy(FIXTURES / "scenarios" / "practice-call.yaml", scenarios)
    port = _free_port()
    env = dict(os.environ, PEERCOACH_SCENARIOS=str(scenarios), JUPYTER_CONFIG_DIR=str(tmp_path))
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ip=127.0.0.1",
        "--ServerApp.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={work}",
        "--allow-root",
    ]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/status", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start: " + server.stderr.read().decode()[-2000:])
    yield url, work
    server.terminate()
    server.wait(timeout=30)


READY = {"lab/tree": "text=Python 3 (ipykernel) | Idle", "notebooks": '[data-status="idle"]'}


@pytest.mark.parametrize("front", sorted(READY), ids=["jupyterlab", "notebook7"])
def test_long_replies_readable_and_start_again_asks(browser, lab, front, kernel_socket):
    """Every reply is readable with its radio visible; Start again asks and keeps the call."""
    url, work = lab
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    page = context.new_page()
    kernel = kernel_socket(page)
    page.goto(f"{url}/{front}/play.ipynb")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    kernel.wait(READY[front], seconds=90)
    page.locator(".jp-Cell .cm-content").first.click()
    page.keyboard.press("Shift+Enter")
    try:
        page.wait_for_selector(".pc-roleplay .widget-radio-box label", timeout=90_000)
    except Exception:
        page.screenshot(path=str(work / "lab-fail.png"))
        raise

    def choose(text_start: str) -> None:
        label = page.locator(".pc-roleplay .widget-radio-box label", has_text=text_start)
        label.click()
        page.get_by_role("button", name="Say this reply").click()

    labels = page.locator(".pc-roleplay .widget-radio-box label")
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert len(boxes) == 3
    for upper, lower in zip(boxes, boxes[1:], strict=False):
        assert upper["y"] + upper["height"] <= lower["y"] + 1, "reply labels overlap"
    choose("That long drive")
    page.wait_for_selector("text=And my legs went numb")
    page.screenshot(
        path=str(
            Path(__file__).resolve().parents[1]
            / "test-artifacts"
            / "notebook-player-long-replies.png"
        )
    )
    long_label = page.locator(".pc-roleplay .widget-radio-box label", has_text="other phone")
    box = long_label.bounding_box()
    radio = long_label.locator("input").bounding_box()
    assert box["height"] > 30, "a long reply wraps onto more lines"
    assert radio["width"] >= 10 and radio["height"] >= 10, "its radio button is visible"
    assert radio["y"] - box["y"] < 12, "the radio sits at the start of its reply, not below it"
    assert radio["x"] < box["x"] + 20, "the radio comes before the words of its reply"
    assert long_label.evaluate("e => e.scrollHeight <= e.clientHeight + 2"), "text is cut off"
    choose("Ray, that could be serious")
    page.wait_for_selector("text=Linda's here")
    choose("Good. I'll stay on the line")
    page.wait_for_selector("text=Debrief: Passed")

    page.get_by_role("button", name="Start again").click()
    page.wait_for_selector("text=Start a new call?")
    assert page.locator("text=Debrief: Passed").is_visible(), "nothing is thrown away yet"
    page.get_by_role("button", name="Yes, start a new call").click()
    page.wait_for_selector("text=Long drive today")
    record = json.loads((work / "roleplay-practice-call.json").read_text())
    assert record["attempt"]["inputs"] == []
    assert [len(a["inputs"]) for a in record["history"]] == [3]
    page.screenshot(path=str(ARTIFACTS / f"notebook-player-restart-{front.split('/')[0]}.png"))
    context.close()
