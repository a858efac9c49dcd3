"""Role-play records: the coach's inputs that the notebook player saves beside the notebook.

The player writes ``roleplay-<scenario-id>.json`` as ``{"scenario": id, "schema_version": 1,
"inputs": [{"choice": i} | {"text": "..."}]}``. Graders read only the inputs and replay them; any
score or state in the file is ignored.
"""

from __future__ import annotations

import json
from pathlib import Path

SCHEMA_VERSION = 1
MAX_BYTES = 1_000_000
MAX_INPUTS = 500


class RecordError(ValueError):
    """A role-play record is missing or cannot be used; the message says what to do."""


def record_path(scenario_id: str, folder: str | Path = ".") -> Path:
    """Where the player saves the record of ``scenario_id``."""
    return Path(folder) / f"roleplay-{scenario_id}.json"


def load_record(scenario_id: str, folder: str | Path = ".") -> list[dict]:
    """The coach inputs saved for ``scenario_id``; :class:`RecordError` with advice otherwise."""
    path = record_path(scenario_id, folder)
    if not path.is_file() and path.with_suffix(".damaged.json").is_file():
        raise RecordError(
            f"{path.name} was damaged (not readable JSON), so the player set it aside. Do not edit "
            "it by hand: play the scenario again to the end, then save."
        )
    if not path.is_file():
        raise RecordError(
            f"No role-play record found ({path.name}): play the scenario above first, "
            "to the end of the call, then save the notebook."
        )
    if path.stat().st_size > MAX_BYTES:
        raise RecordError(f"{path.name} is too large to be a role-play record.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RecordError(
            f"{path.name} is damaged (not readable JSON). Do not edit it by hand: "
            "delete it and play the scenario again."
        ) from None
    return _inputs(data, scenario_id, path.name)


def _inputs(data: object, scenario_id: str, name: str) -> list[dict]:
    redo = "Delete it and play the scenario again."
    if not isinstance(data, dict) or not isinstance(data.get("inputs"), list):
        raise RecordError(f'{name} should hold {{"scenario": ..., "inputs": [...]}}. {redo}')
    if data.get("scenario", scenario_id) != scenario_id:
        raise RecordError(
            f"{name} is the record of {data.get('scenario')!r}, not {scenario_id!r}. {redo}"
        )
    version = data.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise RecordError(f"{name} has schema_version {version!r}; expected {SCHEMA_VERSION}.")
    inputs = data["inputs"]
    if len(inputs) > MAX_INPUTS:
        raise RecordError(f"{name} holds {len(inputs)} inputs; no call is that long. {redo}")
    for position, move in enumerate(inputs, start=1):
        if not _valid_move(move):
            raise RecordError(
                f'{name}: input {position} should be {{"choice": N}} or {{"text": "..."}}; '
                f"found {str(move)[:60]}. {redo}"
            )
    return inputs


def _valid_move(move: object) -> bool:
    if not isinstance(move, dict) or len(move) != 1:
        return False
    if "choice" in move:
        return type(move["choice"]) is int
    return type(move.get("text")) is str and len(move["text"]) <= 2000
