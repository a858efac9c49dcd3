"""The certification config, and the ``report`` and ``certificate`` commands end to end."""

from __future__ import annotations

import pytest
from report_fixtures import (
    CONFIG,
    COURSE,
    coded_replay,
    drawn,
    full_items,
    full_marks,
    good_calls,
    make_gradebook,
    sign_off,
    write_call,
)

from peercoach.cli import main
from peercoach.report.config import ConfigError, load_certification, load_signoffs


def test_repository_rule_has_the_issue_defaults():
    """The shipped rule: a minimum for all nine assignments, seven competencies (safety at 100%),
    one drawn capstone call per family, pooled listening, a rated practice call."""
    config = load_certification(CONFIG)
    assert list(config.assignments) == COURSE
    used = {c for comps in config.assignments.values() for c in comps}
    assert used == set(config.competencies) and len(used) == 7
    rule = config.rule
    assert set(rule.min_scores) == set(COURSE) and rule.min_scores["safety"] == 100
    assert rule.competencies["safety"] == 100
    calls = rule.calls
    assert calls.assignment == "capstone"
    assert calls.families == {"capstone-porch": "socializer", "capstone-nogoal": "no-goals"}
    listening = calls.listening
    assert (listening.min_rq, listening.min_pct_cr, listening.max_confronts) == (1.0, 40, 0)
    assert "plan_min_confidence" not in CONFIG.read_text(encoding="utf-8"), "the engine's number"
    assert rule.practice_call.min_rating == 3


def _broken(tmp_path, *replacements):
    text = CONFIG.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "certification.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_certification(path)
    assert str(path) in str(caught.value)
    return str(caught.value)


def test_broken_config_lists_every_problem(tmp_path):
    """Wrong types and unknown keys are all reported at once, with their key paths."""
    message = _broken(
        tmp_path,
        ("min_rq: 1.0", "min_rq: lots"),
        ("  practice_call:\n", "  extra: 1\n  practice_call:\n"),
    )
    assert "2 problem(s)" in message
    assert "rule.calls.listening.min_rq: Input should be a valid number" in message
    assert "'lots'" in message
    assert "rule.extra: Extra inputs are not permitted" in message


def test_config_with_unknown_names(tmp_path):
    """A misspelt competency or assignment is named with what was expected."""
    message = _broken(
        tmp_path, ("safety: [safety]", "safety: [saftey]"), ("    safety: 100", "    safty: 100")
    )
    assert "assignments.safety: expected one of the competencies (pain-knowledge," in message
    assert "found 'saftey'" in message
    assert "rule: expected an assignment listed under 'assignments', found 'safty'" in message


