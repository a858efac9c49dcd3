"""What a graded role-play call achieved, kept the first time it is judged.

A call is judged by replaying its record (:func:`peercoach.records.graded_call`): the engine, the
safety cues and model, the word tables that route typed words and the MI coder all take part.
Staff may extend the cues and word tables, and the code is updated between cohorts, so judging
the same record again later could give another ending. A grade, once earned, must not change by
accident: :func:`judged_call` keeps each verdict in the course (``.peercoach/judged/``), keyed
by the exact bytes of the record file, and gives the kept verdict whenever that same file is
judged again. A changed file (a new submission) is a new record and is judged afresh; a trainer
judges kept calls again on purpose by grading again (``peercoach grade ASSIGNMENT --force``),
which passes ``again=True``.

Each verdict names the rules it was judged with (:func:`peercoach.prechecked.rules_version`: the
package version and a hash of the code and data files that judge a call), so the report can say
how many calls were judged with rules that have changed since.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from peercoach.caps import RECORD_MAX_BYTES
from peercoach.mi import Summary
from peercoach.prechecked import rules_version
from peercoach.records import GradedCall, graded_call, record_path

STORE = Path(".peercoach") / "judged"
FORMAT = 1
MAX_VERDICT_BYTES = 64_000


@dataclass(frozen=True)
class Verdict:
    """The graded call of one record file, as it was first judged.

    ``outcome`` is the ending's outcome, ``passed`` whether the call passed, ``summary`` its MI
    summary, ``confidence`` the participant's confidence at the end (if the scenario tracks it),
    ``debrief`` the ending's debrief; ``rules`` is :func:`rules_version` when it was judged and
    ``judged`` the date (ISO, UTC).
    """

    scenario: str
    outcome: str
    passed: bool
    summary: Summary
    confidence: float | None
    debrief: str
    rules: str
    judged: str

    def to_dict(self) -> dict:
        """The verdict as it is kept (JSON-ready)."""
        data = asdict(self)
        data["format"] = FORMAT
        return data


def record_key(scenario_id: str, where: str | os.PathLike = ".") -> str | None:
    """The key of the record file ``roleplay-<scenario_id>.json`` in ``where``: a hash of the
    scenario id and the file's bytes; ``None`` when the file cannot be read or is too large."""
    path = record_path(scenario_id, where)
    try:
        if path.stat().st_size > RECORD_MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return hashlib.sha256(scenario_id.encode() + b"\0" + data).hexdigest()


def judged_call(
    scenario_id: str,
    where: str | os.PathLike,
    store: Path | None,
    *,
    again: bool = False,
    scenarios: Path | None = None,
) -> tuple[Verdict | None, GradedCall | None]:
    """The verdict on the graded call of ``roleplay-<scenario_id>.json`` in ``where``.

    Returns ``(verdict, None)`` when ``store`` already holds the verdict on this exact file (and
    ``again`` is false), else judges it now with :func:`peercoach.records.graded_call` and returns
    ``(verdict, graded)``, keeping a finished call's verdict in ``store``. ``verdict`` is
    ``None`` when no call of the record is finished (``graded.problems`` say why). With no
    ``store`` the call is judged and nothing is kept. A store that cannot be written loses
    nothing: the verdict is returned and judged again next time.
    """
    key = record_key(scenario_id, where) if store is not None else None
    if key is not None and not again:
        kept = load_verdict(store, key, scenario_id)
        if kept is not None:
            return kept, None
    graded = graded_call(scenario_id, where, scenarios)
    transcript = graded.transcript
    if transcript is None:
        return None, graded
    verdict = Verdict(
        scenario=scenario_id,
        outcome=str(getattr(transcript.outcome, "value", transcript.outcome)),
        passed=bool(transcript.passed),
        summary=transcript.summary,
        confidence=(transcript.state or {}).get("confidence"),
        debrief=transcript.debrief,
        rules=rules_version(),
        judged=dt.datetime.now(dt.UTC).date().isoformat(),
    )
    if key is not None:
        save_verdict(store, key, verdict)
    return verdict, graded


def load_verdict(store: Path, key: str, scenario_id: str) -> Verdict | None:
    """The verdict kept under ``key``, or ``None`` when there is none or it is damaged (then
    the call is judged again)."""
    path = Path(store) / f"{key}.json"
    try:
        if path.stat().st_size > MAX_VERDICT_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return _verdict(data, scenario_id)
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError):
        return None


def save_verdict(store: Path, key: str, verdict: Verdict) -> bool:
    """Keep ``verdict`` under ``key`` (written whole or not at all); False when the store
    cannot be written."""
    store = Path(store)
    try:
        store.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=store, prefix=".verdict-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(verdict.to_dict(), out, indent=1, sort_keys=True)
        os.replace(temporary, store / f"{key}.json")
    except OSError:
        return False
    return True


def _verdict(data: object, scenario_id: str) -> Verdict | None:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    if data.get("scenario") != scenario_id or not isinstance(data.get("summary"), dict):
        return None
    text = {k: data[k] for k in ("outcome", "debrief", "rules", "judged")}
    if not all(isinstance(v, str) for v in text.values()) or type(data["passed"]) is not bool:
        return None
    confidence = data.get("confidence")
    if confidence is not None and (
        isinstance(confidence, bool) or not isinstance(confidence, int | float)
    ):
        return None
    return Verdict(
        scenario=scenario_id,
        passed=data["passed"],
        summary=Summary(**data["summary"]),
        confidence=confidence,
        **text,
    )
