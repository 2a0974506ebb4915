"""File > Open: a store file (typed, or picked with Browse…) or a floor's store on a PostgreSQL server (its
URL typed: ``postgresql://you@server/floor``). What cannot be read is said under the field at once."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from csconsole.services import StoreError, parse_location

FILES = "csconsole stores (*.db *.sqlite);;All files (*)"


class OpenStoreDialog(QDialog):
    def __init__(self, folder: str, current: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("open_store")
        self.setWindowTitle(self.tr("Open store"))
        self._folder = folder
        intro = QLabel(self.tr("A store file on this computer, or the URL of your floor's store on a "
                               "PostgreSQL server (ask your IT for it)."))
        intro.setWordWrap(True)
        self.location = QLineEdit(current)
        self.location.setObjectName("store_location")
        self.location.setAccessibleName(self.tr("Store file or server URL"))
        self.location.setPlaceholderText(self.tr("/path/to/floor.db  or  postgresql://you@server/floor"))
        self.location.setMinimumWidth(420)
        browse = QPushButton(self.tr("&Browse…"))
        browse.setAccessibleName(self.tr("Browse for a store file"))
        browse.clicked.connect(self._browse)
        self.problem = QLabel()
        self.problem.setObjectName("location_problem")
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.location, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.location.textChanged.connect(self._check)
        self._check()

    @property
    def chosen(self) -> str:
        return self.location.text().strip()

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Open store"), self._folder, self.tr(FILES))
        if name:
            self.location.setText(name)

    def _check(self) -> None:
        text = self.chosen
        problem = ""
        if text:
            try:
                parse_location(text)
            except StoreError as error:
                problem = str(error)
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(bool(text) and not problem)
