"""The PyInstaller one-folder app builds and starts: ``--version``, a real import, and the console's first
painted window offscreen.

Skipped unless ``CSCONSOLE_TEST_BUNDLE=1`` (it builds the bundle: about a minute, and it needs the
``package`` extra). ``CSCONSOLE_BUNDLE=path/to/dist/csconsole`` tests an existing build instead.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from csconsole import __version__

pytestmark = pytest.mark.skipif(os.environ.get("CSCONSOLE_TEST_BUNDLE") != "1",
                                reason="set CSCONSOLE_TEST_BUNDLE=1 to build and run the PyInstaller bundle")

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "zendesk"
# Qt's own paint log names the window it flushes to the screen: the first one is the first painted frame.
FIRST_FRAME = "Flushing QRegion("


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("CSCONSOLE_BUNDLE")
    if given:
        return Path(given)
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.fail("PyInstaller is not installed: pip install -e '.[package]'")
    work = tmp_path_factory.mktemp("pyinstaller")
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(ROOT / "packaging" / "csconsole.spec")],
        check=True, cwd=ROOT, timeout=900,
    )
    return work / "dist" / "csconsole"


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "QT_"))}
    env.update(XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"), HOME=str(home),
               QT_QPA_PLATFORM="offscreen", QT_LOGGING_RULES="qt.widgets.painting=true")
    return env


def run(bundle: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bundle / "csconsole"), *args], capture_output=True, text=True, timeout=120,
                          env=environment(home), cwd=home)


def test_the_bundle_carries_its_resources(bundle: Path) -> None:
    icons = list(bundle.rglob("resources/icons/csconsole.svg"))
    assert icons, f"no resources/icons/csconsole.svg inside {bundle}"
    assert (icons[0].parent / "hicolor" / "16x16" / "apps" / "csconsole.png").is_file()


def test_the_bundle_prints_its_version(bundle: Path, tmp_path: Path) -> None:
    done = run(bundle, tmp_path, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"csconsole {__version__}"


def test_the_bundle_imports_a_zendesk_export(bundle: Path, tmp_path: Path) -> None:
    store = tmp_path / "zd.db"
    assert run(bundle, tmp_path, "demo", str(store), "--tickets", "50").returncode == 0
    done = run(bundle, tmp_path, "import", str(store), str(FIXTURE), "--format", "zendesk")
    assert done.returncode == 0, done.stderr
    assert "Zendesk metrics on 11 tickets: 0 disagreements" in done.stdout


def test_the_bundle_opens_the_console_to_its_first_painted_window(bundle: Path, tmp_path: Path) -> None:
    store = tmp_path / "floor.db"
    assert run(bundle, tmp_path, "demo", str(store), "--tickets", "200").returncode == 0
    # Read-only: no sign-in dialog stands before the main window.
    process = subprocess.Popen([str(bundle / "csconsole"), "gui", "--db", str(store), "--read-only"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env=environment(tmp_path), cwd=tmp_path)
    guard = threading.Timer(60, process.kill)  # a console that never paints fails instead of hanging
    guard.start()
    painted = ""
    seen: list[str] = []
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if FIRST_FRAME in line and "MainWindow" in line:
                painted = line
                break
            if "qt.widgets.painting" not in line:
                seen.append(line.rstrip())
    finally:
        guard.cancel()
        process.kill()
        process.wait()
    assert painted, "the console never painted its main window; it said:\n" + "\n".join(seen[-20:])
    assert not [line for line in seen if "Traceback" in line or "Error" in line], seen
