"""The notebook role-play player (ipywidgets 8).

``RolePlay("the-socialiser")`` shows the participant's line, the coach's replies in an order
shuffled for this attempt, a box for the coach's own words (read back as "taken as ..." before they
count), short feedback after each turn, the state as labelled meters, and a debrief about this
call. After every turn it saves the record (:mod:`peercoach.records`) to ``roleplay-<id>.json``
beside the notebook, so a reload resumes the call and nbgrader grades it by replay. Widget state
itself is never trusted: only the record is. "Start again" asks first, and a finished call is kept
in the record's history: the graded call is the last finished one.
"""

from __future__ import annotations

import html
import os

import ipywidgets as w

from peercoach.engine import Conversation, InputError, Reading, Transcript
from peercoach.records import (
    Attempt,
    Record,
    RecordError,
    read_record,
    record_path,
    scenario_at,
    set_aside,
    version_of,
    write_record,
)
from peercoach.scenario import load_scenario
from peercoach.shuffle import new_seed

STYLE = """<style>
.pc-roleplay { font-size: 1.05rem; max-width: 60rem; }
.pc-roleplay .widget-radio-box label { display: flex !important; flex-direction: row !important;
  align-items: flex-start; justify-content: flex-start; height: auto !important;
  min-height: 1.6em; white-space: normal !important; line-height: 1.4;
  margin: 0.35em 0; overflow: visible; }
.pc-roleplay .widget-radio-box input[type="radio"] { order: -1; flex: 0 0 auto; width: 1.1em;
  height: 1.1em; margin: 0.2em 0.6em 0 0; }
.pc-roleplay .widget-radio-box { width: 100%; }
.pc-roleplay button:focus-visible, .pc-roleplay textarea:focus-visible,
.pc-roleplay input:focus-visible { outline: 3px solid #b35900 !important; outline-offset: 2px; }
</style>"""


def _meter(label: str) -> tuple[w.IntProgress, w.Label]:
    bar = w.IntProgress(min=0, max=10, description=label, layout=w.Layout(width="60%"))
    return bar, w.Label()


