"""Verification codes: a short fingerprint of a coach's gradebook record.

The code is the first 64 bits of a SHA-256 hash over the coach's id, every submitted assignment's
score and submission time, and the trainer's sign-off. Anyone with the gradebook can recompute it
(the report lists the code of every ready coach), and any change to those records changes it.
"""

from __future__ import annotations

import hashlib
import json

from peercoach.report.cohort import Cohort
from peercoach.report.config import SignOff


def record(student: str, cohort: Cohort, signoff: SignOff | None) -> dict:
    """The part of the gradebook a certificate vouches for, as JSON-ready data."""
    assignments = {}
    for assignment in cohort.assignments:
        if cohort.has_submitted(student, assignment):
            stamp = cohort.submitted[(student, assignment)]
            assignments[assignment] = {
                "score": round(cohort.score(student, assignment), 4),
                "max": round(cohort.max_score(assignment), 4),
                "timestamp": stamp.isoformat() if stamp else None,
            }
    signed = {"trainer": signoff.trainer, "date": signoff.date.isoformat()} if signoff else None
    return {"student": student, "assignments": assignments, "signoff": signed}


def verification_code(student: str, cohort: Cohort, signoff: SignOff | None) -> str:
    """``XXXX-XXXX-XXXX-XXXX``: upper-case hex from the hash of :func:`record`."""
    text = json.dumps(record(student, cohort, signoff), sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))
