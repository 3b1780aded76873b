"""Plain-language documents as PDF: large type, short blocks, the reader's language, no system package.

Any app builds a `PlainDocument` from a few kinds of blocks and gets the bytes of an A4 PDF (reportlab,
pure wheels, its standard fonts, which cover French). The rules, in plain words:

1. Written for the person who reads it: large type (14 pt text, 22 pt title), short lines, lots of space,
   one idea per block. Someone's own words (`quote`) are set apart, in a box, before what professionals wrote.
2. The document speaks one language, chosen by the caller (the reader's, or one they picked): the words
   the builder adds itself (page numbers, the date it was made) are translated into it, and the PDF says it.
3. Nothing in the file's name or metadata names a person: callers give a neutral title for the metadata
   (`file_title`) and a neutral file name (`pdf_response`).
4. Characters the standard fonts cannot draw are replaced by their nearest plain form (an arrow by "->",
   an unknown sign by "?"), never dropped silently nor drawn as black boxes.
5. The same input on the same day gives the same bytes (`invariant`, `made_on`): tests can compare them.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Self
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

# Type sizes (points). Large on purpose: many readers see poorly or read with effort.
TEXT_SIZE = 14
TITLE_SIZE = 22
HEADING_SIZES = {1: 18, 2: 15.5}
LEADING = 1.45
INK = colors.HexColor("#1b1b1b")
MUTED = colors.HexColor("#4a4a4a")
ACCENT = colors.HexColor("#1d4f91")
QUOTE_BACKGROUND = colors.HexColor("#eef3fa")
RULE = colors.HexColor("#b8c4d6")

# Standard PDF fonts draw WinAnsi (cp1252) only: a few common signs outside it, in their plain form.
_REPLACEMENTS = {
    "\u202f": "\xa0",  # narrow no-break space (French typography) -> no-break space
    "\u2009": " ",
    "\u2192": "->",
    "\u2190": "<-",
    "\u2194": "<->",
    "\u2713": "v",
    "\u2714": "v",
    "\u2717": "x",
    "\u2022": "\u2022",
    "\u2212": "-",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u00a0": "\u00a0",
}


def drawable(text: str) -> str:
    """`text` with every character the standard fonts cannot draw replaced by its plain form (rule 4)."""
    out = []
    for char in str(text):
        char = _REPLACEMENTS.get(char, char)
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            folded = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            try:
                folded.encode("cp1252")
            except UnicodeEncodeError:
                folded = "?"
            char = folded or "?"
        out.append(char)
    return "".join(out)


def _markup(text: str) -> str:
    """Plain text for reportlab's paragraph markup: escaped, line breaks kept."""
    return escape(drawable(text)).replace("\r\n", "\n").replace("\n", "<br/>")


# --- blocks ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Text:
    text: str
    muted: bool = False
    strong: bool = False


@dataclass(frozen=True)
class Quote:
    """Someone's own words, set apart in a box; `by` says whose ("In your words")."""

    text: str
    by: str = ""


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    """Short label: value lines ("When: before June")."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Grid:
    """A small table (reports): a header row and rows of cells, the first column as labels."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Break:
    pass


type Block = Heading | Text | Quote | Bullets | Facts | Grid | Break


@dataclass
class PlainDocument:
    """A document to print or download: a title, an optional subtitle, blocks, in one language.

    Build it with the chained methods (`doc.heading("…").text("…")`), then `pdf()` for the bytes.
    `file_title` goes into the PDF's metadata: keep it free of names (rule 3); it defaults to `title`.
    """

    title: str
    language: str
    subtitle: str = ""
    file_title: str = ""
    made_on: dt.date | None = None
    blocks: list[Block] = field(default_factory=list)

    def heading(self, text: str, level: int = 1) -> Self:
        self.blocks.append(Heading(text, level=1 if level <= 1 else 2))
        return self

    def text(self, text: str, *, muted: bool = False, strong: bool = False) -> Self:
        if text:
            self.blocks.append(Text(text, muted=muted, strong=strong))
        return self

    def quote(self, text: str, *, by: str = "") -> Self:
        if text:
            self.blocks.append(Quote(text, by=by))
        return self

    def bullets(self, items: Iterable[str]) -> Self:
        items = tuple(str(item) for item in items if item)
        if items:
            self.blocks.append(Bullets(items))
        return self

    def facts(self, rows: Iterable[tuple[str, str]]) -> Self:
        rows = tuple((str(label), str(value)) for label, value in rows if value)
        if rows:
            self.blocks.append(Facts(rows))
        return self

    def grid(self, header: Sequence[str], rows: Iterable[Sequence[str]]) -> Self:
        self.blocks.append(Grid(tuple(str(h) for h in header), tuple(tuple(str(c) for c in row) for row in rows)))
        return self

    def page_break(self) -> Self:
        self.blocks.append(Break())
        return self

    def pdf(self) -> bytes:
        """The A4 PDF, in the document's language (rule 2)."""
        with translation.override(self.language):
            return _render(self)


