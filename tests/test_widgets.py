"""The notebook player: shuffled replies, own words read back, saved after every turn, resumed,
restarted only on confirmation, and escaped text."""

import json

import ipywidgets as w
import pytest

from peercoach.records import graded_call, read_record
from peercoach.widgets import RolePlay

RECORD = "roleplay-practice-call.json"


@pytest.fixture
def player(practice, tmp_path):
    """A fresh player for the practice call, saving into a temporary notebook folder."""
    return RolePlay("practice-call", directory=tmp_path)


def _choose(player, option_id):
    shown = [o.id for o in player.conversation.shown()]
    player.choices.index = shown.index(option_id)
    player.reply.click()


def _record(tmp_path):
    return read_record(tmp_path / RECORD, "practice-call")


def test_each_turn_is_saved_by_option_id(player, tmp_path):
    """After every turn the record holds the reply ids, the seed and the scenario version."""
    _choose(player, "reflect-drive")
    _choose(player, "call-911")
    data = json.loads((tmp_path / RECORD).read_text())
    assert data["format"] == 2
    assert data["attempt"]["inputs"] == [{"option": "reflect-drive"}, {"option": "call-911"}]
    assert data["attempt"]["seed"] == player.conversation.seed
    assert len(data["attempt"]["version"]) == 12


def test_replies_are_shown_in_the_attempts_shuffled_order(player):
    """The menu lists the replies in the order the seed gives, not the file's order."""
    labels = [label for label, _ in player.choices.options]
    assert labels == [o.say for o in player.conversation.shown()]
    orders = {
        tuple(o.id for o in RolePlay("practice-call", directory=d).conversation.shown())
        for d in [player.path.parent / f"n{i}" for i in range(12)]
        if d.mkdir() is None
    }
    assert len(orders) > 1


def test_reload_resumes_the_call(player, tmp_path):
    """A new player on the same folder resumes where the last one stopped, same order."""
    _choose(player, "reflect-drive")
    again = RolePlay("practice-call", directory=tmp_path)
    assert again.conversation.turn.id == "legs"
    assert again.conversation.seed == player.conversation.seed
    assert again.meters["rapport"][1].value == "7 out of 10"


def test_own_words_are_taken_as_a_reply_only_when_accepted(player, tmp_path):
    """Typed words are read back first; nothing counts until the learner accepts."""
    player.free.value = "Sounds like the drive was really hard on your back."
    player.check.click()
    assert "taken as" in player.taken.value
    assert "That long drive really took it out of your back today." in player.taken.value
    assert not (tmp_path / RECORD).exists()
    player.rephrase.click()
    assert player.taken.value == ""
    player.check.click()
    player.accept.click()
    assert _record(tmp_path).attempt.inputs == [
        {"text": "Sounds like the drive was really hard on your back."}
    ]
    assert player.conversation.turn.id == "legs"


def test_unclear_words_get_a_question_back(player, tmp_path):
    """Words close to nothing: the participant asks what you mean; the call does not move."""
    player.free.value = "qwzx blorp"
    player.check.click()
    assert "what do you mean" in player.taken.value
    assert player.conversation.turn.id == "drive"
    assert not (tmp_path / RECORD).exists()


def test_start_again_asks_and_keeps_the_finished_call(player, tmp_path):
    """A finished call is kept: "Start again" asks first, and the graded call stays the old one."""
    for option in ("reflect-drive", "call-911", "stay-on"):
        _choose(player, option)
    assert "Passed" in player.debrief.value
    player.restart.click()
    assert player.conversation.finished, "start again must ask first"
    player.no.click()
    assert player.conversation.finished
    player.restart.click()
    player.yes.click()
    assert player.conversation.turn.id == "drive"
    record = _record(tmp_path)
    assert record.attempt.inputs == []
    assert [a.inputs for a in record.history] == [
        [{"option": "reflect-drive"}, {"option": "call-911"}, {"option": "stay-on"}]
    ]
    graded = graded_call("practice-call", tmp_path)
    assert graded.transcript.passed
    _choose(player, "reflect-drive")
    graded = graded_call("practice-call", tmp_path)
    assert graded.transcript.passed
    assert any("not finished" in p for p in graded.problems)


