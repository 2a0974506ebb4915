"""Every text meets WCAG AA contrast (4.5:1) in the light and the dark theme (issue 14, item 4), measured on
the palette roles and colours each text is really drawn with: the table's rows and tints, the queues, the
detail pane's history (its time and author lines above all), the banner, the dashboard's tiles and charts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette

from csconsole.ui import colours, theme
from csconsole.ui.colours import AA, contrast
from csconsole.ui.models.queues import QueueColumn
from csconsole.ui.models.ticket_rows import Column

COLOUR = re.compile(r"color:\s*(#[0-9a-fA-F]{6})")


@pytest.fixture(params=["light", "dark"])
def themed(request: pytest.FixtureRequest, qapp) -> Iterator[str]:
    theme.apply(request.param)
    yield request.param
    theme.apply("system")  # as the other tests found it


def _role(widget, role: QPalette.ColorRole) -> QColor:
    return widget.palette().color(role)


def _inks(html: str) -> list[QColor]:
    return [QColor(c) for c in COLOUR.findall(html)]


def test_the_ticket_rows_read_in_both_themes(themed: str, qtbot, window) -> None:
    model, table = window.table_model, window.table
    text, base = _role(table, QPalette.ColorRole.Text), _role(table, QPalette.ColorRole.Base)
    assert contrast(text, base) >= AA
    tinted = 0
    for row in range(min(model.rowCount(), 100)):
        background = model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) or base
        tinted += background != base
        assert contrast(text, background) >= AA, (themed, row)
        ink = model.index(row, Column.SLA).data(Qt.ItemDataRole.ForegroundRole)
        if ink is not None:
            assert contrast(ink, background) >= AA, (themed, row, ink.name(), background.name())
    assert tinted  # the fixture has rows that need attention: their tints were measured


def test_the_queues_read_in_both_themes(themed: str, qtbot, window) -> None:
    model, view = window.queues_model, window.queues_view
    qtbot.waitUntil(lambda: model.rowCount() > 1, timeout=5000)
    grounds = [_role(view, QPalette.ColorRole.Base), _role(view, QPalette.ColorRole.AlternateBase)]
    measured = 0
    for row in range(model.rowCount()):
        for column in (QueueColumn.AT_RISK, QueueColumn.BREACHED):
            ink = model.index(row, column).data(Qt.ItemDataRole.ForegroundRole)
            if ink is not None:
                measured += 1
                assert all(contrast(ink, ground) >= AA for ground in grounds), (themed, row, ink.name())
    assert measured
    legend = window.window_layout.queues_legend
    assert contrast(_role(legend, QPalette.ColorRole.WindowText), _role(legend, QPalette.ColorRole.Window)) >= AA


def test_the_detail_pane_reads_in_both_themes(themed: str, qtbot, window) -> None:
    """The history's time and author lines were near-black on dark grey: now each colour is measured on the
    pane's own background."""
    pane = window.detail
    ground = _role(pane, QPalette.ColorRole.Window)
    assert pane.viewport().backgroundRole() == QPalette.ColorRole.Window
    for row in range(window.table_model.rowCount()):  # a ticket with a story: a path, warnings, history
        found = window.table_model.row_at(row)
        if found.bounces >= 3 and found.owner:
            window.selection.select_row(row)
            break
    qtbot.waitUntil(lambda: pane.event_count > 3, timeout=5000)
    window.detail_view.redraw()  # drawn in this theme
    assert contrast(_role(pane, QPalette.ColorRole.WindowText), ground) >= AA
    history = _inks(pane.events.text())
    assert len(history) >= pane.event_count  # a muted time-and-author line per event
    for label in (pane.events, pane.header, pane.flags, pane.title, pane.contacts, *pane.path.findChildren(
            type(pane.title))):
        for ink in _inks(label.text()):
            assert contrast(ink, ground) >= AA, (themed, label.objectName(), ink.name(), ground.name())


def test_the_read_only_banner_reads_in_both_themes(themed: str, qtbot, window) -> None:
    banner = window.banner
    window.window_layout.palette_changed()
    background = QColor(re.search(r"background:\s*(#[0-9a-fA-F]{6})", banner.styleSheet()).group(1))  # type: ignore[union-attr]
    assert contrast(_role(banner, QPalette.ColorRole.WindowText), background) >= AA


def test_the_dashboard_follows_the_palette_and_reads(themed: str, qtbot, window) -> None:
    from csconsole.ui.actions import ActionId

    window.registry[ActionId.DASHBOARD_PANEL].setChecked(True)
    view = window.dashboard.view()
    assert view is not None
    with qtbot.waitSignal(view.refreshed, timeout=10_000):
        view.refresh()
    pal = view.palette()
    base, text = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
    assert contrast(text, base) >= AA
    for plot in (view.depth_plot, view.bounce_plot, view.breach_plot, view.repeat_plot, view.cause_plot):
        assert plot.backgroundBrush().color() == base, themed  # no white chart on a dark console
        assert plot.getAxis("left").textPen().color() == text
    ground = pal.color(QPalette.ColorRole.Window)
    for tile in view.tiles.values():
        for ink in _inks(tile.value.styleSheet()):
            assert contrast(ink, ground) >= AA, (themed, tile.objectName(), ink.name())
    for box in (view.depth_box, view.breach_box):
        assert contrast(box.caption.palette().color(QPalette.ColorRole.WindowText), ground) >= AA


def test_readable_keeps_a_hue_until_it_reads() -> None:
    """The one rule every ink above goes through; it can fail: raw amber does not read on white."""
    white, dark = QColor("#ffffff"), QColor("#1e1f22")
    assert contrast(QColor(colours.AMBER), white) < AA
    for hue in (colours.RED, colours.AMBER, colours.GREEN, colours.BLUE, colours.GOLD):
        for ground in (white, dark, colours.tint(hue)):
            assert contrast(colours.readable(QColor(hue), [ground]), ground) >= AA



def test_a_chosen_radio_button_reads_as_chosen_in_both_themes(themed: str, qtbot) -> None:
    """WCAG 1.4.11: the ring of an option stands out from the window (3:1), and the chosen one's dot
    from the ring's inside, drawn as the style really draws them."""
    from PySide6.QtWidgets import QRadioButton, QStyle, QStyleOptionButton

    def indicator(checked: bool) -> tuple[QColor, QColor, QColor]:
        button = QRadioButton("Option")
        qtbot.addWidget(button)
        button.setChecked(checked)
        image = button.grab().toImage()
        option = QStyleOptionButton()
        option.initFrom(button)
        rect = button.style().subElementRect(QStyle.SubElement.SE_RadioButtonIndicator, option, button)
        centre, y = rect.center(), rect.center().y()
        row = [QColor(image.pixel(x, y)) for x in range(rect.left(), centre.x())]
        return QColor(image.pixel(centre)), max(row, key=lambda c: contrast(c, _role(button, QPalette.ColorRole.Window))), \
            _role(button, QPalette.ColorRole.Window)

    dot, _, window = indicator(True)
    empty, ring, _ = indicator(False)  # an option not chosen must still be seen to be one
    assert contrast(ring, window) >= 3.0, (themed, ring.name(), window.name())
    assert contrast(dot, empty) >= 3.0, (themed, dot.name(), empty.name())
