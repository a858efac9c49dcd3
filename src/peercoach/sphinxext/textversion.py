"""A scenario as numbered "choose your path" sections, for print, PDF and readers without JS.

Sections are numbered in the order a reader first meets them from the start turn. Each coach
response names its MI code, how it moves the state, the feedback, and the section to go to next
(with the condition, when the way on depends on the state).
"""

from __future__ import annotations

from docutils import nodes

METERS = ("rapport", "readiness", "confidence")


def section_numbers(scenario) -> dict[str, int]:
    """Number turns and endings breadth-first from the start turn."""
    order: dict[str, int] = {}
    queue = [scenario.start]
    while queue:
        node_id = queue.pop(0)
        node = scenario.node(node_id)
        if node is None or node_id in order:
            continue
        order[node_id] = len(order) + 1
        for option in getattr(node, "options", []):
            queue += targets(option)
    return order


def targets(option) -> list[str]:
    """The ids an option can lead to, in branch order."""
    return [option.next] if isinstance(option.next, str) else [b.goto for b in option.next]


def anchor(scenario_id: str, number: int) -> str:
    """The HTML id of a numbered section."""
    return f"pc-rp-{scenario_id}-{number}"


def text_version(scenario) -> list[nodes.Node]:
    """The docutils nodes of the text version."""
    numbers = section_numbers(scenario)
    result: list[nodes.Node] = [_intro(scenario)]
    for node_id, number in numbers.items():
        node = scenario.node(node_id)
        if hasattr(node, "options"):
            result.append(_turn(scenario, node, number, numbers))
        else:
            result.append(_ending(scenario, node, number))
    return result


def _intro(scenario) -> nodes.Node:
    state = scenario.state
    start = ", ".join(
        f"{name} {getattr(state, name)}" for name in METERS if getattr(state, name) is not None
    )
    para = nodes.paragraph()
    para += nodes.strong("", f"Text version: {scenario.title}. ")
    para += nodes.Text(
        f"{scenario.summary} Goal: {scenario.goal} Start at section 1 and keep track of the "
        f"state on paper: {start} (each 0 to 10). Each response says how it changes the state "
        "and where to go next."
    )
    return para


def _turn(scenario, turn, number: int, numbers: dict[str, int]) -> nodes.Node:
    box = nodes.container(ids=[anchor(scenario.id, number)], classes=["pc-rp-section"])
    line = nodes.paragraph()
    line += nodes.strong("", f"{number}. ")
    line += nodes.Text(f"{scenario.persona.name}: “{turn.say}”")
    box += line
    if turn.red_flag is not None:
        box += nodes.paragraph("", f"Red flag: {turn.red_flag.reason}", classes=["pc-rp-flag"])
    choices = nodes.bullet_list()
    for option in turn.options:
        choices += nodes.list_item("", _option(scenario, option, numbers))
    box += choices
    return box


def _option(scenario, option, numbers: dict[str, int]) -> nodes.Node:
    para = nodes.paragraph()
    para += nodes.Text(f"You say: “{option.say}” ")
    para += nodes.emphasis("", f"({describe_code(option.code)}; {describe_effect(option)}.)")
    para += nodes.Text(f" Feedback: {option.feedback} ")
    para += _next(scenario, option, numbers)
    return para


def _next(scenario, option, numbers: dict[str, int]) -> list[nodes.Node]:
    if isinstance(option.next, str):
        return [nodes.Text("Go to "), _link(scenario, numbers[option.next]), nodes.Text(".")]
    parts: list[nodes.Node] = []
    for branch in option.next:
        if branch.when:
            parts += [nodes.Text(f"If {branch.when}, go to ")]
        else:
            parts += [nodes.Text("Otherwise go to " if parts else "Go to ")]
        parts += [_link(scenario, numbers[branch.goto]), nodes.Text(". ")]
    return parts


def _link(scenario, number: int) -> nodes.Node:
    return nodes.reference("", str(number), refid=anchor(scenario.id, number), internal=True)


def _ending(scenario, ending, number: int) -> nodes.Node:
    box = nodes.container(ids=[anchor(scenario.id, number)], classes=["pc-rp-section"])
    head = nodes.paragraph()
    head += nodes.strong("", f"{number}. End of the call: {describe_outcome(ending.outcome)}.")
    if ending.say:
        head += nodes.Text(f" {scenario.persona.name}: “{ending.say}”")
    box += head
    box += nodes.paragraph("", f"Debrief: {ending.debrief}")
    return box


def describe_code(code) -> str:
    """An MI code in words, e.g. ``open question``."""
    return str(getattr(code, "value", code)).replace("_", " ")


def describe_outcome(outcome) -> str:
    """An outcome in words, e.g. ``action plan``."""
    return str(getattr(outcome, "value", outcome)).replace("_", " ")


def describe_effect(option) -> str:
    """How an option moves the state, e.g. ``rapport +1, readiness -2``."""
    changes = [
        f"{name} {value:+d}" for name in METERS if (value := getattr(option.effect, name, 0))
    ]
    if option.confidence is not None:
        changes.append(f"confidence set to {option.confidence}")
    return ", ".join(changes) or "no change"