class RolePlay(w.VBox):
    """An interactive role-play of one scenario, saved after every turn."""

    def __init__(self, scenario_id: str, directory: str | os.PathLike | None = None):
        self.scenario = load_scenario(scenario_id)
        self.version = version_of(self.scenario)
        self.path = record_path(self.scenario.id, directory)
        self.notice = w.HTML()
        self.intro = w.HTML(STYLE + self._intro_html())
        self.line = w.HTML()
        self.choices = w.RadioButtons(options=[], description="", layout=w.Layout(width="100%"))
        self.reply = w.Button(description="Say this reply", tooltip="Say the chosen reply")
        self.free = w.Textarea(
            placeholder="Or type what you would say, in your own words",
            layout=w.Layout(width="100%", height="4.5em"),
        )
        self.check = w.Button(description="Check my words", tooltip="See how your words land")
        self.taken = w.HTML()
        self.accept = w.Button(description="Yes, say it", button_style="primary")
        self.rephrase = w.Button(description="No, let me rephrase")
        self.feedback = w.HTML()
        self.meters = {k: _meter(k.capitalize()) for k in ("rapport", "readiness", "confidence")}
        self.debrief = w.HTML()
        self.restart = w.Button(description="Start again", tooltip="Start a new attempt")
        self.confirm = w.HTML()
        self.yes = w.Button(description="Yes, start a new call", button_style="warning")
        self.no = w.Button(description="No, keep this call")
        self.reply.on_click(lambda _: self._choose())
        self.check.on_click(lambda _: self._check())
        self.accept.on_click(lambda _: self._accept())
        self.rephrase.on_click(lambda _: self._clear_reading())
        self.restart.on_click(lambda _: self._ask_restart())
        self.yes.on_click(lambda _: self._restart())
        self.no.on_click(lambda _: self._cancel_restart())
        self.pending: Reading | None = None
        self.confirming = False
        legend = w.HTML(
            "<p><small>Rapport: how connected the participant feels. Readiness: how ready they "
            "are to work on a change. Confidence: how sure they are of a plan (0 to 10).</small>"
            "</p>"
        )
        super().__init__(
            [
                self.intro,
                self.notice,
                self.line,
                self.choices,
                self.reply,
                self.free,
                self.check,
                self.taken,
                w.HBox([self.accept, self.rephrase]),
                self.feedback,
                legend,
                *[w.HBox(pair) for pair in self.meters.values()],
                self.debrief,
                self.restart,
                self.confirm,
                w.HBox([self.yes, self.no]),
            ]
        )
        self.add_class("pc-roleplay")
        self.record = self._load()
        self._resume()

    def _intro_html(self) -> str:
        s, p = self.scenario, self.scenario.persona
        return (
            f"<h3>{html.escape(s.title)}</h3><p>{html.escape(s.summary)}</p>"
            f"<p><strong>Caller:</strong> {html.escape(p.name)}, {p.age}, "
            f"{html.escape(p.service)}. <strong>Your goal:</strong> {html.escape(s.goal)}</p>"
            "<p>Choose a reply, or type your own words. Replies are shown in a new order each "
            "time you play.</p>"
        )

    def _fresh(self) -> Attempt:
        return Attempt(self.version, new_seed(), [])

    def _load(self) -> Record:
        try:
            return read_record(self.path, self.scenario.id)
        except RecordError as error:
            if self.path.is_file():
                moved = set_aside(self.path)
                self.notice.value = (
                    f"<p>Your saved call could not be read ({html.escape(str(error))}). It was "
                    f"kept as {html.escape(moved.name)}; a new call starts here.</p>"
                )
            return Record(self.scenario.id, self._fresh(), [])

    def _resume(self) -> None:
        attempt = self.record.attempt
        try:
            scenario, current = scenario_at(self.scenario.id, attempt.version)
            conversation = Conversation(scenario, attempt.seed)
            for move in attempt.inputs:
                conversation.play(move)
        except (InputError, RecordError, ValueError) as error:
            self.record.history.append(attempt)
            self.record.attempt = self._fresh()
            self.notice.value = (
                "<p>Your saved call no longer fits this scenario, so it was kept in your record "
                f"and a new call starts here. ({html.escape(str(error)[:200])})</p>"
            )
            self._resume()
            return
        if not current and not conversation.finished:
            self.record.history.append(attempt)
            self.record.attempt = self._fresh()
            self.notice.value = (
                "<p>The scenario was updated since you started; your unfinished call was kept "
                "and a new call starts here.</p>"
            )
            self._resume()
            return
        self.conversation = conversation
        self._render()

    def _save(self) -> None:
        self.record.attempt.inputs = self.transcript.inputs
        write_record(self.path, self.record)

    def _choose(self) -> None:
        index = self.choices.index
        if index is None:
            self.feedback.value = "<p>Choose a reply first.</p>"
            return
        shown = self.conversation.shown()
        self._play({"option": shown[index].id})

    def _check(self) -> None:
        text = self.free.value.strip()
        if not text:
            self.taken.value = "<p>Type what you would say first.</p>"
            return
        reading = self.conversation.interpret(text)
        name = html.escape(self.conversation.turn.speaker or self.scenario.persona.name)
        if reading.unclear:
            self.pending = None
            reply = html.escape(self.conversation.turn.unclear_reply())
            self.taken.value = (
                f"<p><strong>{name}:</strong> {reply}</p>"
                f"<p>{html.escape(reading.explanation)} Try saying it another way.</p>"
            )
            self._show_confirm(False)
            return
        self.pending = reading
        if reading.option is None:
            meaning = "medical advice. " + html.escape(reading.explanation)
        else:
            meaning = f"&ldquo;{html.escape(reading.option.say)}&rdquo;"
        self.taken.value = f"<p><strong>Your words were taken as:</strong> {meaning}</p>"
        self._show_confirm(True)

    def _accept(self) -> None:
        if self.pending is None or self.conversation.finished:
            return
        text, self.pending = self.pending.text, None
        self._play({"text": text})

    def _clear_reading(self) -> None:
        self.pending = None
        self.taken.value = ""
        self._show_confirm(False)

    def _show_confirm(self, show: bool) -> None:
        for button in (self.accept, self.rephrase):
            button.layout.display = None if show else "none"

    def _play(self, move: dict) -> None:
        try:
            step = self.conversation.play(move)
        except InputError as error:
            self.feedback.value = f"<p>{html.escape(str(error))}</p>"
            return
        self._save()
        self.feedback.value = (
            f"<p><strong>You said:</strong> {html.escape(step.coach)} "
            f"<em>({html.escape(step.code.replace('_', ' '))})</em></p>"
            f"<p>{html.escape(step.feedback)}</p>"
        )
        self.free.value = ""
        self._clear_reading()
        self._render()

    def _ask_restart(self) -> None:
        self.confirming = True
        finished = self.conversation.finished
        self.confirm.value = "<p>Start a new call? " + (
            "This finished call stays in your record; the graded call is the last finished "
            "one, so a new call you finish will replace it.</p>"
            if finished
            else "The call so far is kept in your record, but it will not be graded.</p>"
        )
        self._render()

    def _cancel_restart(self) -> None:
        self.confirming = False
        self.confirm.value = ""
        self._render()

    def _restart(self) -> None:
        self.confirming = False
        self.confirm.value = ""
        if self.conversation.steps:
            self.record.history.append(self.record.attempt)
        self.record.attempt = self._fresh()
        self.conversation = Conversation(self.scenario, self.record.attempt.seed)
        self._save()
        self.feedback.value = ""
        self.notice.value = ""
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
        menu = live and not turn.own_words
        for control, shown in (
            (self.choices, menu),
            (self.reply, menu),
            (self.free, live),
            (self.check, live),
        ):
            control.disabled = not shown
            control.layout.display = None if shown else "none"
        for button in (self.yes, self.no):
            button.layout.display = None if self.confirming else "none"
        self.restart.disabled = self.confirming
        if self.pending is None:
            self._show_confirm(False)
        if live:
            name = html.escape(turn.speaker or self.scenario.persona.name)
            self.line.value = f"<p><strong>{name}:</strong> {html.escape(turn.say)}</p>"
            self.choices.options = [
                (option.say, i) for i, option in enumerate(self.conversation.shown())
            ]
            self.choices.index = None
            self.debrief.value = ""
        else:
            self.choices.options = []
            ending = self.conversation.ending
            name = html.escape(ending.speaker or self.scenario.persona.name)
            self.line.value = (
                f"<p><strong>{name}:</strong> {html.escape(ending.say)}</p>" if ending.say else ""
            )
            self.debrief.value = debrief_html(self.transcript)


