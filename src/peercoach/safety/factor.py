"""Rewriting a regular expression so long word lists are tried letter by letter.

Python's ``re`` tries every branch of ``(?:ice|heat|a heating pad|...)`` at every position. Grouping
the branches by their first letter, ``(?:i(?:ce)|h(?:eat)|a(?: heating pad))``, gives the same
matches but tries only the branches that can start there: the cue files stay readable word lists
and the detectors stay fast. Branches that do not start with a plain letter are left as they are.
"""

from __future__ import annotations

_QUANTIFIERS = "?*+{"


def factor(pattern: str) -> str:
    """``pattern`` with the branches of each group (and the top level) grouped by first letter.

    Raises ValueError when the parentheses do not balance (``re`` then gives the real error).
    """
    out, index = _factor_from(pattern, 0, nested=False)
    if index < len(pattern):
        raise ValueError("unbalanced parenthesis")
    return out


def _factor_from(pattern: str, index: int, nested: bool = True) -> tuple[str, int]:
    """Factor the alternation starting at ``index`` up to its closing parenthesis (or the end)."""
    branches, current = [], []
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            current.append(pattern[index : index + 2])
            index += 2
        elif char == "[":
            end = _class_end(pattern, index)
            current.append(pattern[index:end])
            index = end
        elif char == "(":
            head = _group_head(pattern, index)
            inner, index = _factor_from(pattern, index + len(head))
            current.append(head + inner + ")")
        elif char == ")":
            if not nested:
                raise ValueError("unbalanced parenthesis")
            branches.append("".join(current))
            return _join(branches), index + 1
        elif char == "|":
            branches.append("".join(current))
            current = []
            index += 1
        else:
            current.append(char)
            index += 1
    if nested:
        raise ValueError("unbalanced parenthesis")
    branches.append("".join(current))
    return _join(branches), index


def _group_head(pattern: str, index: int) -> str:
    for head in ("(?:", "(?=", "(?!", "(?<=", "(?<!"):
        if pattern.startswith(head, index):
            return head
    if pattern.startswith("(?P<", index):
        return pattern[index : pattern.index(">", index) + 1]
    if pattern.startswith("(?", index):
        return pattern[index : index + 2]
    return "("


def _class_end(pattern: str, index: int) -> int:
    end = index + 1
    if end < len(pattern) and pattern[end] == "^":
        end += 1
    if end < len(pattern) and pattern[end] == "]":
        end += 1
    while end < len(pattern) and pattern[end] != "]":
        end += 2 if pattern[end] == "\\" else 1
    return end + 1


def _groupable(branch: str) -> bool:
    return (
        len(branch) >= 1
        and branch[0].isalpha()
        and branch[0].isascii()
        and not (len(branch) > 1 and branch[1] in _QUANTIFIERS)
    )


def _join(branches: list[str]) -> str:
    """Join branches with ``|``, merging those that start with the same letter, in first order."""
    if len(branches) < 3:
        return "|".join(branches)
    order: list[str] = []
    groups: dict[str, list[str]] = {}
    for branch in branches:
        key = branch[0].lower() if _groupable(branch) else None
        if key is None:
            order.append(branch)
        elif key in groups:
            groups[key].append(branch[1:])
        else:
            groups[key] = [branch[1:]]
            order.append("\0" + key)
    parts = []
    for item in order:
        if item.startswith("\0"):
            rests = groups[item[1:]]
            first = item[1:]
            parts.append(first + rests[0] if len(rests) == 1 else f"{first}(?:{_join(rests)})")
        else:
            parts.append(item)
    return "|".join(parts)
