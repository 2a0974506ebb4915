"""Before the window: which store, and who is at the console. Never a crash, always a way on."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from csconsole.domain.rules import Agent

DEMO_TICKETS = 20_000


def data_dir() -> Path:
    folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def default_store_path() -> Path:
    return data_dir() / "csconsole.db"


def folder_near(location: object) -> Path:
    """Where a file picker starts: beside a store file; the data folder for a store on a server."""
    return location.parent if isinstance(location, Path) else data_dir()


def demo_available() -> bool:
    try:
        from csconsole.io import demo  # noqa: F401
    except ImportError:
        return False
    return True


class StoreChooser(QDialog):
    """Open an existing store, create an empty one, or create the demo store."""

    OPEN, CREATE, DEMO = 1, 2, 3

    def __init__(self, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("csconsole — choose a store"))
        self.choice = 0
        self.path: Path | None = None
        self.location = ""  # what to open: a file path or a server URL
        intro = QLabel(reason)
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        for code, text, tip in (
            (self.OPEN, self.tr("&Open a store…"), self.tr("A store file, or your floor's store on a server")),
            (self.CREATE, self.tr("Create an &empty store…"), self.tr("Start from nothing: add queues and agents")),
            (self.DEMO, self.tr("Create the &demo store"), self.tr("A realistic floor to explore, built in seconds")),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setAccessibleName(text.replace("&", "").rstrip("…"))
            button.clicked.connect(lambda _=False, c=code: self._pick(c))
            if code == self.DEMO and not demo_available():
                button.setEnabled(False)
                button.setToolTip(self.tr("The demo generator is not installed"))
            layout.addWidget(button)
        quit_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        quit_box.rejected.connect(self.reject)
        layout.addWidget(quit_box)
        self.resize(440, 220)

    def _pick(self, code: int) -> None:
        from csconsole.ui.dialogs.open_store import OpenStoreDialog

        if code == self.OPEN:
            ask = OpenStoreDialog(str(data_dir()), parent=self)
            if ask.exec() == QDialog.DialogCode.Accepted and ask.chosen:
                self.choice, self.location = code, ask.chosen
                self.path = Path(ask.chosen)
                self.accept()
            return
        if code == self.CREATE:
            name, _ = QFileDialog.getSaveFileName(self, self.tr("New store"), str(default_store_path()),
                                                  self.tr("csconsole stores (*.db)"))
        else:
            name = str(data_dir() / "demo.db")
        if name:
            self.choice, self.path, self.location = code, Path(name), name
            self.accept()


def build_demo_with_progress(path: Path, tickets: int = DEMO_TICKETS, parent: QWidget | None = None) -> str:
    """Build the demo store on a runner (no store is open yet) behind a progress dialog; returns an error or ''."""
    from csconsole.io.demo import build_demo
    from csconsole.ui.runner import Runner

    dialog = QProgressDialog(QApplication.translate("start", "Building the demo store…"), "", 0, 100, parent)
    dialog.setWindowTitle(QApplication.translate("start", "csconsole"))
    dialog.setCancelButton(None)  # a half-built store is worse than waiting a few seconds
    dialog.setMinimumDuration(0)
    runner = Runner(None)
    task = runner.start_task(lambda _store, progress: build_demo(path, tickets=tickets, progress=progress),
                             connection="none", store_path=str(path))

    def progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))

    task.progressed.connect(progress)

    def finished() -> None:
        dialog.reset()
        dialog.close()

    task.finished.connect(finished)
    if not task.done:
        dialog.exec()
    runner.shutdown()
    if task.error is None:
        return ""
    return str(task.error) or type(task.error).__name__


class IdentityDialog(QDialog):
    """Who is at the console: pick a supervisor or manager, or add yourself as one."""

    def __init__(self, agents: list[Agent], current: str = "", parent: QWidget | None = None, *,
                 guards: list[Agent] | None = None) -> None:
        """``guards``: the supervisors and managers with a console PIN; once there is one, a new supervisor
        is vouched for by one of them, with their PIN (``pin.join_as_supervisor``)."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Who is at the console?"))
        intro = QLabel(self.tr("Every action you take is recorded under this name."))
        intro.setWordWrap(True)
        self.pick = QRadioButton(self.tr("I am:"))
        self.add_me = QRadioButton(self.tr("I am new here; add me as a supervisor:"))
        group = QButtonGroup(self)
        group.addButton(self.pick)
        group.addButton(self.add_me)
        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("Supervisors and managers"))
        for agent in agents:
            if agent.active and agent.role.may_supervise:
                item = QListWidgetItem(f"{agent.name}  ({agent.role.value})")
                item.setData(256, agent.name)
                self.list.addItem(item)
                if agent.name == current:
                    self.list.setCurrentItem(item)
        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Your name"))
        self.name.setPlaceholderText(self.tr("Your full name"))
        self.guards = guards or []
        self.sponsor = QComboBox()
        self.sponsor.setObjectName("sponsor")
        self.sponsor.setAccessibleName(self.tr("Supervisor who vouches for you"))
        for guard in self.guards:
            self.sponsor.addItem(guard.name, guard.id)
        self.sponsor_pin = QLineEdit()
        self.sponsor_pin.setObjectName("sponsor_pin")
        self.sponsor_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.sponsor_pin.setAccessibleName(self.tr("Their console PIN"))
        self.vouching = QWidget()
        vouch = QFormLayout(self.vouching)
        vouch.setContentsMargins(0, 0, 0, 0)
        vouch.addRow(QLabel(self.tr("A supervisor or manager vouches for you, with their PIN:")))
        vouch.addRow(self.tr("&Vouched for by:"), self.sponsor)
        vouch.addRow(self.tr("Their &PIN:"), self.sponsor_pin)
        self.vouching.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (intro, self.pick, self.list, self.add_me, self.name, self.vouching, self.buttons):
            layout.addWidget(w)
        has_list = self.list.count() > 0
        self.pick.setEnabled(has_list)
        (self.pick if has_list else self.add_me).setChecked(True)
        if has_list and self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        self.list.currentRowChanged.connect(lambda _r: self.pick.setChecked(True))
        self.list.itemPressed.connect(lambda _item: self.pick.setChecked(True))  # the row it kept, pressed again
        self.name.textEdited.connect(lambda _t: self.add_me.setChecked(True))
        self.add_me.toggled.connect(self._add_me_toggled)
        self.pick.toggled.connect(self._pick_toggled)
        for signal in (self.pick.toggled, self.name.textChanged, self.list.currentRowChanged,
                       self.sponsor_pin.textChanged):
            signal.connect(self._validate)
        self._validate()
        self.vouching.setVisible(self.add_me.isChecked() and bool(self.guards))
        (self.list if has_list else self.name).setFocus()  # where the first key goes
        self.resize(380, 360)

    def chosen(self) -> tuple[str, bool]:
        """(name, is new)."""
        if self.add_me.isChecked():
            return self.name.text().strip(), True
        item = self.list.currentItem()
        return (str(item.data(256)) if item else ""), False

    def vouched_by(self) -> tuple[int | None, str]:
        """(the sponsor's id, the PIN typed for them), or (None, "") when nobody needs to vouch."""
        if not self.guards or not self.add_me.isChecked():
            return None, ""
        return int(self.sponsor.currentData()), self.sponsor_pin.text().strip()

    def _add_me_toggled(self, on: bool) -> None:
        self.vouching.setVisible(on and bool(self.guards))
        if on:  # no name in the list still looks chosen while a new one is typed
            self.list.clearSelection()
            self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _pick_toggled(self, on: bool) -> None:
        if on:
            current = self.list.currentItem()
            if current is not None:
                current.setSelected(True)
            self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _validate(self) -> None:
        name, is_new = self.chosen()
        vouched = not (is_new and self.guards) or bool(self.sponsor_pin.text().strip())
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setEnabled(bool(name) and vouched)


def tell(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)
