"""The answers file, the answer widgets and the graders that read the file (no nbgrader run)."""

from __future__ import annotations

import json

import nbformat
import pytest

from peercoach import answers as core
from peercoach.answers import AnswersError, Invalid, parse
from peercoach.exercise import (
    grade_choice,
    grade_label_sets,
    grade_labels,
    grade_message,
    grade_number,
    grade_plan,
    grade_text,
)
from peercoach.exercise.answered import written_bundle
from peercoach.grading.steps import WrittenAnswers
from peercoach.widgets import answers as widgets


@pytest.fixture
def folder(tmp_path):
    """A notebook folder for the assignment ``demo``, with a fresh widget cache."""
    core.use("demo", tmp_path)
    widgets._files.clear()
    yield tmp_path
    core.use(None, None)
    widgets._files.clear()


def saved(folder) -> dict:
    return json.loads((folder / "answers-demo.json").read_text(encoding="utf-8"))


def reopen():
    """What reopening the notebook does: a new kernel reads the file again."""
    widgets._files.clear()


def test_parse_keeps_good_answers_and_marks_bad_ones():
    """Junk types, huge texts and deep nesting are marked invalid, item by item."""
    text = json.dumps(
        {
            "assignment": "demo",
            "format": 1,
            "answers": {
                "ok": {"a": "flare"},
                "huge": "x" * 20_001,
                "deep": {"a": {"b": {"c": {"d": 1}}}},
                "nan": float("nan"),
                "BAD ID": 1,
            },
        }
    )
    answers = parse(text, "demo")
    assert answers["ok"] == {"a": "flare"} and "BAD ID" not in answers
    for item in ("huge", "deep", "nan"):
        assert isinstance(answers[item], Invalid), item


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "damaged"),
        ("[" * 100_000, "damaged"),
        ('{"answers": []}', "should hold"),
        ('{"assignment": "other", "format": 1, "answers": {}}', "not 'demo'"),
        ('{"assignment": "demo", "format": 9, "answers": {}}', "format"),
        (" " * 1_000_001, "larger than"),
    ],
)
def test_unusable_files_explain_themselves(text, message):
    """A file that cannot be used as a whole says why, in plain words."""
    with pytest.raises(AnswersError, match=message):
        parse(text, "demo")


def test_choice_saves_every_change_and_shows_it_again(folder):
    """A choice is saved at once to the one answers file and shown when reopened."""
    box = widgets.Choice("q1", {"a": "one", "b": "two"})
    assert box.pick.value is None and "Not answered" in box.status.value
    box.pick.value = "b"
    assert saved(folder) == {"assignment": "demo", "format": 1, "answers": {"q1": "b"}}
    assert not list(folder.glob(".answers-*")), "the temporary file is renamed into place"
    reopen()
    assert widgets.Choice("q1", {"a": "one", "b": "two"}).pick.value == "b"


def test_widgets_share_one_file(folder):
    """Several widgets write their items into the same file without losing each other's."""
    labels = widgets.Labels("triage", {"a": "x", "b": "y"}, ["911", "continue"])
    number = widgets.Number("peg")
    labels.controls["a"].value = "911"
    number.box.value = "5,5"
    number.box.value = "about five"
    assert "not saved" in number.status.value
    assert saved(folder)["answers"] == {"triage": {"a": "911"}, "peg": 5.5}
    reopen()
    assert widgets.Labels("triage", {"a": "x", "b": "y"}, ["911", "continue"]).controls[
        "a"
    ].value == ("911")
    assert widgets.Number("peg").box.value == "5.5"


def test_several_labels_form_and_table_round_trip(folder):
    """Ticked labels, a plan form and a table are saved as data and shown again."""
    sets = widgets.Labels("missing", {"a": "plan"}, ["what", "when"], several=True)
    sets.controls["a"][1].value = True
    form = widgets.Form("plan", {"what": ("What", "text"), "confidence": ("Sure?", "int")})
    form.controls["what"].value = "walk"
    form.controls["confidence"].value = 8
    table = widgets.Table("steps", ["1", "2"], {"day": ("day", [1, 2, 3])})
    table.controls["1"]["day"].value = 3
    assert saved(folder)["answers"] == {
        "missing": {"a": ["when"]},
        "plan": {"what": "walk", "confidence": 8},
        "steps": {"1": {"day": 3}},
    }
    reopen()
    assert (
        widgets.Table("steps", ["1", "2"], {"day": ("day", [1, 2, 3])}).controls["1"]["day"].value
        == 3
    )
    assert widgets.Form("plan", {"confidence": ("Sure?", "int")}).controls["confidence"].value == 8


