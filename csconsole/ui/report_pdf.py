"""report.pdf of the audit pack, drawn with Qt's own PDF writer (QPdfWriter + QTextDocument + QPainter).

The report is HTML laid out by QTextDocument and cut into A4 pages by ``report_pages`` (never inside a
table row; a table goes on under its header again); each page gets a footer naming the store, the chain
head and the page number, so a printed page can be traced back to the pack it came from.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication

from csconsole.io.export import WITHHELD, ReportData, TicketLine
from csconsole.ui import report_pages

FONT = "DejaVu Sans"
PATH_SHOWN = 8  # holders of a path shown in full; longer paths are in tickets.csv
INK, MUTED, RULE, BAD, GOOD, LOYAL = "#1d2430", "#5b6472", "#d5dae1", "#b3261e", "#1e7b34", "#8a5a00"
STYLE = f"""
body {{ color: {INK}; }}
h1 {{ font-size: 17pt; margin: 0 0 2pt 0; }}
h2 {{ font-size: 12pt; margin: 16pt 0 4pt 0; color: {INK}; }}
p {{ margin: 2pt 0 4pt 0; }}
.muted {{ color: {MUTED}; }}
.bad {{ color: {BAD}; font-weight: bold; }}
.good {{ color: {GOOD}; font-weight: bold; }}
.loyal {{ color: {LOYAL}; }}
.mono {{ font-family: 'DejaVu Sans Mono'; font-size: 7pt; }}
table {{ border-collapse: collapse; }}
th {{ background-color: #eef1f5; text-align: left; font-weight: bold; }}
td, th {{ border: 0.5px solid {RULE}; }}
td.n, th.n {{ text-align: right; }}
"""


def ensure_gui_app() -> QGuiApplication:
    """Qt's fonts need an application object; the command line has none, so make one offscreen.

    A QApplication, not a bare QGuiApplication: whoever comes later in the same process (the tests,
    a console) may still create widgets.
    """
    existing = QGuiApplication.instance()
    if isinstance(existing, QGuiApplication):
        return existing
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QApplication(["csconsole"])


def render_report(data: ReportData, file: Path) -> None:
    """Write ``data`` as a paginated A4 PDF to ``file``."""
    ensure_gui_app()
    writer = QPdfWriter(str(file))
    writer.setTitle(f"csconsole audit pack — {Path(data.store).name}")
    writer.setCreator("csconsole")
    writer.setResolution(300)
    writer.setPageLayout(page_layout())
    area = writer.pageLayout().paintRectPixels(writer.resolution())
    footer = writer.resolution() * 0.35  # inches of room for the footer line
    body = QSizeF(area.width(), area.height() - footer)

    document = layout_document(data, writer, body.width())
    pages = report_pages.paginate(report_pages.blocks(document), body.height())

    painter = QPainter(writer)
    try:
        footer_font = QFont(FONT, 7)
        for number, page in enumerate(pages):
            if number:
                writer.newPage()
            y = 0.0
            if page.header is not None:  # the table goes on: its header again, first
                y = _draw_slice(painter, document, page.header[0], page.header[1], 0.0, body.width())
            _draw_slice(painter, document, page.top, page.bottom, y, body.width())
            painter.setPen(QColor(RULE))
            rule_y = area.height() - footer * 0.8
            painter.drawLine(QPointF(0, rule_y), QPointF(area.width(), rule_y))
            painter.setPen(QColor(MUTED))
            painter.setFont(footer_font)
            line = QRectF(0, area.height() - footer * 0.7, area.width(), footer * 0.7)
            painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             f"{Path(data.store).name} · chain head {data.chain_head.seq} "
                             f"{data.chain_head.hash[:16]}… · generated {_when(data.generated_at)}")
            painter.drawText(line, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             f"page {number + 1} of {len(pages)}")
    finally:
        painter.end()


def page_layout() -> QPageLayout:
    """A4, portrait, with margins a printer can keep."""
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                       QMarginsF(16, 14, 16, 14), QPageLayout.Unit.Millimeter)


def layout_document(data: ReportData, device: QPdfWriter, width: float) -> QTextDocument:
    """The report laid out as one long page in the PDF's own metrics (``report_pages`` cuts it)."""
    document = QTextDocument()
    document.documentLayout().setPaintDevice(device)
    document.setDefaultFont(QFont(FONT, 8))
    document.setDocumentMargin(0)
    document.setDefaultStyleSheet(STYLE)
    document.setHtml(report_html(data))
    document.setTextWidth(width)  # no page height: Qt's own pagination would cut rows in two
    return document


def _draw_slice(painter: QPainter, document: QTextDocument, top: float, bottom: float, at: float,
                width: float) -> float:
    """Draw the document from ``top`` to ``bottom`` at height ``at`` of the page; the height drawn."""
    painter.save()
    painter.translate(0, at - top)
    document.drawContents(painter, QRectF(0, top, width, bottom - top))  # a row's closing rule ends at bottom
    painter.restore()
    return bottom - top


# --- the report as HTML ----------------------------------------------------------------------------------

def _when(text: str | None) -> str:
    return "—" if not text else f"{text[:10]} {text[11:16]} UTC"


def _day(text: str | None) -> str:
    return "—" if not text else text[:10]


def _path(holders: tuple[str, ...]) -> str:
    """A long path keeps its start and its end: where the ping-pong began and where it stands."""
    if len(holders) <= PATH_SHOWN + 2:  # hiding one or two holders saves nothing
        return escape(" → ".join(holders))
    head, tail = holders[:3], holders[-(PATH_SHOWN - 3):]
    hidden = len(holders) - len(head) - len(tail)
    gap = f' → <span class="muted">… {hidden} more …</span> → '
    return escape(" → ".join(head)) + gap + escape(" → ".join(tail))


def _num(value: int) -> str:
    return f"{value:,}"


def _table(header: list[str], rows: list[list[str]], *, numeric: frozenset[int] | set[int] = frozenset(),
           widths: list[int] | None = None) -> str:
    def cell(tag: str, i: int, text: str) -> str:
        width = f' width="{widths[i]}%"' if widths else ""
        return f'<{tag}{" class=n" if i in numeric else ""}{width}>{text}</{tag}>'

    head = "".join(cell("th", i, escape(h)) for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in rows)
    return (f'<table width="100%" cellspacing="0" cellpadding="3"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _customer(line: TicketLine) -> str:
    star = ' <span class="loyal">★ loyal</span>' if line.loyal else ""
    return escape(line.customer) + star


def _shown(listed: int, total: int, where: str) -> str:
    if total <= listed:
        return ""
    return f'<p class="muted">Showing {listed} of {_num(total)}; every one is in {where}.</p>'


def report_html(data: ReportData) -> str:
    mode = "opened read-only" if data.read_only else "opened for writing"
    parts = [f"<html><body><h1>Audit pack — {escape(Path(data.store).name)}</h1>",
             f'<p class="muted">{escape(data.store)} · generated {_when(data.generated_at)} · '
             f"schema {data.schema_version} · {mode}</p>"]
    parts += _chain(data)
    parts += _period(data)
    parts += _queues(data)
    parts += _bounced(data)
    parts += _callbacks(data)
    parts += _recovery(data)
    parts += _findings(data)
    parts += _files(data)
    parts.append("</body></html>")
    return "".join(parts)


def _chain(data: ReportData) -> list[str]:
    verdict = ('<span class="good">verified</span>' if data.chain_ok
               else f'<span class="bad">BROKEN</span> — {escape(data.chain_problem)}')
    return [
        "<h2>Audit chain</h2>",
        f"<p>{_num(data.chain_checked)} events checked: {verdict}.</p>",
        f"<p>Head: event <b>{data.chain_head.seq}</b>, "
        f'hash <span class="mono">{data.chain_head.hash}</span></p>',
        '<p class="muted">Keep this head elsewhere; <i>csconsole audit verify STORE --head HASH</i> '
        "later proves that nothing before it was edited, deleted, inserted or reordered.</p>",
    ]


def _period(data: ReportData) -> list[str]:
    statuses = ", ".join(f"{escape(k)} {_num(v)}" for k, v in data.statuses.items()) or "none"
    kinds = ", ".join(f"{escape(k)} {_num(v)}" for k, v in data.event_kinds.items()) or "none"
    return [
        "<h2>Summary of the period</h2>",
        f"<p>From <b>{_when(data.period_start)}</b> to <b>{_when(data.period_end)}</b>: "
        f"{_num(data.tickets)} tickets, {_num(data.events)} events, {_num(data.customers)} customers, "
        f"{_num(data.agents)} agents.</p>",
        f"<p>Tickets by status: {statuses}.</p>",
        f"<p>Events by kind: {kinds}.</p>",
        f"<p>Bounced more than twice: <b>{_num(data.bounced_total)}</b> · senior callbacks (3+ contacts): "
        f"<b>{_num(data.callbacks_total)}</b> · rule breaches found: <b>{_num(data.findings_total)}</b>"
        + (f" · recovery cases: <b>{_num(data.recovery.cases)}</b>" if data.recovery else "") + ".</p>",
    ]


def _queues(data: ReportData) -> list[str]:
    rows = [[escape(q.name), _num(q.total), _num(q.open), _when(q.oldest_open_at), _num(q.at_risk),
             f'<span class="bad">{_num(q.breached)}</span>' if q.breached else "0"] for q in data.queues]
    if not rows:
        return ["<h2>Queues</h2>", "<p>No queues.</p>"]
    header = ["Queue", "Tickets", "Open", "Oldest open", "SLA at risk", "SLA breached"]
    return ["<h2>Queues</h2>", _table(header, rows, numeric={1, 2, 4, 5}, widths=[24, 13, 11, 24, 14, 14])]


def _bounced(data: ReportData) -> list[str]:
    out = ["<h2>Tickets bounced more than twice</h2>"]
    if not data.bounced:
        return [*out, "<p>None: every ticket stayed with at most two handoffs.</p>"]
    out.append(f"<p>{_num(data.bounced_total)} tickets had three or more handoffs; the most bounced first, "
               "each with its path of holders.</p>")
    rows = [[f"<b>{escape(t.ref)}</b>", _customer(t), str(t.bounces), str(t.pingpongs), escape(t.status),
             _path(t.path)] for t in data.bounced]
    out.append(_table(["Ticket", "Customer", "Bounces", "Ping-pongs", "Status", "Path"], rows,
                      numeric={2, 3}, widths=[11, 17, 9, 11, 8, 44]))
    out.append(_shown(len(data.bounced), data.bounced_total, "tickets.csv (column bounces)"))
    return out


def _callbacks(data: ReportData) -> list[str]:
    out = ["<h2>Senior callbacks</h2>"]
    if not data.callbacks:
        return [*out, "<p>None: no customer contacted us three or more times about one ticket.</p>"]
    out.append(f"<p>{_num(data.callbacks_total)} tickets where the customer reached out three or more times; "
               "a senior should call them back.</p>")
    rows = [[f"<b>{escape(t.ref)}</b>", _customer(t), escape(t.subject), str(t.contacts),
             escape(t.owner or "—"), escape(t.status)] for t in data.callbacks]
    out.append(_table(["Ticket", "Customer", "Subject", "Contacts", "Owner", "Status"], rows, numeric={3},
                      widths=[12, 22, 32, 9, 15, 10]))
    out.append(_shown(len(data.callbacks), data.callbacks_total, "tickets.csv (column contacts)"))
    return out


def _counts(values: dict[str, int]) -> str:
    return ", ".join(f"{escape(k)} {_num(v)}" for k, v in values.items()) or "none recorded"


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _recovery(data: ReportData) -> list[str]:
    out = ["<h2>Service recovery</h2>"]
    rec = data.recovery
    if rec is None or (rec.cases == 0 and rec.evaluations == 0):
        return [*out, "<p>No recovery cases and no evaluations in this store.</p>"]
    out.append(f"<p>{_num(rec.cases)} cases: {_num(rec.open)} open, {_num(rec.complete)} complete. "
               f"Outcomes: {_counts(rec.outcomes)}. Root causes: {_counts(rec.root_causes)}.</p>")
    if rec.listed:
        rows = [[escape(c.ref), escape(c.customer), escape(c.checklist), f"{c.steps_done}/{c.steps_total}",
                 _day(c.opened_at), _day(c.completed_at) if c.completed_at else "open",
                 escape(c.outcome or "—"), escape(c.root_cause or "—"), escape(c.policy or "—")]
                for c in rec.listed]
        out.append(_table(["Ticket", "Customer", "Checklist", "Steps", "Opened", "Completed", "Outcome",
                           "Root cause", "Policy"], rows, widths=[11, 15, 10, 7, 11, 11, 10, 10, 15]))
        out.append(_shown(len(rec.listed), rec.cases, "recovery_cases.csv"))
    out.append("<h2>Two scores, kept apart</h2>")
    out.append(f"<p>{_num(rec.evaluations)} evaluations. Associate score (how well the agent executed): "
               f"<b>{_score(rec.associate_average)}</b> on average. Policy score (how well the policy "
               f"served the customer): <b>{_score(rec.policy_average)}</b> on average. A low policy score "
               "points at the policy, not at the agent.</p>")
    if rec.associate_scores:
        out.append('<p class="muted">Lowest averages first; the two scores are never mixed.</p>')
        out.append(_table(["Associate", "Average associate score", "Evaluations"],
                          [[escape(s.name), f"{s.average:.2f}", str(s.count)] for s in rec.associate_scores],
                          numeric={1, 2}, widths=[50, 30, 20]))
    if rec.policy_scores:
        out.append("<p></p>")
        out.append(_table(["Policy", "Average policy score", "Evaluations"],
                          [[escape(s.name), f"{s.average:.2f}", str(s.count)] for s in rec.policy_scores],
                          numeric={1, 2}, widths=[50, 30, 20]))
    return out


def _findings(data: ReportData) -> list[str]:
    out = ["<h2>Findings: rule breaches in the recorded history</h2>"]
    if not data.findings_total:
        return [*out, "<p>None: every recorded event kept the rules (owner or supervisor closes, "
                      "supervisors reassign with a reason, transfers carry a note).</p>"]
    out.append(f"<p><b>{_num(data.findings_total)}</b> events broke a rule; imported history is kept as it "
               "happened and its breaches are listed here, not hidden.</p>")
    by_rule = [[escape(rule), _num(n)] for rule, n in data.findings_by_rule.items()]
    out.append(_table(["Rule", "Events"], by_rule, numeric={1}, widths=[80, 20]))
    out.append("<p></p>")
    rows = [[f"<b>{escape(f.ref)}</b>", str(f.seq or "—"), _when(f.at), escape(f.rule)]
            for f in data.findings]
    out.append(_table(["Ticket", "Event", "At", "Rule broken"], rows, numeric={1}, widths=[16, 10, 24, 50]))
    out.append(_shown(len(data.findings), data.findings_total, "findings.csv"))
    return out


def _files(data: ReportData) -> list[str]:
    rows = [[escape(f.name), _num(f.rows) if f.rows is not None else "—",
             f'<span class="mono">{f.sha256}</span>'] for f in data.files]
    return ["<h2>Files of this pack</h2>",
            '<p class="muted">The sha256 of every file, report.pdf included, is in manifest.json. Not exported: '
            + "; ".join(f"{escape(table)}, {escape(why)}" for table, why in WITHHELD.items()) + ".</p>",
            _table(["File", "Rows", "sha256"], rows, numeric={1}, widths=[22, 12, 66])]
