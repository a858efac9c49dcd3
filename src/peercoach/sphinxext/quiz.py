"""The ``quiz`` directive: a self-check question that works offline, with or without JavaScript.

Syntax::

    ```{quiz} Question text?
    :objective: m02-hurt-harm

    - [ ] A wrong choice.
      > Feedback for it.
    - [x] A correct choice.
      > Feedback for it.
    ```

The page gets a ``<fieldset>`` with radio buttons (checkboxes when several choices are correct), a
"Check answer" button wired by ``quiz.js`` and a polite live region for the feedback. A
``<details>`` after the fieldset holds the answer and all feedback, for readers without JavaScript.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from .lines import content_lineno
from .nodes import element
from .objectives import record_use, warn

CHOICE_LINE = re.compile(r"^[-*]\s+\[(?P<mark>[ xX])\]\s+(?P<text>\S.*)$")
FEEDBACK_LINE = re.compile(r"^\s+>\s?(?P<text>.*)$")
CONTINUATION_LINE = re.compile(r"^\s+(?P<text>\S.*)$")


@dataclass
class Choice:
    """One answer choice as written in the page."""

    text: str
    correct: bool
    lineno: int
    feedback: list[str] = field(default_factory=list)


def escape_raw(inline_nodes: list[nodes.Node]) -> list[nodes.Node]:
    """Replace raw HTML in parsed inline markup by its text, so it shows instead of running."""
    result = []
    for node in inline_nodes:
        if isinstance(node, nodes.raw):
            result.append(nodes.Text(node.astext()))
            continue
        for raw in list(node.findall(nodes.raw)) if isinstance(node, nodes.Element) else []:
            raw.replace_self(nodes.Text(raw.astext()))
        result.append(node)
    return result


class QuizDirective(SphinxDirective):
    """Render one self-check question."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec = {"objective": directives.unchanged_required, "class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        objective = self.options.get("objective", "").strip()
        if objective:
            record_use(self.env, objective, self.lineno)
        else:
            warn(
                "quiz: missing ':objective:' (the id of a learning objective)", self.get_location()
            )
        choices = self._parse_choices()
        if not self._choices_usable(choices):
            return []
        serial = self.env.new_serialno("peercoach-quiz")
        return [self._quiz_node(f"pc-quiz-{serial}", objective, choices)]

    def _parse_choices(self) -> list[Choice]:
        choices: list[Choice] = []
        for offset, line in enumerate(self.content):
            lineno = content_lineno(self, offset)
            if not line.strip():
                continue
            if match := CHOICE_LINE.match(line):
                choices.append(Choice(match["text"], match["mark"] != " ", lineno))
            elif choices and (match := FEEDBACK_LINE.match(line)):
                choices[-1].feedback.append(match["text"])
            elif choices and not choices[-1].feedback and (match := CONTINUATION_LINE.match(line)):
                choices[-1].text += " " + match["text"]
            else:
                warn(
                    "quiz: expected a choice ('- [ ] text' or '- [x] text') or an indented "
                    f"'> feedback' line, found {line.strip()!r}",
                    (self.env.docname, lineno),
                )
        return choices

    def _choices_usable(self, choices: list[Choice]) -> bool:
        if len(choices) < 2:
            warn("quiz: a question needs at least two choices", self.get_location())
            return False
        if not any(choice.correct for choice in choices):
            warn("quiz: no choice is marked correct with '- [x]'", self.get_location())
            return False
        return True

    def _inline(self, text: str, lineno: int) -> list[nodes.Node]:
        text_nodes, messages = self.state.inline_text(text, lineno)
        return [*escape_raw(text_nodes), *messages]

    def _quiz_node(self, quiz_id: str, objective: str, choices: list[Choice]) -> nodes.Node:
        multiple = sum(choice.correct for choice in choices) > 1
        legend = element("legend", *self._inline(self.arguments[0], self.lineno))
        if multiple:
            legend += element("span", nodes.Text(" (choose all that apply)"), class_="pc-hint")
        fieldset = element("fieldset", legend, class_="pc-quiz-fieldset")
        for index, choice in enumerate(choices):
            fieldset += self._choice_node(quiz_id, index, choice, multiple)
        fieldset += element(
            "button",
            nodes.Text("Check answer"),
            html_only=True,
            type="button",
            class_="pc-quiz-check",
            hidden=True,
        )
        fieldset += element("div", html_only=True, class_="pc-quiz-result", aria_live="polite")
        classes = " ".join(["pc-quiz", *self.options.get("class", [])])
        quiz = element("div", fieldset, class_=classes, id=quiz_id, data_objective=objective)
        quiz += self._answer_node(choices)
        return quiz

    def _choice_node(self, quiz_id: str, index: int, choice: Choice, multiple: bool):
        input_id = f"{quiz_id}-{index}"
        box = element(
            "input",
            html_only=True,
            type="checkbox" if multiple else "radio",
            name=quiz_id,
            id=input_id,
            value=str(index),
            data_correct="true" if choice.correct else "false",
        )
        label = element("label", *self._inline(choice.text, choice.lineno), for_=input_id)
        node = element("div", box, label, class_="pc-quiz-choice")
        if choice.feedback:
            text = self._inline(" ".join(choice.feedback), choice.lineno)
            node += element("div", *text, html_only=True, class_="pc-quiz-feedback", hidden=True)
        return node

    def _answer_node(self, choices: list[Choice]) -> nodes.Node:
        items = nodes.bullet_list()
        for choice in choices:
            verdict = "Correct" if choice.correct else "Not correct"
            paragraph = nodes.paragraph()
            paragraph += nodes.strong(verdict, verdict)
            paragraph += nodes.Text(": ")
            paragraph += self._inline(choice.text, choice.lineno)
            if choice.feedback:
                paragraph += nodes.Text(" — ")
                paragraph += self._inline(" ".join(choice.feedback), choice.lineno)
            items += nodes.list_item("", paragraph)
        summary = element("summary", nodes.Text("Show the answer and feedback"))
        return element("details", summary, items, class_="pc-quiz-answer")