class Capstone(RolePlay):
    """The capstone player: the variant of ``family`` drawn for this coach, saved as any call.

    ``Capstone("porch")`` plays the scenario :func:`peercoach.assessment.drawn_variant` picks for
    the coach (the same one the grader replays), saving ``roleplay-<variant id>.json``. The
    learner sees who calls and the goal; the scenario's summary, which names the family and
    variant for staff, is not shown.
    """

    def __init__(self, family: str, directory: str | os.PathLike | None = None):
        from pathlib import Path

        from peercoach.assessment import drawn_variant, student_id

        self.family = family
        folder = Path(directory or Path.cwd())
        super().__init__(drawn_variant(family, folder), directory)
        if not student_id(folder=folder):
            self.notice.value = (
                "<p><strong>This notebook does not know your course account</strong> (it is not "
                "running on the course's JupyterHub), so this may not be the call your trainer "
                "grades. Open the capstone from the course's Assignments list to play yours.</p>"
                + self.notice.value
            )

    def _intro_html(self) -> str:
        s, p = self.scenario, self.scenario.persona
        return (
            f"<h3>Your call with {html.escape(p.name)}</h3>"
            f"<p><strong>Caller:</strong> {html.escape(p.name)}, {p.age}, "
            f"{html.escape(p.service)}. <strong>Your goal:</strong> {html.escape(s.goal)}</p>"
            "<p>Choose a reply, or type your own words; at some turns the player asks for your "
            "own words.</p>"
        )


def debrief_html(transcript: Transcript) -> str:
    """The end-of-call debrief: outcome, what to take away, the turns to rethink, the summary."""
    verdict = "Passed" if transcript.passed else "Not passed yet"
    outcome = (transcript.outcome or "").replace("_", " ")
    notes = "".join(f"<li>{html.escape(x)}</li>" for x in transcript.notes)
    summary = "".join(f"<li>{html.escape(x)}</li>" for x in transcript.summary.describe())
    rethink = "".join(
        f"<li>You said &ldquo;{html.escape(r.said)}&rdquo; ({html.escape(r.did)}). "
        f"{html.escape(' '.join(r.why))}"
        + (f" A better line: &ldquo;{html.escape(r.better)}&rdquo;" if r.better else "")
        + "</li>"
        for r in transcript.rethink
    )
    return (
        f"<h4>Debrief: {verdict} ({html.escape(outcome)})</h4>"
        f"<p>{html.escape(transcript.debrief)}</p>"
        + (f"<ul>{notes}</ul>" if notes else "")
        + (f"<p><strong>Turns to rethink</strong></p><ul>{rethink}</ul>" if rethink else "")
        + f"<p><strong>Your listening in this call</strong></p><ul>{summary}</ul>"
    )
