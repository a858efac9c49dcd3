"""nbgrader configuration for the peer coach course (run nbgrader from this folder).

Shared setup lives once in ``source/header.ipynb``: nbgrader puts its cells at the top of every
released notebook. Hidden tests never reach learners: ``HideTestCode`` strips them (and the
tracebacks that would quote them) from the feedback.

Role-play records (``roleplay-*.json``) must never be kept in ``source/<assignment>/``: autograde
copies every file from source over each submission, so an instructor's record would replace the
learner's. Model records live with the tests (``tests/exercises/``) instead. The same holds for
the answers files (``answers-<assignment>.json``) that the answer widgets write.

Learners never write code: they answer in widgets, and a written answer for the trainer is shown
by a manually graded cell that never changes. ``WrittenAnswers`` (in the autograde steps below)
sends that cell to the trainer when it shows an answer; the stub below only fills the empty
solution region of those cells.
"""

import os

c = get_config()  # noqa: F821 - provided by nbgrader when it reads this file

HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "peer-coach"
c.IncludeHeaderFooter.header = os.path.join(HERE, "source", "header.ipynb")
c.ClearSolutions.code_stub = {"python": "# (your answer is the one saved from the box above)"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.Execute.timeout = 60
c.Autograde.autograde_preprocessors = [
    "nbgrader.preprocessors.Execute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "peercoach.grading.steps.WrittenAnswers",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "peercoach.grading.steps.HideTestCode",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]

# --- Grading sandbox (owned by the grading code; keep this section last) ---
# Every autograde, from `peercoach grade`, `nbgrader autograde` or formgrader's Autograde button,
# runs learner kernels in the sandbox (c.Sandbox.* limits), with code cells locked to the released
# notebook, and learner HTML is escaped in the autograded notebooks and in generated feedback.
from peercoach.grading.nbconfig import use_sandbox  # noqa: E402

use_sandbox(c)
