"""Answer widgets (ipywidgets 8): coaches answer by choosing, clicking and typing words, never code.

Each widget stands for one item id. Every change is saved at once, atomically (a temporary file,
then a rename), to the one answers file beside the notebook, ``answers-<assignment>.json`` (the
format is :mod:`peercoach.answers`); reopening the notebook shows the saved answers again. Graders
read that file, never the widget state. A damaged file is set aside under a new name (never
overwritten) and the coach is told. Long choices are shown as wrapped text with short letters to
pick, because radio labels have a fixed 20 px height in JupyterLab 4 and long ones overlap.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import ipywidgets as w

from peercoach.answers import AnswersError, Invalid, answers_path, dumps, load, use

__all__ = [
    "Choice",
    "Choices",
    "Form",
    "Labels",
    "Number",
    "Practice",
    "ShortText",
    "Table",
    "Written",
    "use",
]
FONT = "16px"
WIDE = {"description_width": "initial"}
_files: dict[Path, AnswerFile] = {}


class AnswerFile:
    """The answers file of one assignment, read once per kernel and written after every change."""

    def __init__(self, assignment: str | None = None, folder: str | Path | None = None):
        self.path = answers_path(assignment, folder)
        self.assignment = self.path.stem.removeprefix("answers-")
        self.notice = ""
        self.answers = self._read()

    def _read(self) -> dict:
        try:
            answers = load(self.assignment, self.path.parent)
        except AnswersError as error:
            self._set_aside(str(error))
            return {}
        if any(isinstance(v, Invalid) for v in answers.values()):
            self._set_aside("Some saved answers were not usable.", keep=True)
        return {k: v for k, v in answers.items() if not isinstance(v, Invalid)}

    def _set_aside(self, reason: str, keep: bool = False) -> None:
        """Keep the unusable file under a name not yet taken, and say so."""
        number, aside = 1, self.path.with_suffix(".damaged.json")
        while aside.exists():
            number += 1
            aside = self.path.with_suffix(f".damaged-{number}.json")
        try:
            if keep:
                aside.write_bytes(self.path.read_bytes())
            else:
                self.path.replace(aside)
        except OSError:
            self.notice = f"{reason} It could not be set aside, so answers here are not saved."
            self.path = aside.with_name(f".unsaved-{self.path.name}")
            return
        self.notice = f"{reason} It was kept as {aside.name}; answers saved from now on go here."

    def get(self, item: str):
        """The saved answer to ``item`` (``None`` when there is none)."""
        return self.answers.get(item)

    def save(self, item: str, value) -> str:
        """Save ``value`` as the answer to ``item``; return what to tell the coach."""
        answers = {**self.answers, item: value}
        if value is None:
            del answers[item]
        try:
            text = dumps(self.assignment, answers)
        except AnswersError as error:
            return f"Not saved: {error}"
        try:
            _write_atomically(self.path, text)
        except OSError as error:
            return f"Not saved: the answers file could not be written ({error.strerror})."
        self.answers = answers
        return "Saved." if value is not None else "No answer saved yet."


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file in the same folder, then rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=".answers-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def answer_file(assignment: str | None = None, folder: str | Path | None = None) -> AnswerFile:
    """The shared :class:`AnswerFile` for this notebook (one per file, per kernel)."""
    path = answers_path(assignment, folder)
    if path not in _files:
        _files[path] = AnswerFile(assignment, folder)
    return _files[path]


def _html(text: str) -> w.HTML:
    return w.HTML(f"<div style='font-size:{FONT}'>{html.escape(text)}</div>")


def _options_html(options: dict[str, str]) -> w.HTML:
    rows = "".join(
        f"<li><strong>{html.escape(k)}.</strong> {html.escape(v)}</li>" for k, v in options.items()
    )
    return w.HTML(f"<ul style='font-size:{FONT};list-style:none;padding-left:0'>{rows}</ul>")


class _Answer(w.VBox):
    """One answer widget: a prompt, the controls, an optional check button and a status line."""

    def __init__(
        self,
        item: str,
        prompt: str = "",
        check: Callable[[object], str] | None = None,
        assignment: str | None = None,
        folder: str | Path | None = None,
    ):
        self.item, self._check, self._restoring = item, check, True
        self.file = answer_file(assignment, folder)
        self.status = w.HTML()
        parts = ([_html(prompt)] if prompt else []) + self._build()
        if check is not None:
            button = w.Button(description="Check my answer", tooltip="Practice check, not graded")
            button.style.font_size = FONT
            self.checked = w.HTML()
            button.on_click(lambda _: self._run_check())
            parts += [button, self.checked]
        super().__init__(parts + [self.status], layout=w.Layout(width="100%"))
        self.add_class("pc-answer")
        self.add_class("pc-answer-" + re.sub(r"[^A-Za-z0-9_-]", "-", item))
        self._show(self.file.get(item))
        self._restoring = False
        saved = self.file.get(item) is not None
        self._status(self.file.notice or ("Saved answer shown." if saved else "Not answered yet."))

    def _build(self) -> list[w.Widget]:
        raise NotImplementedError

    def _read(self):
        raise NotImplementedError

    def _show(self, value) -> None:
        raise NotImplementedError

    def _watch(self, control: w.Widget) -> w.Widget:
        control.observe(lambda _: self._changed(), names="value")
        return control

    def _changed(self) -> None:
        if not self._restoring:
            self._status(self.file.save(self.item, self._read()))

    def _status(self, text: str) -> None:
        self.status.value = f"<em style='font-size:{FONT}'>{html.escape(text)}</em>"

    def _run_check(self) -> None:
        self.checked.value = (
            f"<pre style='font-size:{FONT};white-space:pre-wrap'>"
            f"{html.escape(self._check(self._read()))}</pre>"
        )


class Choice(_Answer):
    """One choice among lettered options: ``Choice("best-reply", {"a": "...", "b": "..."})``."""

    def __init__(self, item: str, options: dict[str, str], prompt: str = "", **kwargs):
        self.options = options
        super().__init__(item, prompt, **kwargs)

    def _build(self):
        self.pick = self._watch(
            w.RadioButtons(
                options=list(self.options), index=None, description="Your answer:", style=WIDE
            )
        )
        return [_options_html(self.options), self.pick]

    def _read(self):
        return self.pick.value

    def _show(self, value):
        self.pick.value = value if value in self.options else None


class Choices(_Answer):
    """Several choices among lettered options; the answer is the list of letters ticked."""

    def __init__(self, item: str, options: dict[str, str], prompt: str = "", **kwargs):
        self.options = options
        super().__init__(item, prompt, **kwargs)

    def _build(self):
        self.boxes = {
            k: self._watch(w.Checkbox(description=k, indent=False, value=False))
            for k in self.options
        }
        return [_options_html(self.options), w.HBox(list(self.boxes.values()))]

    def _read(self):
        return [k for k, box in self.boxes.items() if box.value]

    def _show(self, value):
        for key, box in self.boxes.items():
            box.value = isinstance(value, list) and key in value


class Labels(_Answer):
    """A label for each situation, from a list; with ``several=True``, any number of labels."""

    def __init__(
        self,
        item: str,
        situations: dict[str, str],
        labels: Sequence[str],
        prompt: str = "",
        several: bool = False,
        **kwargs,
    ):
        self.situations, self.labels, self.several = situations, list(labels), several
        super().__init__(item, prompt, **kwargs)

    def _build(self):
        rows, self.controls = [], {}
        for key, text in self.situations.items():
            if self.several:
                boxes = [
                    self._watch(w.Checkbox(description=lb, indent=False)) for lb in self.labels
                ]
                self.controls[key] = boxes
                control = w.HBox(boxes)
            else:
                choose = [("(choose)", "")] + [(lb, lb) for lb in self.labels]
                control = self._watch(
                    w.Dropdown(options=choose, value="", description=f"{key}:", style=WIDE)
                )
                self.controls[key] = control
            rows.append(w.VBox([_html(f"{key}. {text}" if text else key), control]))
        return rows

    def _read(self):
        if self.several:
            return {
                k: [lb for lb, box in zip(self.labels, boxes, strict=True) if box.value]
                for k, boxes in self.controls.items()
            }
        return {k: c.value for k, c in self.controls.items() if c.value}

    def _show(self, value):
        value = value if isinstance(value, dict) else {}
        for key, control in self.controls.items():
            saved = value.get(key)
            if self.several:
                for label, box in zip(self.labels, control, strict=True):
                    box.value = isinstance(saved, list) and label in saved
            else:
                control.value = saved if saved in self.labels else ""


def parse_number(text: str) -> float | None:
    """A number typed as ``5``, ``-1.33``, ``5,5`` or ``19%`` (``None`` when it is not one)."""
    cleaned = text.strip().replace("\u2212", "-").rstrip("%").strip().replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if abs(number) < 1e9 else None


class Number(_Answer):
    """A number typed in a box (decimals with a point or a comma; a per cent sign is allowed)."""

    def _build(self):
        self.box = self._watch(
            w.Text(description="Your number:", placeholder="for example 5.5", style=WIDE)
        )
        self.box.style.font_size = FONT
        return [self.box]

    def _read(self):
        return parse_number(self.box.value)

    def _changed(self):
        if not self._restoring and self.box.value.strip() and self._read() is None:
            self._status("Type a number, such as 5 or 5.5; it is not saved until it is one.")
            return
        super()._changed()

    def _show(self, value):
        self.box.value = f"{value:g}" if type(value) in (int, float) else ""


class ShortText(_Answer):
    """A short text on one line (at most ``limit`` characters)."""

    def __init__(self, item: str, prompt: str = "", limit: int = 2000, **kwargs):
        self.limit = limit
        super().__init__(item, prompt, **kwargs)

    def _build(self):
        self.box = self._watch(
            w.Textarea(
                description="Your answer:",
                placeholder="Type here",
                rows=2,
                style=WIDE,
                layout=w.Layout(width="100%"),
            )
        )
        self.box.style.font_size = FONT
        return [self.box]

    def _read(self):
        return self.box.value[: self.limit] if self.box.value.strip() else None

    def _show(self, value):
        self.box.value = value if isinstance(value, str) else ""


class Written(ShortText):
    """A written answer for the trainer, several lines (at most 20,000 characters)."""

    def __init__(self, item: str, prompt: str = "", **kwargs):
        super().__init__(item, prompt, limit=20_000, **kwargs)

    def _build(self):
        (box,) = super()._build()
        box.rows, box.description = 8, "Your written answer:"
        return [box]


def _field(kind) -> w.Widget:
    if kind == "int":
        return w.Dropdown(options=[("(choose)", None)] + [(str(n), n) for n in range(11)])
    if kind == "text":
        box = w.Text(layout=w.Layout(width="70%"))
        box.style.font_size = FONT
        return box
    return w.Dropdown(options=[("(choose)", "")] + [(str(o), o) for o in kind])


def _set(control: w.Widget, saved) -> None:
    """Show a saved field value, or the empty choice when it does not fit the control."""
    if isinstance(control, w.Dropdown):
        allowed = [v for _, v in control.options]
        control.value = saved if saved in allowed and type(saved) is not bool else allowed[0]
    else:
        control.value = saved if isinstance(saved, str) else ""


class Form(_Answer):
    """Several named fields (``fields``: key -> (label, kind)); kind is text, int or options."""

    def __init__(self, item: str, fields: dict[str, tuple], prompt: str = "", **kwargs):
        self.fields = fields
        super().__init__(item, prompt, **kwargs)

    def _build(self):
        self.controls = {}
        for key, (label, kind) in self.fields.items():
            control = _field(kind)
            control.description, control.style.description_width = label, "initial"
            self.controls[key] = self._watch(control)
        return list(self.controls.values())

    def _read(self):
        return {k: c.value for k, c in self.controls.items() if c.value not in ("", None)}

    def _show(self, value):
        value = value if isinstance(value, dict) else {}
        for key, control in self.controls.items():
            _set(control, value.get(key))


class Table(_Answer):
    """Rows of the same fields (``rows``: names; ``fields`` as for :class:`Form`)."""

    def __init__(self, item: str, rows: Sequence[str], fields: dict, prompt: str = "", **kwargs):
        self.rows, self.fields = list(rows), fields
        super().__init__(item, prompt, **kwargs)

    def _build(self):
        self.controls, lines = {}, []
        for row in self.rows:
            self.controls[row] = {}
            for key, (label, kind) in self.fields.items():
                control = _field(kind)
                control.description = f"{row}, {label}"
                control.style.description_width = "initial"
                self.controls[row][key] = self._watch(control)
            lines.append(w.HBox(list(self.controls[row].values())))
        return lines

    def _read(self):
        table = {}
        for row, controls in self.controls.items():
            values = {k: c.value for k, c in controls.items() if c.value not in ("", None)}
            if values:
                table[row] = values
        return table

    def _show(self, value):
        value = value if isinstance(value, dict) else {}
        for row, controls in self.controls.items():
            saved = value.get(row) if isinstance(value.get(row), dict) else {}
            for key, control in controls.items():
                _set(control, saved.get(key))


class Practice(w.VBox):
    """Practice feedback on how a line codes in MI terms; nothing is saved or graded."""

    def __init__(self, previous: str | None = None, prompt: str = "Try a reply:"):
        self.previous = previous
        self.box = w.Textarea(
            description=prompt, placeholder="Type what you would say", style=WIDE, rows=2
        )
        self.box.layout.width, self.box.style.font_size = "100%", FONT
        button = w.Button(description="Get practice feedback", tooltip="Not graded")
        button.style.font_size = FONT
        self.result = w.HTML()
        button.on_click(lambda _: self._feedback())
        super().__init__([self.box, button, self.result], layout=w.Layout(width="100%"))

    def _feedback(self) -> None:
        from peercoach.mi import code_utterance
        from peercoach.safety import medical_advice

        text = self.box.value[:2000]
        if not text.strip():
            self.result.value = "<p>Type what you would say first.</p>"
            return
        lines = []
        for part in code_utterance(text, previous=self.previous).codes():
            kind = part.behaviour if part.subtype is None else f"{part.subtype} {part.behaviour}"
            flags = [
                f
                for f in ("affirmation", "permission", "autonomy", "persuade", "confront")
                if getattr(part, f)
            ]
            label = kind + (f" ({', '.join(flags)})" if flags else "")
            reasons = " ".join(part.reasons)
            lines.append(f"<li><strong>{html.escape(label)}</strong>: {html.escape(reasons)}</li>")
        for flag in medical_advice(text, self.previous or ""):
            lines.append(f"<li><strong>Medical advice</strong>: {html.escape(flag.reason)}</li>")
        self.result.value = (
            f"<ul style='font-size:{FONT}'>{''.join(lines)}</ul><p>This is practice feedback "
            "from a computer; your trainer grades the written answers.</p>"
        )
