"""The notebook role-play player (ipywidgets 8).

``RolePlay("the-socialiser")`` shows the participant's line, the coach's options and a box for
free text, feedback after each turn, the state as labelled meters, and a debrief with the call's
summary. After every turn it saves the coach's inputs to ``roleplay-<id>.json`` beside the
notebook, so a reload resumes the call and nbgrader grades it by replay after autograde re-runs
the notebook. Widget state itself is never trusted: only the inputs file is.
"""

from __future__ import annotations

import html
import json
import os
import tempfile
from pathlib import Path

import ipywidgets as w

from peercoach.engine import Conversation, InputError, Transcript
from peercoach.scenario import SCHEMA_VERSION, load_scenario


def record_path(scenario_id: str, directory: str | os.PathLike | None = None) -> Path:
    """Where a scenario's role-play record lives: ``roleplay-<id>.json`` beside the notebook."""
    return Path(directory or Path.cwd()) / f"roleplay-{scenario_id}.json"


def read_record(path: Path) -> dict:
    """The saved record, or an empty one; a damaged file is kept aside, never overwritten."""
    empty = {"inputs": [], "history": []}
    if not path.exists():
        return empty
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        path.replace(path.with_suffix(".damaged.json"))
        return empty
    if not isinstance(data, dict) or not isinstance(data.get("inputs"), list):
        return empty
    data.setdefault("history", [])
    return data


def write_record(path: Path, scenario_id: str, inputs: list, history: list) -> None:
    """Write the record atomically: a temporary file in the same folder, then a rename."""
    data = {
        "scenario": scenario_id,
        "schema_version": SCHEMA_VERSION,
        "inputs": inputs,
        "history": history,
    }
    fd, tmp = tempfile.mkstemp(prefix=".roleplay-", suffix=".json", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _meter(label: str) -> tuple[w.IntProgress, w.Label]:
    bar = w.IntProgress(min=0, max=10, description=label, layout=w.Layout(width="60%"))
    return bar, w.Label()


class RolePlay(w.VBox):
    """An interactive role-play of one scenario, saved after every turn."""

    def __init__(self, scenario_id: str, directory: str | os.PathLike | None = None):
        self.scenario = load_scenario(scenario_id)
        self.path = record_path(self.scenario.id, directory)
        record = read_record(self.path)
        self.history: list = record["history"]
        self.conversation = Conversation(self.scenario)
        self.intro = w.HTML(self._intro_html())
        self.line = w.HTML()
        self.choices = w.RadioButtons(
            options=[], description="Your reply:", layout=w.Layout(width="100%")
        )
        self.reply = w.Button(description="Say this", tooltip="Say the chosen reply")
        self.free = w.Textarea(
            description="Or in your words:",
            placeholder="Type what you would say",
            layout=w.Layout(width="100%"),
        )
        self.say = w.Button(description="Say my words", tooltip="Say what you typed")
        self.feedback = w.HTML()
        self.meters = {k: _meter(k.capitalize()) for k in ("rapport", "readiness", "confidence")}
        self.debrief = w.HTML()
        self.restart = w.Button(description="Start again", tooltip="Start the call again")
        self.reply.on_click(lambda _: self._play({"choice": self.choices.index}))
        self.say.on_click(lambda _: self._play({"text": self.free.value}))
        self.restart.on_click(lambda _: self._restart())
        meters = [w.HBox(pair) for pair in self.meters.values()]
        super().__init__(
            [
                self.intro,
                self.line,
                self.choices,
                self.reply,
                self.free,
                self.say,
                self.feedback,
                *meters,
                self.debrief,
                self.restart,
            ]
        )
        self._resume(record["inputs"])

    def _intro_html(self) -> str:
        s, p = self.scenario, self.scenario.persona
        return (
            f"<h3>{html.escape(s.title)}</h3><p>{html.escape(s.summary)}</p>"
            f"<p><strong>Caller:</strong> {html.escape(p.name)}, {p.age}, "
            f"{html.escape(p.service)}. <strong>Your goal:</strong> {html.escape(s.goal)}</p>"
        )

    def _resume(self, inputs: list) -> None:
        try:
            for move in inputs:
                self.conversation.play(move)
        except (InputError, TypeError, ValueError):
            self.history.append(inputs)
            self.conversation = Conversation(self.scenario)
            self.feedback.value = (
                "<p>Your saved call no longer fits this scenario; starting again.</p>"
            )
        self._render()

    def _play(self, move: dict) -> None:
        if "choice" in move and move["choice"] is None:
            self.feedback.value = "<p>Choose a reply first.</p>"
            return
        if "text" in move and not move["text"].strip():
            self.feedback.value = "<p>Type what you would say first.</p>"
            return
        step = self.conversation.play(move)
        self._save()
        code = step.code.replace("_", " ")
        reasons = "".join(f"<li>{html.escape(r)}</li>" for r in step.coding.reasons)
        self.feedback.value = (
            f"<p><strong>You said:</strong> {html.escape(step.coach)} <em>({code})</em></p>"
            f"<p>{html.escape(step.feedback)}</p>" + (f"<ul>{reasons}</ul>" if reasons else "")
        )
        self.free.value = ""
        self._render()

    def _save(self) -> None:
        write_record(self.path, self.scenario.id, self.transcript.inputs, self.history)

    def _restart(self) -> None:
        if self.conversation.steps:
            self.history.append(self.transcript.inputs)
        self.conversation = Conversation(self.scenario)
        self._save()
        self.feedback.value = ""
        self._render()

    @property
    def transcript(self) -> Transcript:
        """The call so far."""
        return self.conversation.transcript()

    def _render(self) -> None:
        state = self.conversation.state
        for key, (bar, label) in self.meters.items():
            value = state.get(key)
            bar.value = value or 0
            label.value = "not rated yet" if value is None else f"{value} out of 10"
        turn = self.conversation.turn
        live = turn is not None
        for control in (self.choices, self.reply, self.free, self.say):
            control.disabled = not live
        name = html.escape(self.scenario.persona.name)
        if live:
            self.line.value = f"<p><strong>{name}:</strong> {html.escape(turn.say)}</p>"
            self.choices.options = [o.say for o in turn.options]
            self.choices.index = None
            self.debrief.value = ""
        else:
            self.choices.options = []
            last = self.conversation.ending.say
            self.line.value = f"<p><strong>{name}:</strong> {html.escape(last)}</p>" if last else ""
            self.debrief.value = debrief_html(self.transcript)


def debrief_html(transcript: Transcript) -> str:
    """The end-of-call debrief: outcome, what to take away, and the MI summary."""
    verdict = "Passed" if transcript.passed else "Not passed yet"
    outcome = (transcript.outcome or "").replace("_", " ")
    lines = transcript.notes + transcript.summary.describe()
    items = "".join(f"<li>{html.escape(x)}</li>" for x in lines)
    return (
        f"<h4>Debrief: {verdict} ({html.escape(outcome)})</h4>"
        f"<p>{html.escape(transcript.debrief)}</p><ul>{items}</ul>"
    )
