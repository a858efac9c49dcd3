"""The ``scenario-schema`` directive: the scenario format reference, generated from the models.

Every field of every model in :mod:`peercoach.scenario` becomes a table row with its key, what
it holds, whether it is required and its description, so the staff page cannot drift from the
code. The lists of allowed values come from the enums, and the MI code table from the engine.
"""

from __future__ import annotations

import enum
import types
import typing

from docutils import nodes
from docutils.statemachine import StringList
from pydantic_core import PydanticUndefined
from sphinx.util.docutils import SphinxDirective

MODEL_ORDER = (
    "Scenario",
    "Persona",
    "State",
    "Turn",
    "Option",
    "Effect",
    "Branch",
    "RedFlag",
    "Ending",
)
ENUM_ORDER = ("Code", "Style", "Outcome", "Escalation")
SIMPLE_TYPES = {str: "text", int: "whole number", bool: "yes/no", float: "number"}


def models() -> list[type]:
    """The scenario models, in reading order."""
    from peercoach import scenario

    return [getattr(scenario, name) for name in MODEL_ORDER]


def enums() -> list[type[enum.Enum]]:
    """The enums whose values a scenario file may use."""
    from peercoach import scenario

    return [getattr(scenario, name) for name in ENUM_ORDER]


def anchor(cls: type) -> str:
    """The section anchor of a model or enum."""
    return f"schema-{cls.__name__.lower()}"


def describe_type(annotation) -> str:
    """A field's type in words, with links to the models and value lists it uses."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return describe_type(args[0])
    if origin in (typing.Union, types.UnionType):
        kinds = [describe_type(a) for a in args if a is not type(None)]
        return " or ".join(kinds) + (" (may be empty)" if type(None) in args else "")
    if origin is list:
        return f"list of {describe_type(args[0])}"
    if origin is typing.Literal:
        return " or ".join(f"`{a}`" for a in args)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return f"[{annotation.__name__}](#{anchor(annotation)})"
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return f"[{annotation.__name__}](#{anchor(annotation)})"
    return SIMPLE_TYPES.get(annotation, getattr(annotation, "__name__", str(annotation)))


def describe_default(field) -> str:
    """``required``, or the value used when the key is left out."""
    if field.is_required():
        return "required"
    if field.default_factory is not None:
        value = field.default_factory()
        return "optional (empty)" if value in ([], {}) else "optional (no change)"
    if field.default is None or field.default is PydanticUndefined:
        return "optional"
    return f"optional (`{field.default}`)"


def cell(text: str) -> str:
    """Table-cell text: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def model_lines(model) -> list[str]:
    """Markdown for one model: heading, docstring, and a table of its fields."""
    lines = [f"({anchor(model)})=", f"## {model.__name__}", "", cell(model.__doc__ or ""), ""]
    lines += ["| Key | Holds | Required | Meaning |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        key, holds = field.alias or name, describe_type(field.annotation)
        lines.append(
            f"| `{key}` | {cell(holds)} | {describe_default(field)} | "
            f"{cell(field.description or '')} |"
        )
    return [*lines, ""]


def enum_lines(kind) -> list[str]:
    """Markdown for one list of allowed values."""
    lines = [f"({anchor(kind)})=", f"## {kind.__name__} values", "", cell(kind.__doc__ or ""), ""]
    lines += [f"- `{member.value}`" for member in kind]
    return [*lines, ""]


def code_table_lines() -> list[str]:
    """Markdown for how each MI code counts in the debrief's MITI-style summary."""
    from peercoach.engine import CODINGS

    lines = ["(schema-code-counts)=", "## How each code counts in the MI summary", ""]
    lines += ["| Code | Counted as | Also counts as |", "|---|---|---|"]
    for code, coding in CODINGS.items():
        counted = " ".join(filter(None, [coding.get("subtype"), coding["behaviour"]]))
        flags = [flag.replace("_", " ") for flag, on in coding.items() if on is True]
        lines.append(f"| `{code.value}` | {counted} | {', '.join(flags) or '-'} |")
    return [*lines, ""]


class ScenarioSchemaDirective(SphinxDirective):
    """Write the reference for every scenario model, value list and MI code."""

    def run(self) -> list[nodes.Node]:
        lines: list[str] = []
        for model in models():
            lines += model_lines(model)
        for kind in enums():
            lines += enum_lines(kind)
        lines += code_table_lines()
        container = nodes.container(classes=["pc-scenario-schema"])
        self.state.nested_parse(
            StringList(lines, "scenario-schema"), 0, container, match_titles=True
        )
        return container.children