def test_no_choice_is_a_prompt_not_a_turn(player, tmp_path):
    """Pressing reply with nothing chosen asks for a choice and saves nothing."""
    player.reply.click()
    assert "Choose a reply first" in player.feedback.value
    assert not (tmp_path / RECORD).exists()


def test_damaged_record_is_kept_aside(practice, tmp_path):
    """A damaged record is moved aside, never overwritten, and the call starts fresh."""
    (tmp_path / RECORD).write_text("{not json")
    player = RolePlay("practice-call", directory=tmp_path)
    assert player.conversation.turn.id == "drive"
    assert (tmp_path / "roleplay-practice-call.damaged.json").read_text() == "{not json"
    assert "could not be read" in player.notice.value


def test_record_that_no_longer_fits_goes_to_history(practice, tmp_path):
    """Saved inputs that no longer fit the scenario are kept in history, and the call restarts."""
    stale = {
        "scenario": "practice-call",
        "format": 2,
        "attempt": {"version": None, "seed": 3, "inputs": [{"option": "gone"}]},
        "history": [],
    }
    (tmp_path / RECORD).write_text(json.dumps(stale))
    player = RolePlay("practice-call", directory=tmp_path)
    player._save()
    assert [a.inputs for a in _record(tmp_path).history] == [[{"option": "gone"}]]
    assert "no longer fits" in player.notice.value


def test_every_control_is_labelled(player):
    """Every button has text, and text boxes say what to type."""
    controls = [c for c in _walk(player) if isinstance(c, (w.Button, w.Textarea))]
    assert len(controls) >= 7
    for control in controls:
        assert (control.description or control.placeholder).strip()
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


def _coach_folder(tmp_path, student):
    folder = tmp_path / "submitted" / student / "capstone"
    folder.mkdir(parents=True)
    return folder


def test_capstone_plays_the_coachs_own_draw(tmp_path, monkeypatch):
    """Each coach's capstone player plays the variant drawn for them, by the persona's name."""
    from peercoach.assessment import DEFAULT_COURSE_ID, draw, families, scenario_ids
    from peercoach.scenario import scenarios_dir
    from peercoach.widgets import Capstone

    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    ids = families(scenario_ids(scenarios_dir()))["nogoal"]
    students = [f"coach-{n}" for n in range(12)]
    seen = set()
    for student in students:
        player = Capstone("nogoal", directory=_coach_folder(tmp_path, student))
        assert player.scenario.id == draw(DEFAULT_COURSE_ID, student, "nogoal", ids)
        assert player.path.name == f"roleplay-{player.scenario.id}.json"
        assert player.scenario.persona.name in player.intro.value
        assert "variant" not in player.intro.value and "family" not in player.intro.value
        seen.add(player.scenario.id)
    assert len(seen) > 1, "twelve coaches should not all draw the same call"


def test_capstone_key_turn_takes_the_coachs_own_words(tmp_path, monkeypatch):
    """An own-words turn offers no menu; the typed line is read back and saved as text."""
    from peercoach.widgets import Capstone

    for n in range(40):
        monkeypatch.setenv("JUPYTERHUB_USER", f"coach-{n}")
        player = Capstone("nogoal", directory=tmp_path)
        turn = player.conversation.turn
        if turn.own_words:
            break
    assert turn.own_words, "some nogoal variant opens with an own-words turn"
    assert player.choices.layout.display == "none" and player.free.layout.display is None
    words = "It sounds like you have had your fill of people handing you goals."
    player.free.value = words
    player.check.click()
    assert "taken as" in player.taken.value
    player.accept.click()
    saved = read_record(player.path, player.scenario.id)
    assert saved.attempt.inputs == [{"text": words}]
    assert player.conversation.turn is None or player.conversation.turn.id != turn.id


def test_capstone_without_a_course_account_says_so(tmp_path, monkeypatch):
    """Off the hub (no student id) the player warns that this may not be the graded call."""
    from peercoach.widgets import Capstone

    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert "does not know your course account" in Capstone("porch", directory=tmp_path).notice.value
    monkeypatch.setenv("JUPYTERHUB_USER", "ann")
    assert "course account" not in Capstone("porch", directory=tmp_path).notice.value
