"""The core size, depth and escaping caps, re-exported for the grading modules.

The caps live in :mod:`peercoach.caps` because the report reads the same learner files; front ends
import that core module, never each other.
"""

from peercoach.caps import (
    MAX_DEPTH,
    NOTEBOOK_MAX_BYTES,
    RECORD_MAX_BYTES,
    csv_safe,
    json_depth,
    json_file_problem,
    terminal_safe,
)

__all__ = [
    "MAX_DEPTH",
    "NOTEBOOK_MAX_BYTES",
    "RECORD_MAX_BYTES",
    "csv_safe",
    "json_depth",
    "json_file_problem",
    "terminal_safe",
]
