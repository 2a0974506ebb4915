"""Start-up: the command line decides; the console opens through ``run_gui``."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from csconsole.cli import main as cli_main

    return cli_main(argv)


def run_gui(db: str | None, *, read_only: bool = False, demo: bool = False) -> int:
    """Open the console window on ``db`` (or the default store) and run until it closes."""
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("csconsole")
    window.resize(1280, 800)
    window.show()
    return int(app.exec())
