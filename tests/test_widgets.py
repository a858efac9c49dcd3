"""The notebook player: plays, saves after every turn, resumes, and escapes text."""

import json

import ipywidgets as w
import pytest

from peercoach.engine import replay
from peercoach.widgets import RolePlay, read_record


@pytest.fixture
def player(tmp_path):
    """A fresh player for the socialiser, saving into a temporary notebook folder."""
    return RolePlay("the-socialiser", directory=tmp_path)


def _choose(player, index):
    player.choices.index = index
    player.reply.click()


def test_each_turn_is_saved_and_replays(player, tmp_path):
    """After every turn the record holds all inputs, and replaying it gives the same state."""
    _choose(player, 0)
    _choose(player, 1)
    record = json.loads((tmp_path / "roleplay-the-socialiser.json").read_text())
    assert record["scenario"] == "the-socialiser"
    assert record["schema_version"] == 1
    assert record["inputs"] == [{"choice": 0}, {"choice": 1}]
    assert replay("the-socialiser", record["inputs"]).state == player.conversation.state


def test_reload_resumes_the_call(player, tmp_path):
    """A new player on the same folder resumes where the last one stopped."""
    _choose(player, 0)
    again = RolePlay("the-socialiser", directory=tmp_path)
    assert again.conversation.turn.id == "plan-check"
    assert again.meters["rapport"][1].value == "8 out of 10"


def test_debrief_and_restart_keep_history(player, tmp_path):
    """A finished call shows the debrief; restarting keeps the old attempt in the history."""
    for _ in range(5):
        _choose(player, 0)
    assert "Passed" in player.debrief.value
    assert player.choices.disabled and player.reply.disabled
    player.restart.click()
    record = read_record(tmp_path / "roleplay-the-socialiser.json")
    assert record["inputs"] == []
    assert record["history"] == [[{"choice": 0}] * 5]
    assert player.conversation.turn.id == "fish-story"


def test_no_choice_is_a_prompt_not_a_turn(player, tmp_path):
    """Pressing reply with nothing chosen asks for a choice and saves nothing."""
    player.reply.click()
    assert "Choose a reply first" in player.feedback.value
    assert not (tmp_path / "roleplay-the-socialiser.json").exists()


def test_damaged_record_is_kept_aside(tmp_path):
    """A damaged record is moved aside, never overwritten, and the call starts fresh."""
    (tmp_path / "roleplay-the-socialiser.json").write_text("{not json")
    player = RolePlay("the-socialiser", directory=tmp_path)
    assert player.conversation.turn.id == "fish-story"
    assert (tmp_path / "roleplay-the-socialiser.damaged.json").read_text() == "{not json"


def test_record_that_no_longer_fits_goes_to_history(tmp_path):
    """Saved inputs that no longer fit the scenario are kept in history, and the call restarts."""
    stale = {"scenario": "the-socialiser", "inputs": [{"choice": 9}], "history": []}
    (tmp_path / "roleplay-the-socialiser.json").write_text(json.dumps(stale))
    player = RolePlay("the-socialiser", directory=tmp_path)
    assert player.history == [[{"choice": 9}]]
    assert "no longer fits" in player.feedback.value


def test_every_control_is_labelled(player):
    """Every input control has a visible description (its label) or button text."""
    controls = [c for c in _walk(player) if isinstance(c, (w.Button, w.Textarea, w.RadioButtons))]
    assert len(controls) >= 5
    for control in controls:
        assert control.description.strip()
    for bar, label in player.meters.values():
        assert bar.description in ("Rapport", "Readiness", "Confidence")
        assert label.value


def test_participant_text_is_escaped(player):
    """Scenario text is shown as text: angle brackets are escaped."""
    player.scenario.turns[0].say = "<script>alert(1)</script>"
    player.conversation.node = player.scenario.turns[0]
    player._render()
    assert "<script>" not in player.line.value
    assert "&lt;script&gt;" in player.line.value


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _walk(child)
