"""The unrehearsed capstone: which variant of each scenario family a coach plays.

Capstone scenarios are plain scenario files named ``capstone-<family>-<variant>.yaml``; none of
them appears in the book. Each coach plays one variant per family: the variant whose hash of the
course id, the coach's student id, the family and the variant id is highest (:func:`draw`), so
the draw needs no stored state: the learner's kernel, the grader and a trainer with a shell all
get the same answer from the same strings, and adding a variant moves few coaches.

Once a coach is graded, the trainer may keep the draw in the course's record of draws
(``capstone-draws.yaml`` beside ``certification.yaml``, :func:`load_recorded`); a recorded draw
wins over the hash, so later changes to the variants never change a graded coach's call.

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


def score(course_id: str, student: str, family: str, variant: str) -> int:
    """The weight of one variant for one coach: SHA-256 of the four ids joined by newlines.

    ``course_id``, ``student``, ``family`` and ``variant`` (the variant's scenario id) are joined
    by newlines, encoded as UTF-8, hashed with SHA-256 and read as a big-endian integer. A
    trainer can reproduce it in any language.
    """
    if max(len(course_id), len(student), len(family), len(variant)) > _MAX_ID:
        raise ValueError(f"expected ids of at most {_MAX_ID} characters, found a longer one")
    text = "\n".join((course_id, student, family, variant))
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest(), "big")


def draw(
    course_id: str,
    student: str,
    family: str,
    variants: Iterable[str],
    recorded: str | None = None,
) -> str:
    """The variant id a coach plays in ``family``: the one with the highest :func:`score`.

    This is rendezvous (highest-random-weight) hashing: each variant is weighed on its own, so
    when staff add a variant only the coaches for whom the new one weighs most (about one in
    the new number of variants) change call, and removing a variant moves only the coaches who
    had drawn it. ``variants`` may come in any order.

    ``recorded`` is the variant the trainer's record of draws (:func:`load_recorded`) holds for
    this coach: it wins, so a coach already graded keeps the call they were graded on even when
    staff have since added or removed variants. It must be a variant of ``family``.
    """
    if recorded:
        if (split_id(recorded) or ("",))[0] != family:
            raise ValueError(
                f"expected a recorded draw of family '{family}' (capstone-{family}-<variant>) "
                f"for {student}, found '{recorded}'"
            )
        return recorded
    ordered = sorted(set(variants))
    if not ordered:
        raise ValueError(f"expected at least one variant of family '{family}', found none")
    return max(ordered, key=lambda variant: score(course_id, student, family, variant))


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
    both call this, so they agree on the call without storing anything. At grading (``folder``
    under ``submitted/``, ``autograded/`` or ``feedback/``), a draw kept for the coach in the
    course directory's ``capstone-draws.yaml`` wins. Raises ``ValueError`` naming the folder
    when the family has no variant there, or naming the file and line of a bad kept draw.
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
    student = student_id(environ, folder)
    kept = load_recorded(course_dir / RECORDED_FILE) if (course_dir := _course_dir(folder)) else {}
    return draw(course_id, student, family, ids, kept.get(student, {}).get(family))


def _course_dir(folder: str | Path) -> Path | None:
    """The nbgrader course directory above ``submitted/<student>/<assignment>``, if there."""
    path = Path(folder).resolve()
    if len(path.parts) >= 4 and path.parts[-3] in {"submitted", "autograded", "feedback"}:
        return path.parents[2]
    return None


RECORDED_FILE = "capstone-draws.yaml"


def load_recorded(path: str | Path) -> dict[str, dict[str, str]]:
    """The trainer's record of draws: student id -> family -> the variant id kept for them.

    The file (``capstone-draws.yaml`` in the course directory, written by trainers, never by
    coaches) reads::

        jdoe:
          porch: capstone-porch-b
          nogoal: capstone-nogoal-a

    A missing file is an empty record. Raises ``ValueError`` naming the file, line and key, what
    was expected and what was found, for anything else that is not such a mapping.
    """
    from ruamel.yaml import YAML, YAMLError

    path = Path(path)
    if not path.is_file():
        return {}
    try:
        data = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    except (YAMLError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: expected YAML, found an error: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected student ids as keys, found {type(data).__name__}")
    found: dict[str, dict[str, str]] = {}
    for student, entry in data.items():
        where = f"{path}:{_line(data, student)}"
        if not isinstance(entry, dict):
            raise ValueError(
                f"{where}: key '{student}': expected family: variant lines, found "
                f"{type(entry).__name__}"
            )
        for family, variant in entry.items():
            at = f"{path}:{_line(entry, family)}"
            if (split_id(str(variant)) or ("",))[0] != str(family):
                raise ValueError(
                    f"{at}: key '{student}.{family}': expected capstone-{family}-<variant>, "
                    f"found '{variant}'"
                )
            found.setdefault(str(student), {})[str(family)] = str(variant)
    return found


def _line(mapping, key) -> int | str:
    """The 1-based line of ``key`` in a round-trip-loaded mapping (``?`` when unknown)."""
    try:
        return mapping.lc.key(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return "?"
