"""The shipped cue files' cache in ``__pycache__`` (:func:`peercoach.safety.cues._cached`).

It must give the cues a fresh read gives, find the same hits in every labelled line, and never
be used once the file, the Python version or the cache itself is not what it was made from.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from peercoach.safety import cues as cue_files
from peercoach.safety.cues import DEFAULT_FILES
from peercoach.safety.match import find

SETS = Path(__file__).resolve().parents[1] / "benchmarks" / "safety"


def _shape(cue_set) -> list[tuple]:
    """Everything a cue holds but its compiled form."""
    return [
        (c.id, c.kind, c.reason, c.scope, c.line, c.applies_to)
        + tuple(getattr(c, k) and getattr(c, k).pattern for k in cue_files.PATTERN_KEYS)
        for c in cue_set.cues + cue_set.guards
    ]


def _copy(name: str, folder: Path) -> Path:
    target = folder / name
    shutil.copy(Path(cue_files.HERE) / name, target)
    return target


@pytest.fixture(scope="module", params=[f.name for f in DEFAULT_FILES])
def made(request, tmp_path_factory) -> dict:
    """A copy of each shipped cue file read fresh, read once (writing the cache) and read
    again (from the cache)."""
    copy = _copy(request.param, tmp_path_factory.mktemp("cues"))
    fresh = cue_files._parse(copy)[0]
    first = cue_files._cached(copy)
    return {"copy": copy, "fresh": fresh, "first": first, "again": cue_files._cached(copy)}


@pytest.fixture
def copy(tmp_path) -> Path:
    """A copy of the smaller shipped file (the cache's rules are the same for both)."""
    return _copy("escalation.yaml", tmp_path)


def _lines(name: str) -> list[tuple[str, str]]:
    with (SETS / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r["text"], r.get("previous") or "") for r in rows]


def test_the_cache_holds_the_cues_a_fresh_read_gives(made):
    """The first read writes the cache; the second reads it (no pattern compiled yet) and has
    the same cues, patterns, lines and targets, each pattern with the words it needs."""
    assert cue_files._cache_path(made["copy"]).is_file()
    assert _shape(made["first"]) == _shape(made["fresh"]) == _shape(made["again"])
    again = made["again"]
    patterns = [getattr(c, k) for c in again.cues + again.guards for k in cue_files.PATTERN_KEYS]
    assert all(p._compiled is None and p.needs is not None for p in patterns if p is not None)


@pytest.mark.slow
def test_cached_cues_find_the_same_hits_in_the_labelled_lines(made):
    """Every escalation line and every sixth advice line (with the participant's last line)
    get the same hits, spans included, from the cached cues as from a fresh read."""
    lines = _lines("advice.tsv")[::6] + _lines("escalation.tsv")
    differ = [
        (text, previous)
        for text, previous in lines
        if [(h.cue.id, h.span) for h in find(made["fresh"], text, previous)]
        != [(h.cue.id, h.span) for h in find(made["again"], text, previous)]
    ]
    assert len(lines) > 2000 and differ[:5] == []
    assert any(find(made["again"], text, previous) for text, previous in lines[:200])


def test_an_edited_file_is_read_afresh(copy):
    """A cue added to the file counts at once, and the cache is made again for the new file."""
    cue_files._cached(copy)
    text = copy.read_text(encoding="utf-8")
    detector = "advice" if "detector: advice" in text else "escalation"
    kind = "treatment" if detector == "advice" else "staff"
    copy.write_text(
        text.rstrip()
        + f"\n  - id: zz-added\n    kind: {kind}\n    reason: Added by staff.\n"
        + "    patterns: ['zebra juice']\n",
        encoding="utf-8",
    )
    edited = cue_files._cached(copy)
    assert "zz-added" in [c.id for c in edited.cues]
    assert [h.cue.id for h in find(edited, "Try zebra juice.")] == ["zz-added"]
    kept = json.loads(cue_files._cache_path(copy).read_text(encoding="utf-8"))
    assert "zz-added" in [c["id"] for c in kept["cues"]]


@pytest.mark.parametrize(
    "spoil",
    [
        lambda data: "{not json",
        lambda data: json.dumps({**data, "python": [2, 7]}),
        lambda data: json.dumps({**data, "format": 0}),
        lambda data: json.dumps({**data, "cues": [{"id": "half a cue"}]}),
        lambda data: json.dumps({**data, "sha256": "0" * 64}),
    ],
    ids=["damaged", "other-python", "other-format", "missing-keys", "other-file"],
)
def test_a_cache_that_does_not_fit_is_not_used(copy, spoil):
    """A damaged cache, or one made by another Python, format or file, is read past."""
    fresh = cue_files._parse(copy)[0]
    cue_files._cached(copy)
    cache = cue_files._cache_path(copy)
    cache.write_text(spoil(json.loads(cache.read_text(encoding="utf-8"))), encoding="utf-8")
    assert _shape(cue_files._cached(copy)) == _shape(fresh)


def test_a_folder_that_cannot_be_written_still_loads(copy):
    """Where ``__pycache__`` cannot be made (as in the grading sandbox), the cues load fresh."""
    (copy.parent / "__pycache__").write_text("a file in the way", encoding="utf-8")
    loaded = cue_files._cached(copy)
    assert _shape(loaded) == _shape(cue_files._parse(copy)[0])
    assert list(copy.parent.glob("*.tmp")) == []


def test_the_cache_is_readable_by_the_sandbox_users(copy):
    """Grading kernels run as other users: the cache is as readable as the cue file."""
    cue_files._cached(copy)
    mode = cue_files._cache_path(copy).stat().st_mode & 0o777
    assert mode == copy.stat().st_mode & 0o666
