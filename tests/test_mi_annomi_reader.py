"""The MI benchmark's reader for files in the AnnoMI-full.csv format.

The lines here are invented for the test, in AnnoMI's column layout; no AnnoMI text is used.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEADER = [
    "mi_quality",
    "transcript_id",
    "video_title",
    "video_url",
    "topic",
    "utterance_id",
    "interlocutor",
    "timestamp",
    "utterance_text",
    "annotator_id",
    "therapist_input_exists",
    "therapist_input_subtype",
    "reflection_exists",
    "reflection_subtype",
    "question_exists",
    "question_subtype",
    "main_therapist_behaviour",
    "client_talk_type",
]
NA = "n/a"


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "mi_benchmark", ROOT / "benchmarks" / "mi_benchmark.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    """The benchmark module, loaded from its file."""
    return _benchmark()


def _client(transcript, number, text, annotator="0", quality="high"):
    return [quality, transcript, "A title", "", "pain", number, "client", "00:00:01", text,
            annotator, NA, NA, NA, NA, NA, NA, NA, "neutral"]  # fmt: skip


def _therapist(transcript, number, text, behaviour, question=NA, reflection=NA, annotator="0"):
    return ["high", transcript, "A title", "", "pain", number, "therapist", "00:00:02", text,
            annotator, str(behaviour == "therapist_input"), NA, str(reflection != NA), reflection,
            str(question != NA), question, behaviour, NA]  # fmt: skip


def _write(path: Path, rows, header=HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def sample(tmp_path):
    """Two invented transcripts: a second annotator's row, two therapist turns in a row."""
    return _write(
        tmp_path / "sample.csv",
        [
            _therapist("7", "0", "Hi, thanks for calling in today.", "other"),
            _client("7", "1", "My knee has been bad all week, so I skipped my walks."),
            _therapist("7", "2", "The knee kept you home.", "reflection", reflection="simple"),
            _therapist(
                "7",
                "2",
                "The knee kept you home.",
                "reflection",
                reflection="complex",
                annotator="5",
            ),  # fmt: skip
            _therapist("7", "3", "What would help you get back out?", "question", "open"),
            _client("7", "4", "Maybe a shorter loop, I guess, with the dog."),
            _therapist("7", "5", "A shorter loop.", "reflection", reflection="simple"),
            _therapist("7", "6", "Some people use a cane on bad days.", "therapist_input"),
            _therapist("9", "0", "Did you sleep, say, six hours?", "question", "closed"),
            _client("9", "1", "Not even close, more like three."),
        ],
    )


def test_reader_keeps_the_first_annotators_row_and_pairs_each_turn_with_the_last_client_line(
    bench, sample
):
    utterances = bench.read_annomi(sample)
    assert [(u.transcript, u.number) for u in utterances] == [
        ("7", 0), ("7", 2), ("7", 3), ("7", 5), ("7", 6), ("9", 0),
    ]  # fmt: skip
    by_key = {(u.transcript, u.number): u for u in utterances}
    assert by_key["7", 2].subtype == "simple"
    assert by_key["7", 0].client_before == ""
    assert by_key["7", 2].client_before.startswith("My knee has been bad")
    assert by_key["7", 3].client_before.startswith("My knee has been bad")
    assert by_key["7", 6].client_before == "Maybe a shorter loop, I guess, with the dog."
    assert by_key["9", 0].client_before == ""
    assert by_key["7", 6].behaviour == "therapist_input" and by_key["7", 6].subtype is None
    assert by_key["9", 0].subtype == "closed"


def test_items_name_annomis_behaviors_as_the_coder_does(bench, sample):
    items = bench.annomi_items(bench.read_annomi(sample))
    assert [i.behaviour for i in items] == [
        "other", "reflection", "question", "reflection", "input", "question",
    ]  # fmt: skip
    assert set(bench.CODER_TO_ANNOMI.values()) == {
        "question", "reflection", "therapist_input", "other",
    }  # fmt: skip


def test_report_counts_the_therapist_utterances_and_prints_the_kappas(bench, sample, capsys):
    assert bench.main(["--annomi", str(sample)]) == 0
    out = capsys.readouterr().out
    assert "6 therapist utterances in 2 transcripts" in out
    assert "behaviour (4-way)" in out and "n=6" in out
    assert "simple/complex (both say R)" in out
    assert "time per utterance: median" in out


def test_only_the_chosen_transcripts_are_measured(bench, sample, capsys):
    assert bench.main(["--annomi", str(sample), "--annomi-transcripts", "9"]) == 0
    assert "1 therapist utterances in 1 transcripts" in capsys.readouterr().out
    assert bench.main(["--annomi", str(sample), "--annomi-transcripts", "9,12"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "found unknown 12" in err


def test_a_wrong_header_is_one_line_naming_the_missing_columns(bench, tmp_path, capsys):
    simple = [c for c in HEADER if not c.endswith("_subtype")]
    path = _write(tmp_path / "simple.csv", [], header=simple)
    assert bench.main(["--annomi", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err
    assert "line 1" in err and "missing question_subtype, reflection_subtype" in err


def test_a_missing_file_is_one_line_and_exit_2(bench, tmp_path, capsys):
    assert bench.main(["--annomi", str(tmp_path / "AnnoMI-full.csv")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "AnnoMI-full.csv" in err and "cannot read" in err


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            _therapist("7", "0", "So you walked.", "reflection", reflection="deep"),
            "line 2: reflection_subtype expected one of simple, complex, found 'deep'",
        ),
        (
            _therapist("7", "0", "Okay.", "affirm"),
            "line 2: main_therapist_behaviour expected one of",
        ),
        (_client("7", "0", "Fine.")[:9], "line 2: expected 18 fields as in the header, found 9"),
    ],
)
def test_a_bad_row_names_its_line_column_and_value(bench, tmp_path, row, expected):
    path = _write(tmp_path / "bad.csv", [row])
    with pytest.raises(bench.AnnoMIError) as error:
        bench.read_annomi(path)
    assert expected in str(error.value)
    assert str(path) in str(error.value)
