"""The one way to reach ``resources/`` (icons, the user guide), wherever csconsole runs from.

- PyInstaller bundle: ``packaging/csconsole.spec`` copies the folder to ``sys._MEIPASS/resources``;
- source checkout or editable install: the ``resources/`` folder beside the ``csconsole`` package;
- wheel: pyproject's ``data-files`` install it as ``<prefix>/share/csconsole`` (and the desktop file,
  AppStream metainfo and hicolor icons where Linux desktops look for them).

No Qt here: the GUI turns these paths into a QIcon (``icon_files``); the CLI and tests use paths.
"""

from __future__ import annotations

import site
import sys
import sysconfig
from pathlib import Path

APP_ID = "io.github.csconsole"
ICON_NAME = "csconsole"
ICON_SIZES = (16, 32, 48, 64, 128, 256)
_MARKER = Path("icons") / f"{ICON_NAME}.svg"


def candidates() -> list[Path]:
    """Where the resources may be, most specific first."""
    found: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        found.append(Path(bundle) / "resources")
    found.append(Path(__file__).resolve().parent.parent / "resources")
    for base in (sysconfig.get_path("data"), getattr(site, "USER_BASE", None), sys.prefix):
        if base:
            found.append(Path(base) / "share" / "csconsole")
    return list(dict.fromkeys(found))


def root() -> Path:
    """The resources folder; FileNotFoundError naming every place looked at when there is none."""
    places = candidates()
    for place in places:
        if (place / _MARKER).is_file():
            return place
    raise FileNotFoundError("csconsole's resources are missing; looked in " + ", ".join(map(str, places)))


def path(*parts: str) -> Path:
    """A file under resources/, e.g. ``path("icons", "csconsole.svg")``."""
    return root().joinpath(*parts)


def icon_svg() -> Path:
    return path("icons", f"{ICON_NAME}.svg")


def icon_png(size: int) -> Path:
    if size not in ICON_SIZES:
        raise ValueError(f"no {size}px icon; sizes are {', '.join(map(str, ICON_SIZES))}")
    return path("icons", "hicolor", f"{size}x{size}", "apps", f"{ICON_NAME}.png")


def guide() -> Path:
    """The user guide (Markdown), shown by Help > User guide."""
    return path("guide", "guide.md")


def icon_files() -> dict[int, Path]:
    """Size → PNG, for ``QIcon.addFile`` (0 stands for the scalable SVG)."""
    files = {size: icon_png(size) for size in ICON_SIZES}
    return {0: icon_svg(), **files}
