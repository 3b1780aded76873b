"""Two versions of a text side by side: which paragraphs changed, and within them which words.

Built on the standard library's `difflib.SequenceMatcher` (paragraphs first, then words inside a changed
pair), rendered as a table with <del> and <ins> so that the change is read, not only seen in colour.
"""

import difflib
import re
from dataclasses import dataclass, field

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    text: str
    change: str = ""  # "", "removed" or "added"


@dataclass
class Row:
    change: str  # "equal", "changed", "removed", "added"
    left: list[Segment] = field(default_factory=list)
    right: list[Segment] = field(default_factory=list)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\r\n\s*\r\n", text.replace("\r\n", "\n")) if p.strip()]


def _words(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    left: list[Segment] = []
    right: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            left.append(Segment("".join(a[i1:i2])))
            right.append(Segment("".join(b[j1:j2])))
        else:
            if i2 > i1:
                left.append(Segment("".join(a[i1:i2]), "removed"))
            if j2 > j1:
                right.append(Segment("".join(b[j1:j2]), "added"))
    return left, right


def side_by_side(old: str, new: str) -> list[Row]:
    a, b = _paragraphs(old), _paragraphs(new)
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [Row("equal", [Segment(p)], [Segment(p)]) for p in a[i1:i2]]
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for index in range(max(len(olds), len(news))):
            before = olds[index] if index < len(olds) else None
            after = news[index] if index < len(news) else None
            if before is not None and after is not None:
                left, right = _words(before, after)
                rows.append(Row("changed", left, right))
            elif before is not None:
                rows.append(Row("removed", [Segment(before, "removed")], []))
            else:
                rows.append(Row("added", [], [Segment(after, "added")]))
    return rows