def test_written_answer_is_capped(folder):
    """A written answer keeps at most 20,000 characters."""
    box = widgets.Written("essay")
    box.box.value = "y" * 30_000
    assert len(saved(folder)["answers"]["essay"]) == 20_000


def test_damaged_file_is_set_aside_never_overwritten(folder):
    """A damaged file is kept under a new name and the coach is told; a second one too."""
    path = folder / "answers-demo.json"
    for _attempt in (1, 2):
        path.write_text("{broken", encoding="utf-8")
        reopen()
        box = widgets.ShortText("crisis")
        assert "damaged" in box.status.value
        box.box.value = "988 then 1"
    assert (folder / "answers-demo.damaged.json").read_text() == "{broken"
    assert (folder / "answers-demo.damaged-2.json").read_text() == "{broken"
    assert saved(folder)["answers"] == {"crisis": "988 then 1"}


def test_hand_edited_values_are_kept_aside_and_not_shown(folder):
    """A file with an unusable value is copied aside; the usable answers are shown."""
    data = {"assignment": "demo", "format": 1, "answers": {"q1": "a", "q2": ["x"] * 500}}
    (folder / "answers-demo.json").write_text(json.dumps(data), encoding="utf-8")
    box = widgets.Choice("q1", {"a": "one"})
    assert box.pick.value == "a" and "kept as answers-demo.damaged.json" in box.status.value
    assert json.loads((folder / "answers-demo.damaged.json").read_text()) == data


def test_graders_read_only_the_file(folder, capsys):
    """Graders score the saved answers with partial credit, and 0 with a message otherwise."""
    data = {
        "labels": {"a": "Flare", "b": "warning"},
        "sets": {"a": ["when", "what"], "b": []},
        "pick": "b",
        "peg": 5.67,
        "line": "Dial 988, then press 1",
        "junk": {"a": 1},
        "plan": {
            "what": "walk",
            "how_much": "10 minutes",
            "when": "after lunch",
            "how_often": "Mon, Wed",
            "confidence": 8,
        },
        "voicemail": "Hi Carl, this is Sam from the pain program. Call me on 555-0134.",
    }
    (folder / "answers-demo.json").write_text(core.dumps("demo", data), encoding="utf-8")
    key = {"a": "flare", "b": "flare"}
    assert grade_labels("labels", points=2, key=key, hint="{key}") == 1
    sets_key = {"a": {"what", "when"}, "b": {"how often"}}
    assert grade_label_sets("sets", points=2, key=sets_key, hint="{key}") == 1
    assert grade_choice("pick", points=2, key="b", hint="h") == 2
    assert grade_choice("junk", points=2, key="b", hint="h") == 0
    assert "should be one letter, found dict" in capsys.readouterr().out
    assert grade_number("peg", points=1, key=17 / 3, tolerance=0.01, hint="h") == 1
    assert grade_number("missing", points=1, key=1, tolerance=0.01, hint="h") == 0
    assert "not answered yet" in capsys.readouterr().out
    assert grade_text("line", points=2, pattern=r"988\D{0,20}\b1\b", hint="h") == 2
    assert grade_plan("plan", points=3) == 3
    assert grade_message("voicemail", 4, "voicemail", "Sam", "555-0134") == round(4 * 2.5 / 4.5, 2)


def test_written_answer_is_escaped_and_marked():
    """The trainer's view escapes the coach's text; the marker tells autograde it was answered."""
    bundle = written_bundle("essay", "<script>alert(1)</script>\nline two")
    assert "<script>" not in bundle["text/html"]
    assert "&lt;script&gt;" in bundle["text/html"] and "<br>line two" in bundle["text/html"]


def test_written_answer_step_sends_answered_cells_to_the_trainer():
    """Only a manually graded cell that shows an answer gets a checksum that no longer matches."""
    from nbgrader.utils import compute_checksum

    def cell(outputs):
        c = nbformat.v4.new_code_cell('show_written("essay")')
        c.metadata.nbgrader = {"grade": True, "solution": True, "grade_id": "essay", "points": 2}
        c.metadata.nbgrader["checksum"] = compute_checksum(c)
        c.outputs = outputs
        return c

    answered = nbformat.v4.new_output("display_data", data=written_bundle("essay", "my words"))
    blank = nbformat.v4.new_output("stream", name="stdout", text="No written answer")
    for outputs, changed in (([answered], True), ([blank], False)):
        c = cell(outputs)
        WrittenAnswers().preprocess_cell(c, {}, 0)
        assert (c.metadata.nbgrader["checksum"] != compute_checksum(c)) is changed
        assert len(c.metadata.nbgrader["checksum"]) == 32
