"""Icons, desktop file and AppStream metainfo: found through csconsole.resources, well-formed, consistent."""

from __future__ import annotations

import configparser
import shutil
import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from csconsole import __version__, resources

ROOT = Path(__file__).resolve().parent.parent
DESKTOP = ROOT / "packaging" / "csconsole.desktop"
METAINFO = ROOT / "packaging" / f"{resources.APP_ID}.metainfo.xml"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def png_size(file: Path) -> tuple[int, int]:
    head = file.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", f"{file} is not a PNG"
    return struct.unpack(">II", head[16:24])


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(DESKTOP.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def test_the_icon_is_found_in_the_source_tree() -> None:
    assert resources.root() == ROOT / "resources"
    svg = ET.parse(resources.icon_svg()).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox") == "0 0 256 256"
    for size in resources.ICON_SIZES:
        assert png_size(resources.icon_png(size)) == (size, size)
    assert set(resources.icon_files()) == {0, *resources.ICON_SIZES}
    with pytest.raises(ValueError, match="no 20px icon"):
        resources.icon_png(20)


def test_a_bundle_is_looked_in_first_and_a_missing_folder_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    (tmp_path / "resources" / "icons" / "csconsole.svg").write_text("<svg/>")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.root() == tmp_path / "resources"
    monkeypatch.setattr(resources, "candidates", lambda: [tmp_path / "nowhere"])
    with pytest.raises(FileNotFoundError, match=r"looked in .*nowhere"):
        resources.root()


def test_the_desktop_file_names_the_icon_and_the_command() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Icon"] == resources.ICON_NAME
    command = next(iter(PYPROJECT["project"]["scripts"]))
    assert entry["Exec"].split()[0] == command == entry["TryExec"]
    assert entry["Categories"].endswith(";") and entry["Keywords"].endswith(";")
    validator = shutil.which("desktop-file-validate")
    if validator:
        done = subprocess.run([validator, str(DESKTOP)], capture_output=True, text=True)
        assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_the_metainfo_matches_the_app_id_desktop_file_icon_and_version() -> None:
    component = ET.parse(METAINFO).getroot()
    assert component.tag == "component" and component.get("type") == "desktop-application"
    assert component.findtext("id") == resources.APP_ID
    assert component.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert component.findtext("icon") == resources.ICON_NAME
    assert component.findtext("provides/binary") == desktop_entry()["TryExec"]
    assert component.find("releases/release").get("version") == __version__  # type: ignore[union-attr]
    assert component.findtext("name") == desktop_entry()["Name"]
    validator = shutil.which("appstreamcli")
    if validator:
        done = subprocess.run([validator, "validate", "--no-net", str(METAINFO)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_wheel_ships_every_resource_where_resources_py_looks() -> None:
    data_files: dict[str, list[str]] = PYPROJECT["tool"]["setuptools"]["data-files"]
    shipped = {f"{target}/{Path(source).name}": ROOT / source
               for target, sources in data_files.items() for source in sources}
    for source in shipped.values():
        assert source.is_file(), f"pyproject data-files names {source}, which does not exist"
    # Everything under resources/ lands under share/csconsole, with the same relative path.
    for file in (ROOT / "resources").rglob("*"):
        if file.is_file():
            relative = file.relative_to(ROOT / "resources").as_posix()
            assert shipped.get(f"share/csconsole/{relative}") == file, f"{relative} is not in the wheel"
    assert shipped[f"share/applications/{DESKTOP.name}"] == DESKTOP
    assert shipped[f"share/metainfo/{METAINFO.name}"] == METAINFO
