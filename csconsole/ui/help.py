"""Help menu: the user guide, the keyboard shortcuts sheet (read from the live actions, so it cannot drift)
and About.

Also the application's identity, set once at start-up: names, desktop file name and window icon.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSize, Qt, QTranslator
from PySide6.QtGui import QGuiApplication, QIcon, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from csconsole import __version__, resources

if TYPE_CHECKING:
    from csconsole.services import audit

APP_NAME = "csconsole"


def app_icon() -> QIcon:
    """Every size of the app icon (the SVG for any other size); an empty icon when resources are missing."""
    icon = QIcon()
    try:
        files = resources.icon_files()
    except FileNotFoundError:
        return icon
    # PNGs first: the first file picks the icon engine, and the PNG one keeps every size (the SVG after
    # them still scales to sizes in between).
    for size, path in sorted(files.items(), key=lambda item: item[0] == 0):
        icon.addFile(str(path), QSize(size, size) if size else QSize())
    return icon


def set_identity(app: QGuiApplication) -> None:
    """Names, the desktop file (so Wayland and the task bar match the window to csconsole.desktop), the icon."""
    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setApplicationDisplayName(APP_NAME)
    QGuiApplication.setDesktopFileName(APP_NAME)
    app.setWindowIcon(app_icon())


def install_translations(app: QCoreApplication) -> list[str]:
    """Qt's own texts and ours in the user's language, where a translation ships (resources/translations,
    ``csconsole_<locale>.qm`` built by lrelease); every string already goes through tr(). Returns what loaded."""
    loaded = []
    places = [("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
    try:
        places.append(("csconsole", str(resources.root() / "translations")))
    except FileNotFoundError:
        pass
    for name, folder in places:
        translator = QTranslator(app)
        if translator.load(QLocale(), name, "_", folder):
            app.installTranslator(translator)
            loaded.append(name)
    return loaded


class GuideDialog(QDialog):
    """The user guide shipped with the app (resources/guide/guide.md), rendered; searchable with Ctrl+F."""

    def __init__(self, markdown: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guide_dialog")
        self.setWindowTitle(self.tr("csconsole user guide"))
        self.browser = QTextBrowser(objectName="guide")
        self.browser.setAccessibleName(self.tr("User guide"))
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(markdown)
        self.find_field = QLineEdit()
        self.find_field.setPlaceholderText(self.tr("Find in the guide…"))
        self.find_field.setAccessibleName(self.tr("Find in the guide"))
        self.find_field.setClearButtonEnabled(True)
        self.find_field.returnPressed.connect(self.find_next)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.shortcuts_button = buttons.addButton(self.tr("&Keyboard shortcuts…"), QDialogButtonBox.ButtonRole.HelpRole)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.find_field)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(720, 760)
        self.browser.setFocus()

    def find_next(self) -> bool:
        """The next place the typed words appear (Enter again: the one after), from the top once at the end."""
        words = self.find_field.text()
        if not words:
            return False
        if self.browser.find(words):
            return True
        self.browser.moveCursor(QTextCursor.MoveOperation.Start)
        return self.browser.find(words)


class ShortcutsDialog(QDialog):
    """Every action with a shortcut, by menu; type to filter."""

    def __init__(self, rows: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Type to filter…"))
        self.filter.setAccessibleName(self.tr("Filter shortcuts"))
        self.filter.setClearButtonEnabled(True)
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcuts")
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([self.tr("Menu"), self.tr("Action"), self.tr("Shortcut")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.filter.textChanged.connect(self._filter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(520, 600)

    def shortcuts(self) -> list[tuple[str, str]]:
        return [(self._text(r, 1), self._text(r, 2)) for r in range(self.table.rowCount())]

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row in range(self.table.rowCount()):
            words = " ".join(self._text(row, c).lower() for c in range(3))
            self.table.setRowHidden(row, bool(needle) and needle not in words)


def _keep(label: str) -> str:
    """A label that never wraps (Qt's rich text ignores nowrap on cells)."""
    return escape(label).replace(" ", "&nbsp;")


class AboutDialog(QDialog):
    def __init__(self, store_path: str, schema: int, head: audit.Head | None, read_only: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle(self.tr("About csconsole"))
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(64, 64))
        chain = (self.tr("event {0:,}, hash {1}").format(head.seq, head.hash) if head is not None
                 else self.tr("not readable"))
        mode = self.tr(" (open read-only)") if read_only else ""
        self.text = QLabel(
            f"<h3>csconsole {escape(__version__)}</h3>"
            f"<p>{escape(self.tr('The floor supervisor’s console: every ticket’s story, bounces and SLA at a glance.'))}</p>"
            f"<table cellspacing='4'>"
            f"<tr><td>{_keep(self.tr('Store'))}</td><td><b>{escape(store_path)}</b>{escape(mode)}</td></tr>"
            f"<tr><td>{_keep(self.tr('Schema version'))}</td><td>{schema}</td></tr>"
            f"<tr><td>{_keep(self.tr('Audit chain head'))}</td><td><tt>{escape(chain)}</tt></td></tr>"
            f"</table><p><small>{escape(self.tr('Check the chain with: csconsole audit verify {0}').format(store_path))}"
            f"</small></p>")
        self.text.setObjectName("about_text")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.text.setAccessibleName(self.tr("About csconsole and this store"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        # The head to keep outside the file: `csconsole audit verify --head HASH` later proves that nothing
        # before it was changed. Copied as `audit head` prints it.
        self.head_text = f"{head.seq} {head.hash}" if head is not None else ""
        self.copy_head = buttons.addButton(self.tr("Copy head"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_head.setObjectName("copy_head")
        self.copy_head.setToolTip(self.tr("Copy the chain head (sequence number and hash) to keep it elsewhere"))
        self.copy_head.setEnabled(head is not None)
        self.copy_head.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.head_text))
        layout = QVBoxLayout(self)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
