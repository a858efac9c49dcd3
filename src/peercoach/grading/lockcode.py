"""Run only the course's code: learner notebooks are checked against the released notebook.

In this course learners answer in widgets that save data files beside the notebook; they never
need to write code. Learner code is the one way to turn off displayed results, blank later cells,
clear outputs after they run or leak hidden tests, so before execution:

- code cells the released notebook does not have are removed ("removed code");
- code cells it does have are reset to the released content ("reset code"). Test cells are left
  to nbgrader, which has already restored them (with their hidden tests) from the gradebook;
- in a plain nbgrader notebook (no ``peercoach`` metadata in the source) the learner's answer
  cells (nbgrader solution cells) keep the learner's code, as under ``nbgrader autograde``.

The source notebook's ``"peercoach": {"files": [...]}`` metadata names the data files the hidden
tests read; only those reach the sandbox. Without it, the files the assignment's source folder
holds besides notebooks do.
"""

from __future__ import annotations

import copy
import fnmatch
import os

import nbformat
from nbgrader import utils
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import ClearSolutions, NbGraderPreprocessor

from .caps import MAX_DEPTH, NOTEBOOK_MAX_BYTES, json_file_problem


def course_dir(configurable) -> CourseDirectory:
    """The CourseDirectory of the converter running ``configurable``, else one from its config."""
    node = configurable
    while node is not None:
        found = getattr(node, "coursedir", None)
        if isinstance(found, CourseDirectory):
            return found
        node = getattr(node, "parent", None)
    return CourseDirectory(config=configurable.config)


def read_trusted(path: str) -> nbformat.NotebookNode | None:
    """A course notebook (source or release), or None when it is absent or unusable."""
    if not os.path.isfile(path) or json_file_problem(path, NOTEBOOK_MAX_BYTES, MAX_DEPTH * 4):
        return None
    try:
        return nbformat.read(path, as_version=nbformat.NO_CONVERT)
    except (OSError, ValueError, RecursionError):
        return None


def reference_notebooks(coursedir: CourseDirectory, assignment: str, notebook: str, config):
    """(source, released) notebooks; the release is made from the source when it is missing."""
    name = f"{notebook}.ipynb"
    source = read_trusted(
        os.path.join(coursedir.format_path(coursedir.source_directory, ".", assignment), name)
    )
    release = read_trusted(
        os.path.join(coursedir.format_path(coursedir.release_directory, ".", assignment), name)
    )
    if release is None and source is not None:
        release, _ = ClearSolutions(config=config).preprocess(copy.deepcopy(source), {})
    return source, release


def declared_files(source) -> list[str] | None:
    """The data file patterns a source notebook declares, or None when it declares none."""
    meta = source.metadata.get("peercoach") if source is not None else None
    if not isinstance(meta, dict) or not isinstance(meta.get("files"), list):
        return None
    return [f for f in meta["files"] if isinstance(f, str) and safe_relative(f)]


def safe_relative(name: str) -> bool:
    """Whether ``name`` is a relative path that stays inside its folder."""
    parts = name.replace("\\", "/").split("/")
    return bool(name) and not name.startswith("/") and ".." not in parts


def kernel_files(coursedir: CourseDirectory, assignment: str, notebook: str, config) -> list[str]:
    """Patterns (relative to the notebook's folder) of the files the sandbox may receive."""
    source, _ = reference_notebooks(coursedir, assignment, notebook, config)
    declared = declared_files(source)
    if declared is not None:
        return declared
    folder = coursedir.format_path(coursedir.source_directory, ".", assignment)
    found = utils.find_all_files(folder, coursedir.ignore + ["*.ipynb"])
    return sorted(os.path.relpath(path, folder) for path in found)


def allowed(relative: str, patterns: list[str]) -> bool:
    """Whether a file's path relative to the notebook's folder matches one of ``patterns``."""
    return any(fnmatch.fnmatchcase(relative, pattern) for pattern in patterns)


def _grade_id(cell) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "") or ""


def _is_test(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade") and not meta.get("solution")) or bool(
        meta.get("locked") and not meta.get("solution")
    )


def lock_cells(cells: list, reference: list, keep_answers: bool) -> tuple[list, int, int]:
    """(cells to run, removed count, reset count): ``cells`` checked against ``reference``.

    A learner code cell matches a reference code cell by nbgrader id, then cell id, then
    identical source; each reference cell matches once.
    """
    by_grade = {_grade_id(c): c for c in reference if c.cell_type == "code" and _grade_id(c)}
    plain = [c for c in reference if c.cell_type == "code" and not _grade_id(c)]
    by_id = {c.get("id"): c for c in plain if c.get("id")}
    used: set[int] = set()
    kept, removed, reset = [], 0, 0
    for cell in cells:
        if cell.cell_type != "code":
            kept.append(cell)
            continue
        match = _match(cell, by_grade, by_id, plain, used)
        if match is None:
            removed += 1
            continue
        used.add(id(match))
        if _is_test(cell) or (keep_answers and _grade_id(cell)):
            kept.append(cell)
            continue
        if cell.source != match.source:
            reset += 1
            cell.source = match.source
        kept.append(cell)
    return kept, removed, reset


def _match(cell, by_grade, by_id, plain, used):
    grade_id = _grade_id(cell)
    if grade_id:
        found = by_grade.get(grade_id)
        return found if found is not None and id(found) not in used else None
    found = by_id.get(cell.get("id"))
    if found is not None and id(found) not in used:
        return found
    for candidate in plain:
        if id(candidate) not in used and candidate.source == cell.source:
            return candidate
    return None


class LockCode(NbGraderPreprocessor):
    """Autograde step before Execute: remove added code cells, reset edited ones (see module)."""

    def preprocess(self, nb, resources):
        """Check the notebook's code cells against the released notebook."""
        info = resources.get("nbgrader", {})
        coursedir = course_dir(self)
        source, release = reference_notebooks(
            coursedir, info.get("assignment", ""), info.get("notebook", ""), self.config
        )
        if release is None:
            self._note("no released or source notebook to check code against; not checked")
            return nb, resources
        keep_answers = source is None or "peercoach" not in source.metadata
        nb.cells, removed, reset = lock_cells(nb.cells, release.cells, keep_answers)
        if removed:
            self._note(f"removed code: {removed} code cell(s) not in the released notebook")
        if reset:
            self._note(f"reset code: {reset} edited code cell(s) put back as released")
        return nb, resources

    def _note(self, message: str) -> None:
        self.log.warning(message)
