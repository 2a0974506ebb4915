"""report.pdf never splits a table row across pages (issue 14, item 10): the cutting arithmetic alone, the
cuts made on the real report's layout, and the PDF's pages themselves, rendered to images."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QImage, QPdfWriter

from csconsole.io.demo import build_demo
from csconsole.io.export import export
from csconsole.services import open_store
from csconsole.ui import report_pages, report_pdf
from csconsole.ui.report_pages import Block, Page, paginate


def test_paginate_cuts_between_blocks_and_keeps_headings_with_what_follows() -> None:
    rows = [Block(10.0 * n, 10.0 * n + 10) for n in range(10)]  # 0..100, in rows of 10
    pages = paginate(rows, 35.0)
    assert [(p.top, p.bottom) for p in pages] == [(0, 30), (30, 60), (60, 90), (90, 100)]
    heading = [Block(0, 5), Block(5, 10, keep_with_next=True), Block(10, 30)]
    assert [(p.top, p.bottom) for p in paginate(heading, 25.0)] == [(0, 5), (5, 30)]  # not orphaned at the foot


def test_a_table_goes_on_under_its_header_again() -> None:
    header = (0.0, 8.0)
    table = [Block(0, 8, keep_with_next=True)] + [Block(8 + 10 * n, 18 + 10 * n, header=header) for n in range(6)]
    pages = paginate(table, 30.0)
    assert pages[0] == Page(0, 28, None)
    assert all(p.header == header for p in pages[1:])
    assert all(p.height <= 30.0 for p in pages)
    covered = [(p.top, p.bottom) for p in pages]
    assert covered[0][0] == 0 and covered[-1][1] == 68 and all(a[1] == b[0] for a, b in itertools.pairwise(covered))


def test_only_a_block_taller_than_a_page_is_ever_cut() -> None:
    pages = paginate([Block(0, 10), Block(10, 95), Block(95, 100)], 40.0)
    assert [(p.top, p.bottom) for p in pages] == [(0, 10), (10, 50), (50, 90), (90, 100)]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """A demo floor's real report: long tables of bounced tickets and their paths, findings, files."""
    folder = tmp_path_factory.mktemp("report")
    path = folder / "demo.db"
    build_demo(path, tickets=3000, seed=5)
    kept: list[object] = []

    def render(data: object, file: Path) -> None:
        kept.append(data)
        report_pdf.render_report(data, file)  # type: ignore[arg-type]

    with open_store(str(path), read_only=True) as store:
        export(store, folder / "pack", render=render)
    return folder / "pack" / "report.pdf", kept[0]


def test_no_table_row_of_the_real_report_straddles_a_page(report, tmp_path: Path) -> None:
    _pdf, data = report
    writer = QPdfWriter(str(tmp_path / "layout.pdf"))
    writer.setResolution(300)
    document = report_pdf.layout_document(data, writer, 2000.0)
    blocks = report_pages.blocks(document)
    rows = [b for b in blocks if b.header is not None]
    assert len(rows) > 100  # long tables: the bounced tickets, the findings
    pages = paginate(blocks, 3000.0)
    assert len(pages) > 2
    for block in blocks:
        holding = [p for p in pages if p.top < block.bottom and block.top < p.bottom]
        assert len(holding) == 1, (block, holding)  # whole, on exactly one page
        assert holding[0].top <= block.top and block.bottom <= holding[0].bottom


def _open_rows(png: Path, bottom_mm: float) -> bool:
    """Whether the page's last drawn line above ``bottom_mm`` (from the top of the A4 page) is the light
    vertical borders of a table row left open, a row cut by the page break, rather than a closing rule or text."""
    image = QImage(str(png))

    def marks(y: int) -> list[int]:
        return [x for x in range(image.width()) if image.pixelColor(x, y).lightness() < 245]

    for y in range(int(image.height() * bottom_mm / 297), int(image.height() * 0.1), -1):
        found = marks(y)
        if not found:
            continue
        if any(image.pixelColor(x, y).lightness() < 120 for x in found):
            return False  # text
        runs = 1 + sum(1 for a, b in itertools.pairwise(found) if b - a > 1)
        borders_only = runs >= 3 and len(found) < runs * 4  # thin, separate lines: a row's side borders
        # a closing rule a pixel above is a closed row (the rule's antialiased edge), not one cut open
        closed = any(len(marks(y - up)) > image.width() // 2 for up in (1, 2))
        return borders_only and not closed
    return False


def _continued_rows(pdf: Path, pages: int) -> list[int]:
    """The pages whose table starts with the rest of a row from the page before (lines of a path under the
    repeated header, before the first ticket's reference), read with pdftotext."""
    found = []
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        lines = text.splitlines()
        for n, line in enumerate(lines):
            if not line.startswith("Ticket "):
                continue
            for after in lines[n + 1:]:
                if re.match(r"[A-Z]+-\d+", after):
                    break
                words = after.split()
                if len(words) > 1 or "→" in after or "/" in after:  # more than a header's wrapped word
                    found.append(page)
                    break
    return found


@pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
                    reason="pdftoppm and pdftotext (poppler-utils) render and read the pages")
def test_the_pages_of_report_pdf_never_cut_a_row_open(report, tmp_path: Path) -> None:
    pdf, data = report
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf), str(tmp_path / "ours")], check=True)
    ours = sorted(tmp_path.glob("ours*.png"))
    assert len(ours) > 2
    assert not [p.name for p in ours if _open_rows(p, 297 - 14 - 8.9)]  # every page's last row closed
    assert _continued_rows(pdf, len(ours)) == []  # and no page starts with the rest of one
    # The same report paginated by Qt alone runs rows on over the page break: the check above can fail.
    writer = QPdfWriter(str(tmp_path / "qt.pdf"))
    writer.setResolution(300)
    writer.setPageLayout(report_pdf.page_layout())
    document = report_pdf.layout_document(data, writer, writer.pageLayout().paintRectPixels(300).width())
    document.setPageSize(writer.pageLayout().paintRectPixels(300).size().toSizeF())
    document.print_(writer)
    qt_pages = len(re.findall(rb"/Type\s*/Page[^s]", (tmp_path / "qt.pdf").read_bytes()))
    assert _continued_rows(tmp_path / "qt.pdf", qt_pages)
