"""The scenario format: shipped files are valid, broken files get located, plain messages."""

import json
import re
from pathlib import Path

import pytest

from peercoach.checks import validate_paths
from peercoach.cli import main
from peercoach.scenario import (
    Scenario,
    ScenarioError,
    check_file,
    load_all,
    load_scenario,
    scenario_file,
    scenarios_dir,
    schema_text,
)

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))

BROKEN = sorted((ROOT / "tests" / "fixtures" / "broken").glob("*.yaml"))


def _expectation(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenario_is_valid(path, explore_once):
    """Every shipped scenario loads with no problem, and its file name is its id (its paths
    played in the run's one exploration of it)."""
    assert validate_paths([path]) == []
    assert load_scenario(path).id == path.stem


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_points_editors_to_schema(path):
    """Each scenario file names the JSON Schema, so editors can autocomplete and check it."""
    assert path.read_text().startswith("# yaml-language-server: $schema=scenario.schema.json")


def test_at_least_twelve_scenarios_ship():
    """The course ships at least twelve role-plays, and ids are unique across files."""
    scenarios = load_all(ROOT / "scenarios")
    assert len(scenarios) >= 12
    assert len({s.id for s in scenarios}) == len(scenarios)


def test_json_schema_is_current():
    """scenarios/scenario.schema.json is exactly what the models generate."""
    assert (ROOT / "scenarios" / "scenario.schema.json").read_text() == schema_text()


def test_json_schema_describes_every_field():
    """Every property in the schema carries a description for editors."""
    schema = json.loads(schema_text())
    for name, definition in schema["$defs"].items():
        for prop, spec in definition.get("properties", {}).items():
            assert spec.get("description") or "$ref" in spec, f"{name}.{prop} has no description"


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_fixture_message(path, capsys):
    """Each kind of broken file gets its pinned, located message, and validate exits 1."""
    expected = _expectation(path)
    assert main(["validate", str(path)]) == 1
    output = capsys.readouterr().out
    assert f"{path}:{expected}" in output
    assert "Traceback" not in output


def _validate_text(tmp_path, data: bytes) -> list:
    path = tmp_path / "case.yaml"
    path.write_bytes(data)
    return validate_paths([path])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "1:1: the file is empty"),
        (b"   \n\n", "1:1: the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not UTF-8 text"),
        (b"schema_version: 1\x00\x00", "binary data"),
        (b"just some words", "1:1: expected a scenario (keys and values); found the text"),
        (b"42", "found the number 42"),
        (b"a: [1, 2", "is not valid YAML"),
        (b"&a [*a, *a]", "expected a scenario"),
        (b"x" * 1_100_000, "1:1: the file is 1.1 MB; a scenario file must be under 1 MB"),
    ],
    ids=["empty", "blank", "binary", "nul", "text", "number", "unclosed", "alias", "huge"],
)
def test_hostile_files_get_a_message_not_a_traceback(tmp_path, data, message):
    """Empty, binary, non-YAML and oversized files each get one plain, located message."""
    problems = _validate_text(tmp_path, data)
    assert problems, "expected a problem"
    assert any(message in str(p) for p in problems), [str(p) for p in problems]


def test_ten_megabyte_file_is_refused_without_being_read(tmp_path, monkeypatch):
    """A 10 MB file is refused by its size: it is neither read nor parsed."""
    from ruamel.yaml import YAML

    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" * 2_000_000)

    def refuse(*args, **kwargs):
        raise AssertionError("the oversized file was read or parsed")

    monkeypatch.setattr(YAML, "load", refuse)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "read_text", refuse)
    problems = validate_paths([path])
    assert [p.message for p in problems] == [
        "the file is 10.0 MB; a scenario file must be under 1 MB"
    ]


def test_all_problems_reported_at_once(tmp_path):
    """Several problems in one file are all listed, not only the first."""
    text = (ROOT / "tests/fixtures/minimal.yaml").read_text()
    text = text.replace("age: 60", "age: old").replace("style: reluctant", "style: grumpy")
    text = text.replace("code: simple_reflection", "code: nonsense")
    problems = _validate_text(tmp_path, text.encode())
    keys = {re.search(r"`([^`]+)`", p.message).group(1) for p in problems}
    assert {"persona.age", "persona.style", "turns[1].options[1].code"} <= keys


