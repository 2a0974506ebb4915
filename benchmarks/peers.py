"""The tools a user would pick instead, on the same store in the same run: bare sqlite3 (the limit),
Datasette and DB Browser for SQLite. Each is skipped with a note when it cannot be run here."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from benchmarks.figures import SizeResult, median
from benchmarks.store_figures import Statement, evict, repeat_ms
from benchmarks.stores import ROOT

DATASETTE_VENV = ROOT / "venv-datasette"
SQLITE3_KEYS = ("sqlite3_first_page_ms",)
DATASETTE_KEYS = ("datasette_first_page_ms", "datasette_warm_page_ms", "datasette_sql_ms")
DBBROWSER_KEYS = ("dbbrowser_window_ms", "dbbrowser_first_rows_ms", "dbbrowser_rss_mb")


def bare_sqlite3(path: Path, first_page: Statement, result: SizeResult, *, reps: int) -> None:
    """The identical SQL string and parameters through Python's sqlite3 module: no row objects built."""
    evict(path)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    started = time.perf_counter()
    conn.execute(first_page.sql, first_page.params).fetchall()
    result.put("sqlite3_first_page_cold_ms", (time.perf_counter() - started) * 1000,
               "new connection, store file evicted from the OS cache, as for ours", 1)
    times = repeat_ms(lambda: conn.execute(first_page.sql, first_page.params).fetchall(), reps)
    conn.close()
    result.put("sqlite3_first_page_ms", median(times), f"median of {reps}, fetchall of tuples", reps)
    ours, sql_only = result.value("first_page_query_warm_ms"), result.value("first_page_sql_ms")
    if result.value("first_page_vs_sqlite3_x") is not None:
        return  # measured call by call beside ours (store_figures._page_ratios)
    if ours is not None:
        result.put("first_page_vs_sqlite3_x", ours / median(times),
                   "tickets_page (SQL + 100 TicketRows built in Python) / the bare SQL")
    if sql_only is not None:
        result.put("first_page_sql_vs_sqlite3_x", sql_only / median(times),
                   "the same statement on the store's connection / on a bare connection")


def sqlite3_cli(path: Path, first_page: Statement, result: SizeResult, *, reps: int) -> None:
    """The same SQL, parameters inlined, in the sqlite3 shell: (time of N runs − time of 1) / (N − 1)."""
    cli = shutil.which("sqlite3")
    if cli is None:
        result.skip(("sqlite3_cli_first_page_ms",), "sqlite3 command-line shell not installed")
        return
    statement = first_page.literal().strip() + ";\n"

    def run(n: int) -> float:
        script = ".output /dev/null\n" + statement * n
        started = time.perf_counter()
        subprocess.run([cli, "-readonly", str(path)], input=script, text=True, capture_output=True, check=True)
        return time.perf_counter() - started

    one = min(run(1) for _ in range(3))
    many = min(run(reps + 1) for _ in range(3))
    result.put("sqlite3_cli_first_page_ms", max(0.0, (many - one) / reps * 1000),
               f"sqlite3 {sqlite3.sqlite_version}-era CLI, {reps} runs in one process, start-up subtracted", reps)


# --- Datasette ---------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, timeout: float = 60) -> tuple[float, bytes]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        body = response.read()
    return (time.perf_counter() - started) * 1000, body


def ensure_datasette() -> Path | None:
    """Datasette in its own venv under /tmp/csbench (never a project dependency); None if it cannot be had."""
    exe = DATASETTE_VENV / "bin" / "datasette"
    if exe.exists():
        return exe
    try:
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True, capture_output=True)
        subprocess.run([str(DATASETTE_VENV / "bin" / "pip"), "install", "-q", "datasette"], check=True,
                       capture_output=True, timeout=600)
    except (subprocess.SubprocessError, OSError):
        return None
    return exe if exe.exists() else None