def test_bad_signoff_file_names_the_coach_and_key(tmp_path):
    """A sign-off without a valid date is reported with the coach id."""
    path = tmp_path / "signoffs.yaml"
    path.write_text("ann:\n  trainer: Pat\n  date: someday\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"ann\.date: .*'someday'"):
        load_signoffs(path)
    assert load_signoffs(tmp_path / "absent.yaml") == {}


def test_forged_signoff_values_name_file_line_key_expected_and_found(tmp_path):
    """Ratings that are not whole numbers (true, 4.5, a quoted "4") and an unknown key are each
    reported with the file and line, the key, what was expected and what was found."""
    path = tmp_path / "signoffs.yaml"
    path.write_text(
        "bob:\n  trainer: Jo\n  date: 2025-04-01\n  ratings:\n    empathy: true\n"
        '    partnership: 4.5\n    cultivating-change-talk: "4"\n  rating: 3\ncy: just text\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_signoffs(path)
    number = "expected a whole number (no quotes, no true/false)"
    assert str(caught.value).splitlines()[1:] == [
        f"  - {path}:5: bob.ratings.empathy: {number}, found True",
        f"  - {path}:6: bob.ratings.partnership: {number}, found 4.5",
        f"  - {path}:7: bob.ratings.cultivating-change-talk: {number}, found '4'",
        f"  - {path}:8: bob.rating: expected only the keys trainer, date, note, ratings, "
        "found 'rating'",
        f"  - {path}:9: cy: expected a sign-off with the keys trainer, date, note, ratings, "
        "found 'just text'",
    ]


@pytest.fixture
def cli_course(course_dir, monkeypatch):
    """A course directory with a ready coach (ann) and one without safety (bob); cwd is it."""
    bob = full_marks()
    del bob["safety"]
    make_gradebook(course_dir / "gradebook.db", full_items(), {"ann": full_marks(), "bob": bob})
    for scenario, text in good_calls("ann").items():
        write_call(course_dir, "ann", scenario, text)
    sign_off(course_dir, "ann")
    monkeypatch.chdir(course_dir)
    monkeypatch.setattr("peercoach.report.calls.engine_replay", coded_replay)
    return course_dir


def test_report_command_writes_the_report(cli_course, capsys):
    """``peercoach report --out DIR`` writes index.html and says how many coaches are ready."""
    assert main(["report", "--out", "weekly"]) == 0
    assert (cli_course / "weekly" / "index.html").exists()
    assert "2 coaches, 1 ready" in capsys.readouterr().out


def test_certificate_for_ready_coach(cli_course, capsys):
    """A ready coach gets an HTML and a PDF certificate carrying the verification code."""
    assert main(["certificate", "ann", "--out", "certs"]) == 0
    out = capsys.readouterr().out
    code = out.split("verification code ")[1].rstrip(").\n")
    html = (cli_course / "certs" / "ann.html").read_text(encoding="utf-8")
    assert code in html and "Safety" in html and "Pat Lee" in html
    pdf = (cli_course / "certs" / "ann.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000
    main(["report", "--out", "r"])
    assert code in (cli_course / "r" / "readiness.csv").read_text(encoding="utf-8")


def test_verification_code_follows_the_gradebook(cli_course, capsys):
    """Changing a score in the gradebook changes the code; the same record gives the same code."""
    from nbgrader.api import Gradebook

    main(["certificate", "ann", "--out", "a"])
    first = capsys.readouterr().out
    main(["certificate", "ann", "--out", "b"])
    assert capsys.readouterr().out.split("code")[1] == first.split("code")[1]
    with Gradebook(f"sqlite:///{cli_course / 'gradebook.db'}") as gb:
        grade = gb.find_grade("q1", "pain-basics", "pain-basics", "ann")
        grade.extra_credit = 0.5
        gb.db.commit()
    main(["certificate", "ann", "--out", "c"])
    assert capsys.readouterr().out.split("code")[1] != first.split("code")[1]


def test_certificate_refused_with_what_is_missing(cli_course, capsys):
    """A coach short of the rule gets no certificate, a list of what is missing, exit 1."""
    assert main(["certificate", "bob", "--out", "certs"]) == 1
    err = capsys.readouterr().err
    assert "bob does not meet the certification rule yet" in err
    assert "  - Assignments: safety not submitted or not graded (needs 100%)." in err
    porch = drawn("bob", "capstone-porch")
    assert f"  - Steering a socializer: capstone call {porch}: no recorded call of {porch}." in err
    assert "  - Trainer-rated practice call: no trainer-rated practice call recorded in" in err
    assert not (cli_course / "certs").exists()


def test_unknown_coach_and_missing_gradebook(cli_course, capsys, tmp_path, monkeypatch):
    """An unknown id and a missing gradebook are explained without a traceback (exit 2)."""
    assert main(["certificate", "zed"]) == 2
    assert "No coach 'zed' in the gradebook. Coaches found: ann, bob." in capsys.readouterr().err
    assert main(["report", "--db", f"sqlite:///{tmp_path / 'nope.db'}"]) == 2
    err = capsys.readouterr().err
    assert "nope.db: expected an nbgrader gradebook, found no file" in err
    assert not (tmp_path / "nope.db").exists()


def test_gradebook_url_comes_from_nbgrader_config(tmp_path):
    """A db_url in the course's nbgrader_config.py is used; otherwise gradebook.db beside it."""
    from peercoach.report.cohort import default_db_url

    assert default_db_url(tmp_path) == f"sqlite:///{(tmp_path / 'gradebook.db').resolve()}"
    url = "postgresql+psycopg2://trainer@localhost/course"
    (tmp_path / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.db_url = {url!r}\n"
    )
    assert default_db_url(tmp_path) == url


def test_pdf_certificate_prints_names_in_any_script(tmp_path):
    """Names outside Latin-1 (Vietnamese, Greek, Cyrillic) come out intact in the PDF."""
    import datetime as dt

    from pypdf import PdfReader

    from peercoach.report.certificate import Facts, write_certificate

    name = "Nguyễn Văn Ánh · Γιώργος · Ольга"
    facts = Facts(
        student="s1",
        name=name,
        issued=dt.date(2026, 11, 25),
        competencies=[("Safety", 100.0)],
        trainer="Łucja Wróbel",
        signed=dt.date(2026, 11, 24),
        code="ABCD-0123-4567-89EF",
    )
    _, pdf = write_certificate(facts, tmp_path)
    text = PdfReader(pdf).pages[0].extract_text()
    assert name in text and "Łucja Wróbel" in text and "ABCD-0123-4567-89EF" in text
