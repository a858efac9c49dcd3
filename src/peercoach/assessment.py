"""The unrehearsed capstone: which variant of each scenario family a coach plays.

Capstone scenarios are plain scenario files named ``capstone-<family>-<variant>.yaml``; none of
them appears in the book. Each coach plays one variant per family, drawn from a hash of the course
id, the coach's student id and the family, so the draw needs no stored state: the learner's kernel,
the grader and a trainer with a shell all get the same answer from the same three strings.

In the learner's kernel the student id is ``JUPYTERHUB_USER``; at grading it is the name of the
nbgrader student folder (``submitted/<student>/<assignment>/``). :func:`student_id` reads both;
:func:`drawn_variant` is what the notebook player and the grader call.
Pure Python: no notebook, widget or grading imports.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

PREFIX = "capstone-"
DEFAULT_COURSE_ID = "peer-coach-course"
_VARIANT = re.compile(r"^capstone-(?P<family>[a-z0-9]+)-(?P<variant>[a-z0-9]+)$")
_MAX_ID = 200


def split_id(scenario_id: str) -> tuple[str, str] | None:
    """``(family, variant)`` of a capstone scenario id, or ``None`` for any other id."""
    match = _VARIANT.match(scenario_id)
    return (match["family"], match["variant"]) if match else None


def families(scenario_ids: Iterable[str]) -> dict[str, list[str]]:
    """Capstone families found among ``scenario_ids``: family -> its variant ids, sorted."""
    found: dict[str, list[str]] = {}
    for scenario_id in scenario_ids:
        parts = split_id(scenario_id)
        if parts:
            found.setdefault(parts[0], []).append(scenario_id)
    return {family: sorted(ids) for family, ids in sorted(found.items())}


def draw_index(course_id: str, student: str, family: str, count: int) -> int:
    """The position (0 to ``count - 1``) drawn for one coach and family.

    SHA-256 of ``course_id``, ``student`` and ``family`` joined by newlines (UTF-8), read as a
    big-endian integer, modulo ``count``. A trainer can reproduce it in any language.
    """
    if count < 1:
        raise ValueError(f"expected at least one variant of family '{family}', found none")
    if max(len(course_id), len(student), len(family)) > _MAX_ID:
        raise ValueError(f"expected ids of at most {_MAX_ID} characters, found a longer one")
    digest = hashlib.sha256("\n".join((course_id, student, family)).encode("utf-8")).digest()
    return int.from_bytes(digest, "big") % count


def draw(course_id: str, student: str, family: str, variants: list[str]) -> str:
    """The variant id a coach plays in ``family`` (``variants`` in any order; sorted here)."""
    ordered = sorted(variants)
    return ordered[draw_index(course_id, student, family, len(ordered))]


def draws(course_id: str, student: str, scenario_ids: Iterable[str]) -> dict[str, str]:
    """Family -> drawn variant id for one coach, over every family in ``scenario_ids``."""
    return {
        family: draw(course_id, student, family, ids)
        for family, ids in families(scenario_ids).items()
    }


def student_id(environ: Mapping[str, str] | None = None, folder: str | Path = ".") -> str:
    """The coach's student id: the nbgrader student folder's name, else ``JUPYTERHUB_USER``.

    ``folder`` is the assignment folder the notebook runs in. Under nbgrader's course directory
    that is ``submitted/<student>/<assignment>`` (or ``autograded/...``, ``feedback/...``), and
    the student is the folder's parent: that wins, so a trainer grading on JupyterHub (whose own
    ``JUPYTERHUB_USER`` is set) still grades each coach's own draw. In a learner's kernel it is
    ``JUPYTERHUB_USER``. Returns ``""`` when neither is known (a learner's own laptop).
    """
    parts = Path(folder).resolve().parts
    if len(parts) >= 3 and parts[-3] in {"submitted", "autograded", "feedback"}:
        return parts[-2]
    environ = os.environ if environ is None else environ
    return environ.get("JUPYTERHUB_USER", "").strip()


def scenario_ids(folder: str | Path) -> list[str]:
    """Capstone scenario ids of the ``capstone-*.yaml`` files in ``folder``."""
    return sorted(p.stem for p in Path(folder).glob(f"{PREFIX}*.yaml") if split_id(p.stem))


def drawn_variant(
    family: str,
    folder: str | Path = ".",
    scenarios: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    course_id: str = DEFAULT_COURSE_ID,
) -> str:
    """The variant id of ``family`` drawn for the coach whose notebook runs in ``folder``.

    The coach is :func:`student_id`; the variants are the ``capstone-<family>-*.yaml`` files in
    ``scenarios`` (default: the course's scenarios folder). The learner's player and the grader
    both call this, so they agree on the call without storing anything. Raises ``ValueError``
    naming the folder when the family has no variant there.
    """
    if scenarios is None:
        from peercoach.scenario import scenarios_dir

        scenarios = scenarios_dir()
    ids = families(scenario_ids(scenarios)).get(family, [])
    if not ids:
        raise ValueError(
            f"{Path(scenarios)}: expected scenario files {PREFIX}{family}-<variant>.yaml for "
            f"capstone family '{family}', found none"
        )
    return draw(course_id, student_id(environ, folder), family, ids)
