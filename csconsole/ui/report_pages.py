"""Where report.pdf turns the page: never inside a table row or a line of text, a heading kept with what
follows it, and a table that goes on to the next page under its header again.

Qt's own pagination of a QTextDocument cuts a tall table row in two (its cells' lines run on over the page
break). Here the document is laid out as one long page; ``blocks`` reads the stretches that must stay
whole from that layout, and ``paginate`` (plain arithmetic, tested alone) picks the cuts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtGui import QTextBlock, QTextCursor, QTextDocument, QTextTable

Span = tuple[float, float]  # top, bottom, in the document's coordinates


@dataclass(frozen=True)
class Block:
    """A stretch of the laid-out document that must stay on one page."""

    top: float
    bottom: float
    keep_with_next: bool = False  # a heading: it goes to the next page with the block after it
    header: Span | None = None  # a table row's header, drawn again above it when a page starts with it


@dataclass(frozen=True)
class Page:
    top: float
    bottom: float
    header: Span | None = None  # drawn first, at the top of the page

    @property
    def height(self) -> float:
        return self.bottom - self.top + (self.header[1] - self.header[0] if self.header else 0)


def paginate(blocks: list[Block], height: float) -> list[Page]:
    """Cut ``blocks`` (in document order) into pages of at most ``height``. A block taller than a page is
    the only thing ever cut, where the page ends."""
    pages: list[Page] = []
    i = 0
    while i < len(blocks):
        top, header = blocks[i].top, blocks[i].header
        room = height - (header[1] - header[0] if header else 0)
        j = i
        while j < len(blocks) and blocks[j].bottom - top <= room:
            j += 1
        if j == i:  # taller than a page by itself: cut it where the page ends
            pages.append(Page(top, top + room, header))
            blocks = [*blocks[:i], Block(top + room, blocks[i].bottom, blocks[i].keep_with_next, header),
                      *blocks[i + 1:]]
            continue
        if j < len(blocks):
            while j - 1 > i and blocks[j - 1].keep_with_next:  # a heading goes over with what it heads
                j -= 1
        bottom = blocks[j].top if j < len(blocks) else blocks[j - 1].bottom
        pages.append(Page(top, bottom, header))
        i = j
    return pages


def blocks(document: QTextDocument) -> list[Block]:
    """The stretches of a laid-out document that must stay whole: each line of text outside tables (a
    heading's last line kept with the next), and each table row with its cells (the header rows kept with
    the first row under them), to the rule it shares with the next."""
    layout = document.documentLayout()
    order: list[Block | tuple[int, int]] = []  # lines, and (table, row) where each row first appears
    spans: dict[tuple[int, int], list[float]] = {}  # (table, row) → top and bottom of its cells' text
    tables: dict[int, QTextTable] = {}
    block: QTextBlock = document.begin()
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        # None outside a table, though PySide6's stub leaves the None out
        table: QTextTable | None = QTextCursor(block).currentTable()
        if table is not None:
            key = (id(table), table.cellAt(block.position()).row())
            tables[key[0]] = table
            if key not in spans:
                spans[key] = [rect.top(), rect.bottom()]
                order.append(key)
            span = spans[key]
            span[0], span[1] = min(span[0], rect.top()), max(span[1], rect.bottom())
        else:
            lines = block.layout()
            heading = block.blockFormat().headingLevel() > 0
            for n in range(lines.lineCount()):
                line = lines.lineAt(n)
                top = rect.top() + line.y()
                order.append(Block(top, top + line.height(), keep_with_next=heading and n == lines.lineCount() - 1))
        block = block.next()

    def row_block(table_id: int, row: int) -> Block:
        table = tables[table_id]
        count = table.rows()
        text = [spans.get((table_id, r), [0.0, 0.0]) for r in range(count)]
        # Between two rows' text lies their padding and the rule they share, halfway (measured on the
        # PDF: the rule ends there), so a row reaches half the gap above and below its text.
        half = (text[1][0] - text[0][1]) / 2 if count > 1 else 0.0
        top, bottom = text[row][0] - half, text[row][1] + half
        heads = table.format().headerRowCount()
        if row < heads:
            return Block(top, bottom, keep_with_next=True)
        header = (text[0][0] - half, text[heads - 1][1] + half) if heads and row >= heads else None
        return Block(top, bottom, header=header)

    found = [item if isinstance(item, Block) else row_block(*item) for item in order]
    # a table's margin may reach into the paragraph after it: no block reaches into the next one
    return [replace(b, bottom=min(b.bottom, found[n + 1].top)) if n + 1 < len(found) else b
            for n, b in enumerate(found)]
