"""Start-up: the command line decides; the console opens through ``run_gui``."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    multiprocessing.freeze_support()  # a bundled app's child processes (the demo's story writer) start here
    from csconsole.cli import main as cli_main

    return cli_main(argv)


def run_gui(db: str | None, *, read_only: bool = False, demo: bool = False) -> int:
    """Open the console window on ``db`` (or the default store) and run until it closes."""
    # Qt is imported here, not at module level: the CLI's other commands never pay for it.
    from csconsole.ui.startup import run

    return run(db, read_only=read_only, demo=demo)