def test_duplicate_ids_across_files(tmp_path):
    """Two files with the same id: the second file is named, at its id line, as a duplicate of
    the first, which is named too."""
    text = (ROOT / "tests/fixtures/minimal.yaml").read_text()
    id_line = text.splitlines().index("id: minimal") + 1
    (tmp_path / "minimal.yaml").write_text(text)
    (tmp_path / "other.yaml").write_text(text)
    messages = [str(p) for p in validate_paths([tmp_path])]
    first, second = tmp_path / "minimal.yaml", tmp_path / "other.yaml"
    assert f"{second}:{id_line}:1: the id `minimal` is already used by {first}" in messages
    assert not any(m.startswith(f"{first}:") for m in messages), messages


def test_load_scenario_raises_with_every_problem(tmp_path):
    """load_scenario raises ScenarioError holding every located problem."""
    path = tmp_path / "bad.yaml"
    path.write_text("schema_version: 1\nid: bad\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert len(caught.value.problems) >= 5
    assert all(str(p).startswith(str(path)) for p in caught.value.problems)


def test_valid_minimal_fixture_loads():
    """The minimal fixture is a valid scenario (the broken ones are variations of it)."""
    scenario, problems = check_file(ROOT / "tests/fixtures/minimal.yaml")
    assert problems == []
    assert isinstance(scenario, Scenario)


def test_validate_command_clean_exit(capsys, explore_once):
    """`peercoach validate scenarios/` exits 0 on the shipped scenarios (their paths played in
    the run's one exploration of each)."""
    assert main(["validate", str(ROOT / "scenarios")]) == 0
    assert "no problems" in capsys.readouterr().out


def test_a_course_root_has_its_scenarios_folder_whatever_the_environment(tmp_path, monkeypatch):
    """With a course root, the folder is the root's, even when PEERCOACH_SCENARIOS names
    another (the grader's kernels set it); without one, the variable wins."""
    monkeypatch.setenv("PEERCOACH_SCENARIOS", str(tmp_path / "elsewhere"))
    assert scenarios_dir(tmp_path / "course") == tmp_path / "course" / "scenarios"
    assert scenarios_dir() == tmp_path / "elsewhere"
    assert scenario_file("bad-line", tmp_path) == tmp_path / "scenarios" / "bad-line.yaml"


@pytest.mark.parametrize("name", ["../secrets", "a/b", "Bad-Line", "bad-line.yaml", "", "x\n"])
def test_a_scenario_name_that_is_not_an_id_never_becomes_a_path(tmp_path, name):
    """A name from a URL or a page that is not an id is refused with a message, so it cannot
    reach a file outside the scenarios folder."""
    with pytest.raises(ScenarioError) as caught:
        scenario_file(name, tmp_path)
    assert caught.value.problems[0].message == (
        f"expected a scenario id (lower-case words joined by hyphens); found {name!r}"
    )


def test_each_exploration_is_computed_once_per_run(tmp_path, explorations, monkeypatch):
    """Two workers sharing a run's folder explore a scenario once between them and get equal
    explorations; an edited scenario is explored again."""
    import peercoach.engine

    calls = []
    real = peercoach.engine.explore
    monkeypatch.setattr(
        peercoach.engine, "explore", lambda s, *args: calls.append(s.id) or real(s, *args)
    )
    scenario = load_scenario(ROOT / "tests/fixtures/minimal.yaml")
    first, second = type(explorations)(), type(explorations)()
    first.shared = second.shared = tmp_path / "run"
    mine = first.explore(scenario)
    theirs = second.explore(scenario)
    assert first.explore(scenario) is mine
    assert theirs == mine and theirs is not mine
    assert calls == [scenario.id]
    assert (first.explored_here, second.explored_here) == (1, 0)
    second.explore(scenario.model_copy(update={"title": f"{scenario.title} (edited)"}))
    assert calls == [scenario.id, scenario.id]


def test_a_file_checked_before_is_not_parsed_again_and_an_edit_is_seen(tmp_path, monkeypatch):
    """The same bytes give the same scenario without parsing again, as a copy the caller may
    change; an edit of the same length, made at once, is read anew."""
    import peercoach.scenario as scenario_module

    path = tmp_path / "minimal.yaml"
    text = (ROOT / "tests/fixtures/minimal.yaml").read_text()
    path.write_text(text)
    first = load_scenario(path)

    def refuse(_path):
        raise AssertionError("the file was parsed again")

    with monkeypatch.context() as patched:
        patched.setattr(scenario_module, "_read_yaml", refuse)
        again = load_scenario(path)
    assert again == first and again is not first
    again.title = "Changed by one caller"
    assert load_scenario(path).title == first.title
    edited = text.replace("title: A minimal call", "title: A minimal cell")
    assert edited != text and len(edited) == len(text)
    path.write_text(edited)
    assert load_scenario(path).title == "A minimal cell"
