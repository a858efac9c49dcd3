"""One call in ``nbgrader_config.py`` routes every autograde through the sandbox.

``peercoach grade`` swaps nbgrader's Execute step itself, but formgrader's Autograde buttons and
``nbgrader autograde`` read only the configuration. :func:`use_sandbox` rewrites the course's
autograde steps (nbgrader's defaults when it sets none) the way ``peercoach grade`` runs them:
code locked to the release just before execution, execution in the sandbox, learner HTML
sanitized last; and it sanitizes generated feedback too. Other steps stay where they are.
"""

from __future__ import annotations

LOCK = "peercoach.grading.lockcode.LockCode"
SANDBOXED = "peercoach.grading.sandbox.SandboxedExecute"
SANITIZER = "peercoach.grading.sanitize.SanitizeLearnerHTML"
EXECUTE_NAMES = {
    "Execute",
    "nbgrader.preprocessors.Execute",
    "nbgrader.preprocessors.execute.Execute",
}


def _name(step) -> str:
    return step if isinstance(step, str) else f"{step.__module__}.{step.__qualname__}"


def sandboxed_steps(steps: list) -> list:
    """``steps`` with Execute replaced by LockCode and SandboxedExecute, and the sanitizer last.

    Steps already rewritten are returned unchanged.
    """
    names = [_name(step) for step in steps]
    if SANDBOXED in names:
        return list(steps)
    rewritten = []
    for step, name in zip(steps, names, strict=True):
        if name in EXECUTE_NAMES:
            rewritten += [LOCK, SANDBOXED]
        else:
            rewritten.append(step)
    if SANITIZER not in names:
        rewritten.append(SANITIZER)
    return rewritten


def default_steps(converter: str) -> list:
    """nbgrader's own default preprocessors of ``Autograde`` or ``GenerateFeedback``."""
    from nbgrader.converters import Autograde, GenerateFeedback

    if converter == "Autograde":
        return list(Autograde.class_traits()["autograde_preprocessors"].default())
    return list(GenerateFeedback.class_traits()["preprocessors"].default())


def use_sandbox(c) -> None:
    """Configure nbgrader config ``c`` so every autograde and feedback uses the grader's steps."""
    steps = c.Autograde.get("autograde_preprocessors", None)
    steps = list(steps) if steps is not None else default_steps("Autograde")
    c.Autograde.autograde_preprocessors = sandboxed_steps(steps)
    feedback = c.GenerateFeedback.get("preprocessors", None)
    feedback = list(feedback) if feedback is not None else default_steps("GenerateFeedback")
    if SANITIZER not in [_name(step) for step in feedback]:
        feedback.append(SANITIZER)
    c.GenerateFeedback.preprocessors = feedback
