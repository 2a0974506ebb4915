"""What an import has to say: its refusal (FILE:ROW:FIELD lines), its summary, and the Zendesk cross-check.

The lines sit in read-only text boxes, so they can be scrolled, selected and copied into a ticket or a mail.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csconsole.services.crosscheck import Disagreement

TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _lines_box(lines: list[str], name: str) -> QPlainTextEdit:
    box = QPlainTextEdit("\n".join(lines))
    box.setReadOnly(True)
    box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    box.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    box.setAccessibleName(name)
    box.setTabChangesFocus(True)  # Tab leaves the box for the buttons
    box.setMinimumSize(640, 220)
    return box


def _copy_button(parent: QWidget, box: QPlainTextEdit) -> QPushButton:
    button = QPushButton(parent.tr("&Copy all"))
    button.setAccessibleDescription(parent.tr("Copy every line to the clipboard"))
    button.clicked.connect(lambda: QGuiApplication.clipboard().setText(box.toPlainText()))
    return button


class ProblemsDialog(QDialog):
    """The import was refused: nothing was written, and each line says where and why."""

    def __init__(self, source: str, problems: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_problems")
        self.setWindowTitle(self.tr("Import refused"))
        intro = QLabel(self.tr("<b>{0}</b> was not imported; <b>nothing was written</b>. Fix these lines "
                               "(file : row : field : problem) and import again:").format(source))
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.lines = _lines_box(problems, self.tr("Problems found in the import"))
        intro.setBuddy(self.lines)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(_copy_button(self, self.lines), QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.lines, 1)
        layout.addWidget(buttons)
        self.resize(760, 380)


class DisagreementsTable(QTableWidget):
    """Ticket, metric, our count, Zendesk's: one row per disagreement; Enter or a double-click shows the ticket."""

    ticket_activated = Signal(int)

    def __init__(self, disagreements: list[Disagreement], parent: QWidget | None = None) -> None:
        super().__init__(len(disagreements), 4, parent)
        self.setObjectName("disagreements")
        self.setHorizontalHeaderLabels([self.tr("Ticket"), self.tr("Count"), self.tr("csconsole"), self.tr("Zendesk")])
        self.setAccessibleName(self.tr("Counts where csconsole and Zendesk disagree"))
        self.setAccessibleDescription(self.tr("Press Enter on a row to show its ticket"))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setTabKeyNavigation(False)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, d in enumerate(disagreements):
            zendesk = str(d.zendesk) if d.metric != "bounces" else self.tr("{0} (from its stations)").format(d.zendesk)
            for column, value in enumerate((d.ref, metric_name(self, d.metric), str(d.ours), zendesk)):
                item = QTableWidgetItem(value)
                item.setData(TICKET_ID_ROLE, d.ticket_id)
                self.setItem(row, column, item)
        self.resizeColumnsToContents()
        self.cellActivated.connect(self._cell_activated)

    def _cell_activated(self, row: int, _column: int) -> None:
        item = self.item(row, 0)
        if item is not None:
            self.ticket_activated.emit(int(item.data(TICKET_ID_ROLE)))


def metric_name(widget: QObject, metric: str) -> str:
    return {"assignee_stations": widget.tr("assignee stations"), "group_stations": widget.tr("group stations"),
            "reopens": widget.tr("reopens"), "replies": widget.tr("public replies"),
            "bounces": widget.tr("bounces")}.get(metric, metric)


class CrossCheckDialog(QDialog):
    """Tools → Zendesk cross-check: every count of an imported ticket that differs from Zendesk's own."""

    ticket_activated = Signal(int)

    def __init__(self, checked: int, disagreements: list[Disagreement], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crosscheck_dialog")
        self.setWindowTitle(self.tr("Zendesk cross-check"))
        if not checked:
            said = self.tr("No ticket in this store carries Zendesk's own counts (ticket_metrics); import a "
                           "Zendesk export that includes them.")
        elif not disagreements:
            said = self.tr("csconsole and Zendesk agree on all {0} imported tickets that carry Zendesk's counts "
                           "(assignee and group stations, reopens, public replies, bounces).").format(checked)
        else:
            said = self.tr("{0} of the counts of {1} imported tickets differ from Zendesk's own. Bounces are "
                           "compared with what Zendesk's stations imply. Enter or a double-click shows the "
                           "ticket.").format(len(disagreements), checked)
        self.summary = QLabel(said)
        self.summary.setWordWrap(True)
        self.summary.setObjectName("crosscheck_summary")
        self.table = DisagreementsTable(disagreements)
        self.table.setVisible(bool(disagreements))
        self.table.ticket_activated.connect(self.ticket_activated)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(620, 380 if disagreements else 160)


class ImportSummaryDialog(QDialog):
    """The import went in: what it brought, the rule breaches found, and (Zendesk) the cross-check."""

    ticket_activated = Signal(int)

    def __init__(self, source: str, lines: list[str], findings: list[str],
                 disagreements: list[Disagreement] | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_summary")
        self.setWindowTitle(self.tr("Import done"))
        self.summary = QLabel("<b>" + self.tr("“{0}” imported.").format(source) + "</b><br>" + "<br>".join(lines))
        self.summary.setObjectName("import_summary_text")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                             | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        self.findings = _lines_box(findings, self.tr("Rule breaches found in the imported history"))
        self.findings.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)  # sentences, not columns
        self.findings.setMinimumHeight(90)
        if findings:
            label = QLabel(self.tr("&Rule breaches in the imported history (kept as findings):"))
            label.setBuddy(self.findings)
            layout.addWidget(label)
            layout.addWidget(self.findings, 1)
        else:
            self.findings.hide()
        self.disagreements: DisagreementsTable | None = None
        if disagreements:
            label = QLabel(self.tr("Counts where csconsole and &Zendesk disagree (Enter shows the ticket):"))
            self.disagreements = DisagreementsTable(disagreements)
            self.disagreements.ticket_activated.connect(self.ticket_activated)
            label.setBuddy(self.disagreements)
            layout.addWidget(label)
            layout.addWidget(self.disagreements, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        if findings:
            buttons.addButton(_copy_button(self, self.findings), QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(700, 420 if findings or disagreements else 180)