def datasette(path: Path, first_page: Statement, result: SizeResult, *, reps: int) -> None:
    exe = ensure_datasette()
    if exe is None:
        result.skip(DATASETTE_KEYS, "Datasette could not be installed (pip install datasette into a venv failed)")
        return
    port = _free_port()
    server = subprocess.Popen(
        [str(exe), "serve", str(path), "-h", "127.0.0.1", "-p", str(port), "--setting", "sql_time_limit_ms", "20000"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                _get(f"{base}/-/versions.json", 2)
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError("Datasette did not start") from None
                time.sleep(0.1)
        db = path.stem
        # Datasette's own filtered table page: the console's default view (open, newest first, 100 rows).
        page = f"{base}/{db}/tickets.json?status__in=new,open,pending&_sort_desc=id&_size=100"
        first, body = _get(page)
        rows = len(json.loads(body).get("rows", []))
        result.put("datasette_first_page_ms", first,
                   f"first GET of the filtered table page as JSON ({rows} rows, with its count and facet "
                   "suggestions, as Datasette serves it by default)", 1)
        warm = [_get(page)[0] for _ in range(reps)]
        result.put("datasette_warm_page_ms", median(warm), f"median of {reps} more GETs of the same page", reps)
        query = urllib.parse.urlencode({"sql": first_page.sql, "_shape": "array",
                                        **{k: str(v) for k, v in first_page.params.items()}})
        sql_url = f"{base}/{db}.json?{query}"
        _get(sql_url)
        sql_times = [_get(sql_url)[0] for _ in range(reps)]
        result.put("datasette_sql_ms", median(sql_times), f"our exact SQL via ?sql=, median of {reps} GETs", reps)
    except (RuntimeError, OSError, ValueError) as error:
        result.skip(DATASETTE_KEYS, f"Datasette failed: {error}")
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


# --- DB Browser for SQLite ------------------------------------------------------------------------------
def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def dbbrowser(path: Path, result: SizeResult) -> None:
    """Best of two attempts: DB Browser's window now and then never maps on this shared machine."""
    for _ in range(2):
        for key in DBBROWSER_KEYS:
            result.figures.pop(key, None)
        _dbbrowser_once(path, result)
        if result.value("dbbrowser_first_rows_ms") is not None:
            return


def _dbbrowser_once(path: Path, result: SizeResult) -> None:
    """Launch ``sqlitebrowser -R -t tickets`` under Xvfb; time the window's appearance with xdotool, and
    its first painted rows as the first screenshot after which the screen stays unchanged (best effort:
    screenshots every ~50-150 ms, so the figure is coarse)."""
    tools = {name: shutil.which(name) for name in ("sqlitebrowser", "Xvfb", "xdotool")}
    grab = "/usr/bin/import" if Path("/usr/bin/import").exists() else None
    missing = [name for name, found in tools.items() if not found] + ([] if grab else ["import (imagemagick)"])
    if missing:
        result.skip(DBBROWSER_KEYS, f"not installed: {', '.join(missing)} "
                    "(apt-get install sqlitebrowser xvfb xdotool imagemagick)")
        return
    # -displayfd: Xvfb picks a free display and tells us which (others on this machine run Xvfb too).
    xvfb = subprocess.Popen([tools["Xvfb"], "-displayfd", "1", "-screen", "0", "1440x900x24", "-nolisten", "tcp"],  # type: ignore[list-item]
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    display = f":{(xvfb.stdout.readline() if xvfb.stdout else '').strip()}"
    home = Path(tempfile.mkdtemp(prefix="dbb-home-", dir=ROOT))
    env = {**os.environ, "DISPLAY": display, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "QT_QPA_PLATFORM": "xcb"}
    app: subprocess.Popen[bytes] | None = None
    try:
        started = time.perf_counter()
        app = subprocess.Popen([tools["sqlitebrowser"], "-R", "-t", "tickets", str(path)], env=env,  # type: ignore[list-item]
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        window_ms = None
        while time.perf_counter() - started < 60:
            found = subprocess.run([tools["xdotool"], "search", "--onlyvisible", "--name", "DB Browser"],  # type: ignore[list-item]
                                   env=env, capture_output=True, text=True, check=False)
            if found.stdout.strip():
                window_ms = (time.perf_counter() - started) * 1000
                break
            time.sleep(0.02)
        if window_ms is None:
            state = "still running" if app.poll() is None else f"exited with {app.returncode}"
            result.skip(DBBROWSER_KEYS, f"DB Browser's window did not appear within 60 s ({state})")
            return
        result.put("dbbrowser_window_ms", window_ms, "from launch to its window mapped (xdotool search)", 1)
        shots: list[tuple[float, bytes]] = []
        while time.perf_counter() - started < 90:
            shot = subprocess.run([grab, "-display", display, "-window", "root", "rgb:-"], env=env,  # type: ignore[list-item]
                                  capture_output=True, check=False).stdout
            shots.append(((time.perf_counter() - started) * 1000, shot))
            if len(shots) >= 8 and all(s == shot for _, s in shots[-6:]):
                break
        # The first of the final run of identical screens: when the table had finished painting.
        final = shots[-1][1]
        first_stable = next(ms for ms, s in shots if s == final)
        result.put("dbbrowser_first_rows_ms", first_stable,
                   f"best effort: first of {len(shots)} screenshots equal to the settled screen "
                   "(launch to then; screenshot interval adds up to ~150 ms)", 1)
        rss = _rss_mb(app.pid)
        if rss is not None:
            result.put("dbbrowser_rss_mb", rss, "VmRSS once the table settled", 1)
    finally:
        if app is not None:
            app.terminate()
            try:
                app.wait(10)
            except subprocess.TimeoutExpired:
                app.kill()
        xvfb.terminate()
        xvfb.wait(10)
        shutil.rmtree(home, ignore_errors=True)