# --- rendering ---------------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "text",
        fontName="Helvetica",
        fontSize=TEXT_SIZE,
        leading=TEXT_SIZE * LEADING,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=TEXT_SIZE * 0.6,
    )
    return {
        "text": base,
        "strong": ParagraphStyle("strong", parent=base, fontName="Helvetica-Bold"),
        "muted": ParagraphStyle("muted", parent=base, textColor=MUTED, fontSize=TEXT_SIZE - 1.5),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=TITLE_SIZE,
            leading=TITLE_SIZE * 1.25,
            textColor=ACCENT,
            spaceAfter=TEXT_SIZE * 0.4,
        ),
        "subtitle": ParagraphStyle("subtitle", parent=base, textColor=MUTED, spaceAfter=TEXT_SIZE),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=HEADING_SIZES[1],
            leading=HEADING_SIZES[1] * 1.3,
            textColor=ACCENT,
            spaceBefore=TEXT_SIZE * 1.1,
            spaceAfter=TEXT_SIZE * 0.5,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=HEADING_SIZES[2],
            leading=HEADING_SIZES[2] * 1.3,
            spaceBefore=TEXT_SIZE * 0.8,
            spaceAfter=TEXT_SIZE * 0.3,
        ),
        "quote": ParagraphStyle("quote", parent=base, fontName="Helvetica-Oblique", spaceAfter=0),
        "quote_by": ParagraphStyle(
            "quote_by", parent=base, fontSize=TEXT_SIZE - 2, textColor=MUTED, spaceAfter=TEXT_SIZE * 0.2
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=TEXT_SIZE - 2, leading=(TEXT_SIZE - 2) * 1.3),
        "cell_head": ParagraphStyle(
            "cell_head", parent=base, fontName="Helvetica-Bold", fontSize=TEXT_SIZE - 2, leading=(TEXT_SIZE - 2) * 1.3
        ),
    }


def _flowables(document: PlainDocument, width: float) -> list[Flowable]:
    styles = _styles()
    story: list[Flowable] = [Paragraph(_markup(document.title), styles["title"])]
    if document.subtitle:
        story.append(Paragraph(_markup(document.subtitle), styles["subtitle"]))
    for block in document.blocks:
        match block:
            case Heading(text=text, level=level):
                # A heading never ends a page alone: keep room for a few lines after it.
                story.append(CondPageBreak(TEXT_SIZE * LEADING * 4))
                story.append(Paragraph(_markup(text), styles["h1" if level == 1 else "h2"]))
            case Text(text=text, muted=muted, strong=strong):
                story.append(Paragraph(_markup(text), styles["muted" if muted else "strong" if strong else "text"]))
            case Quote(text=text, by=by):
                story.append(_quote(text, by, styles, width))
            case Bullets(items=items):
                story.append(
                    ListFlowable(
                        [ListItem(Paragraph(_markup(item), styles["text"]), leftIndent=18) for item in items],
                        bulletType="bullet",
                        start="\u2022",
                        bulletFontSize=TEXT_SIZE,
                        leftIndent=18,
                    )
                )
            case Facts(rows=rows):
                for label, value in rows:
                    story.append(Paragraph(f"<b>{_markup(label)}</b> {_markup(value)}", styles["text"]))
            case Grid(header=header, rows=rows):
                story.append(_grid(header, rows, styles, width))
            case Break():
                story.append(PageBreak())
    return story


def _quote(text: str, by: str, styles: dict[str, ParagraphStyle], width: float) -> Flowable:
    cells: list[list[Flowable]] = []
    if by:
        cells.append([Paragraph(_markup(by), styles["quote_by"])])
    cells.append([Paragraph(f"\u00ab\u00a0{_markup(text)}\u00a0\u00bb", styles["quote"])])
    table = Table(cells, colWidths=[width])
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), QUOTE_BACKGROUND),
                ("LINEBEFORE", (0, 0), (0, -1), 4, ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 12),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 10),
            ]
        )
    )
    return KeepTogether([table, Spacer(1, TEXT_SIZE * 0.6)])


def _grid(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], styles, width: float) -> Flowable:
    data = [[Paragraph(_markup(cell), styles["cell_head"]) for cell in header]]
    data += [[Paragraph(_markup(cell), styles["cell"]) for cell in row] for row in rows]
    columns = max(len(header), 1)
    table = Table(data, colWidths=[width / columns] * columns, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, ACCENT),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return KeepTogether([table, Spacer(1, TEXT_SIZE * 0.6)]) if len(rows) < 12 else table


class _NumberedCanvas(Canvas):
    """Writes "Page n of N" and the date the document was made at the foot of each page, once N is known."""

    footer_left = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # reportlab calls it by this name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        width, _height = self._pagesize
        self.saveState()
        self.setFont("Helvetica", 10)
        self.setFillColor(MUTED)
        self.drawString(2 * cm, 1.2 * cm, drawable(self.footer_left))
        words = _("Page %(page)s of %(total)s") % {"page": self._pageNumber, "total": total}
        self.drawRightString(width - 2 * cm, 1.2 * cm, drawable(words))
        self.restoreState()


def _render(document: PlainDocument) -> bytes:
    buffer = io.BytesIO()
    made = _("Made on %(date)s with Maillage") % {
        "date": formats.date_format(document.made_on or timezone.localdate(), "DATE_FORMAT", use_l10n=True)
    }
    canvas_class = type("DocumentCanvas", (_NumberedCanvas,), {"footer_left": made})
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2.2 * cm,
        title=drawable(document.file_title or document.title),
        author="Maillage",
        subject="",
        creator="Maillage",
        lang=document.language,
        displayDocTitle=1,
        invariant=1,
    )
    template.build(_flowables(document, template.width), canvasmaker=canvas_class)
    return buffer.getvalue()


def pdf_response(content: bytes, *, filename: str, no_store: bool = True) -> HttpResponse:
    """A download of `content` as `filename` (ASCII, free of names: rule 3); not stored by default."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    if no_store:
        response["Cache-Control"] = "no-store"
    return response
