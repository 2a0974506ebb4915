"""How the console window is laid out, and how it remembers its layout: panels, menus, toolbar, status bar.

``WindowLayout`` builds the widgets into the window it is given and keeps them; the window owns it and
hands each controller only the widgets that controller drives.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSplitter,
    QStyle,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from csconsole.settings import Prefs, Settings
from csconsole.ui import colours
from csconsole.ui.actions import MENUS, SEPARATE_BEFORE, SPECS, ActionId, Actions
from csconsole.ui.models.queues import QueueColumn, QueuesModel
from csconsole.ui.models.ticket_table import SORT_KEYS, Column, TicketTableModel
from csconsole.ui.widgets.detail import DetailPane
from csconsole.ui.widgets.filter_bar import FilterBar

TOOLBAR = (ActionId.NEW_TICKET, ActionId.TAKE, ActionId.REASSIGN, ActionId.TRANSFER, ActionId.REPLY, ActionId.NOTE,
           ActionId.CONTACT, ActionId.ESCALATE, ActionId.RESOLVE, ActionId.CLOSE, ActionId.REFRESH)
# What a supervisor scans for first: who has it and how often it bounced, then the clock.
COLUMN_ORDER = (Column.REF, Column.SUBJECT, Column.CUSTOMER, Column.QUEUE, Column.OWNER, Column.BOUNCES,
                Column.PINGPONG, Column.CONTACTS, Column.SLA, Column.AGE, Column.PRIORITY, Column.STATUS)
# The widest text a column usually holds (the demo's and real floors' alike); longer ones elide.
SAMPLES = {Column.REF: "T-0000000", Column.CUSTOMER: "Quinn Kowalski", Column.QUEUE: "Escalations",
           Column.OWNER: "Quinn Kowalski", Column.SLA: "23h 59m late", Column.BOUNCES: "99",
           Column.PINGPONG: "⇄99", Column.CONTACTS: "99", Column.AGE: "59d 23h", Column.PRIORITY: "normal",
           Column.STATUS: "pending", Column.SUBJECT: "Charged twice"}  # the subject takes the room left
HEADERS = {Column.REF: "Ref", Column.SUBJECT: "Subject", Column.CUSTOMER: "Customer", Column.QUEUE: "Queue",
           Column.OWNER: "Owner", Column.STATUS: "Status", Column.PRIORITY: "Priority", Column.AGE: "Age",
           Column.SLA: "SLA", Column.BOUNCES: "Bounces", Column.PINGPONG: "⇄", Column.CONTACTS: "Contacts"}
ICON_ROOM = 22  # a row's attention badge (Ref) or loyal star (Customer): 16 px and its spacing
BAR_ROOM = 26  # the SLA bar before a queue's name
DETAIL_MIN, CENTRE_MIN = 280, 420


def arrow_room(style: QStyle) -> int:
    """What the sort arrow takes in a header section."""
    return style.pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize) + 4 * style.pixelMetric(
        QStyle.PixelMetric.PM_HeaderMargin)


def column_widths(metrics: QFontMetrics) -> dict[Column, int]:
    """Each column as wide as its usual content or its header; the sorted one gets the arrow's room on top
    (``WindowLayout.make_room_for_arrow``), so the arrow never sits on "Bounces"."""
    widths = {}
    for column, sample in SAMPLES.items():
        content = metrics.horizontalAdvance(sample) + 12 + (ICON_ROOM if column in (Column.REF, Column.CUSTOMER) else 0)
        widths[column] = max(content, metrics.horizontalAdvance(HEADERS[column]) + 16)
    return widths


def queue_widths(metrics: QFontMetrics) -> dict[QueueColumn, int]:
    """The queues panel's figures: as wide as "9,999" or "59d 23h" or their header, no wider."""
    wide = {QueueColumn.DEPTH: "9,999", QueueColumn.OLDEST: "59d 23h", QueueColumn.AT_RISK: "999",
            QueueColumn.BREACHED: "999"}
    heads = {QueueColumn.DEPTH: "Open", QueueColumn.OLDEST: "Oldest", QueueColumn.AT_RISK: "Risk",
             QueueColumn.BREACHED: "Late"}
    return {c: max(metrics.horizontalAdvance(wide[c]), metrics.horizontalAdvance(heads[c])) + 12 for c in wide}


class WindowLayout:
    """The window's widgets: queues | filter bar over the ticket table | detail, menus, toolbar, status bar."""

    def __init__(self, window: QMainWindow, actions: Actions, settings: Settings, queues_model: QueuesModel,
                 table_model: TicketTableModel, read_only: bool) -> None:
        self._window, self._settings = window, settings
        self.actions, self.queues_model, self.table_model = actions, queues_model, table_model
        self.detail = DetailPane()
        self._build_views(window, read_only)
        self._build_menus(window)

    def tr(self, text: str) -> str:
        return self._window.tr(text)

    # --- building ----------------------------------------------------------------------------
    def _build_views(self, window: QMainWindow, read_only: bool) -> None:
        self.banner = QLabel(self.tr(
            "Read-only audit: this store is open for viewing. Nothing you do here changes it."))
        self.banner.setObjectName("read_only_banner")
        self.banner.setAccessibleName(self.tr("Read-only mode"))
        self.banner.setWordWrap(True)
        self.banner.setMargin(6)
        self.banner.setVisible(read_only)
        # A store on a server that went away: said until it answers again (the runner reconnects by itself).
        self.server_banner = QLabel(objectName="server_banner")
        self.server_banner.setAccessibleName(self.tr("Connection to the server"))
        self.server_banner.setWordWrap(True)
        self.server_banner.setMargin(6)
        self.server_banner.hide()
        self._style_banner()

        self.queues_view = QTableView()
        self.queues_view.setObjectName("queues_view")
        self.queues_view.setAccessibleName(self.tr("Queues"))
        self.queues_view.setModel(self.queues_model)
        self.queues_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queues_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queues_view.verticalHeader().hide()
        self.queues_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.queues_view.verticalHeader().setDefaultSectionSize(window.fontMetrics().height() + 8)
        self.queues_view.setShowGrid(False)
        self.queues_view.setAlternatingRowColors(True)
        self.queues_view.setWordWrap(False)
        self.queues_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.queues_view.horizontalHeader()
        header.setSectionResizeMode(QueueColumn.NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(24)
        for queue_column, width in queue_widths(window.fontMetrics()).items():
            header.setSectionResizeMode(queue_column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(queue_column, width)
        self.queues_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.queues_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.queues_legend = QLabel(objectName="queues_legend")
        self.queues_legend.setWordWrap(True)
        self.queues_legend.setMargin(4)
        self.queues_legend.setAccessibleName(self.tr("What the queue bars mean"))
        self._write_legend()
        queues_box = QWidget()
        queues_layout = QVBoxLayout(queues_box)
        queues_layout.setContentsMargins(0, 0, 0, 0)
        queues_layout.setSpacing(0)
        queues_layout.addWidget(self.queues_view, 1)
        queues_layout.addWidget(self.queues_legend)

        self.table = QTableView()
        self.table.setObjectName("ticket_table")
        self.table.setAccessibleName(self.tr("Tickets"))
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(False)  # the attention tint must not compete with stripes
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(window.fontMetrics().height() + 8)
        head = self.table.horizontalHeader()
        head.setSectionsMovable(True)
        head.setHighlightSections(False)
        head.setStretchLastSection(False)
        head.setMinimumSectionSize(24)
        self._widths = column_widths(window.fontMetrics())
        for column, width in self._widths.items():
            self.table.setColumnWidth(column, width)
        self._widened: tuple[int, int] | None = None  # the section given the arrow's room, and its width then
        head.sortIndicatorChanged.connect(lambda section, _order: self.make_room_for_arrow(section))
        head.setSectionResizeMode(Column.SUBJECT, QHeaderView.ResizeMode.Stretch)  # takes what the others leave
        # What a supervisor scans for comes first; age, priority and status may scroll off on a small screen
        # (the detail pane says them too).
        for visual, column in enumerate(COLUMN_ORDER):
            head.moveSection(head.visualIndex(column), visual)
        head.setSortIndicator(Column.REF, Qt.SortOrder.DescendingOrder)
        self.make_room_for_arrow(Column.REF)
        self.table.setSortingEnabled(True)
        head.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        head.customContextMenuRequested.connect(self._column_menu)

        self.filter_bar = FilterBar(self.actions)
        centre = QWidget()
        centre.setObjectName("tickets_page")
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addWidget(self.filter_bar)
        centre_layout.addWidget(self.table, 1)
        self.centre_tabs = QTabWidget()
        self.centre_tabs.setObjectName("centre_tabs")
        self.centre_tabs.setDocumentMode(True)
        self.centre_tabs.addTab(centre, self.tr("Tickets"))

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(queues_box)
        self.splitter.addWidget(self.centre_tabs)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setCollapsible(0, False)
        self.splitter.setCollapsible(2, False)
        queues_box.setMinimumWidth(self.queues_width())
        self.detail.setMinimumWidth(DETAIL_MIN)
        self.centre_tabs.setMinimumWidth(CENTRE_MIN)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.server_banner)
        layout.addWidget(self.splitter, 1)
        window.setCentralWidget(body)

        self.mode_label = QLabel(objectName="mode")  # "read-only audit", where it cannot be missed
        self.mode_label.setVisible(read_only)
        self.who_label = QLabel(objectName="who")
        self.counts_label = QLabel(objectName="floor_counts")
        self.refreshed_label = QLabel(objectName="refreshed")
        self.busy = QProgressBar()
        self.busy.setObjectName("busy")
        self.busy.setAccessibleName(self.tr("Working"))
        self.busy.setRange(0, 0)  # indeterminate: a write or a query is running off the GUI thread
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.hide()
        window.statusBar().addPermanentWidget(self.busy)
        for label in (self.mode_label, self.who_label, self.counts_label, self.refreshed_label):
            label.setMinimumWidth(1)  # a long line is cut on a narrow window, never widens it past the screen
            window.statusBar().addPermanentWidget(label)

    def make_room_for_arrow(self, section: int) -> None:
        """The sorted column gets the arrow's room; the one sorted before gives it back, unless the user
        has resized it since."""
        head = self.table.horizontalHeader()
        if self._widened is not None:
            before, width = self._widened
            if before != section and head.sectionSize(before) == width and before != Column.SUBJECT:
                head.resizeSection(before, self._widths[Column(before)])
        self._widened = None
        if not 0 <= section < len(Column) or Column(section) not in SORT_KEYS:
            return
        header_text = self._window.fontMetrics().horizontalAdvance(HEADERS[Column(section)]) + 16
        needed = max(self._widths[Column(section)], header_text + arrow_room(self._window.style()))
        if head.sectionSize(section) < needed:
            head.resizeSection(section, needed)
        self._widened = (section, head.sectionSize(section))

    def queues_width(self) -> int:
        """Room for the longest queue name the demo or a floor is likely to have, its bar and the figures."""
        metrics = self._window.fontMetrics()
        figures = sum(queue_widths(metrics).values())
        return metrics.horizontalAdvance("Escalations") + BAR_ROOM + figures + 12

    def _write_legend(self) -> None:
        pal = self._window.palette()
        on = [pal.color(QPalette.ColorRole.Window)]
        swatch = "<span style='color:{0}'>■</span>&nbsp;{1}"
        self.queues_legend.setText("<small>" + self.tr("Bars: open tickets by SLA state") + "<br>" + " &nbsp;".join(
            swatch.format(colours.readable(QColor(hue), on).name(), escape(text)) for hue, text in
            ((colours.GREEN, self.tr("on time")), (colours.AMBER, self.tr("at risk")),
             (colours.RED, self.tr("breached")))) + "</small>")

    def _style_banner(self) -> None:
        self.banner.setStyleSheet(
            f"QLabel#read_only_banner {{ background: {colours.tint(colours.AMBER, 0.35).name()}; "
            f"border-bottom: 1px solid {colours.AMBER}; font-weight: 600; }}")
        self.server_banner.setStyleSheet(
            f"QLabel#server_banner {{ background: {colours.tint(colours.RED, 0.3).name()}; "
            f"border-bottom: 1px solid {colours.RED}; font-weight: 600; }}")

    def palette_changed(self) -> None:
        self._style_banner()
        self._write_legend()
        self.queues_model.set_stats(self.queues_model.stats())  # repaint with the new inks
        self.table_model.tick()  # row tints and inks are worked out per palette

    def _build_menus(self, window: QMainWindow) -> None:
        menus = {title: window.menuBar().addMenu(self.tr(title)) for title in MENUS}
        for key, action in self.actions.items():
            menu = menus[SPECS[key].menu]
            if key in SEPARATE_BEFORE:
                menu.addSeparator()
            menu.addAction(action)
            window.addAction(action)  # shortcuts work wherever the focus is
        toolbar = window.addToolBar(self.tr("Ticket actions"))
        toolbar.setObjectName("ticket_toolbar")
        toolbar.setMovable(False)
        for key in TOOLBAR:
            toolbar.addAction(self.actions[key])
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)  # the short labels (Spec.short)
        toolbar.addSeparator()
        toolbar.addAction(self.actions[ActionId.UNDO])
        toolbar.addAction(self.actions[ActionId.REDO])
        self.toolbar = toolbar
        for menu in menus.values():
            menu.setToolTipsVisible(True)  # a disabled action says why on hover
        window.setTabOrder(self.queues_view, self.filter_bar.search)
        window.setTabOrder(self.filter_bar.search, self.table)
        window.setTabOrder(self.table, self.detail)

    def _column_menu(self, position: QPoint) -> None:
        """Right-click on the header: show or hide columns (remembered with the rest of the header)."""
        head = self.table.horizontalHeader()
        menu = QMenu(self._window)
        for column in Column:
            name = self.table_model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.AccessibleTextRole) \
                or self.table_model.headerData(column, Qt.Orientation.Horizontal)
            action = menu.addAction(str(name))
            action.setCheckable(True)
            action.setChecked(not head.isSectionHidden(column))
            action.setEnabled(column != Column.REF)  # a row always says which ticket it is
            action.toggled.connect(lambda on, c=column: head.setSectionHidden(c, not on))
        menu.exec(head.mapToGlobal(position))

    # --- layout memory -----------------------------------------------------------------------
    def restore(self) -> bool:
        """Geometry, toolbar, splitter and header as the user left them; True when the splitter had sizes."""
        window, settings = self._window, self._settings
        geometry = settings.get(Prefs.GEOMETRY)
        if not geometry.isEmpty():
            window.restoreGeometry(geometry)
        else:
            screen = window.screen().availableGeometry()  # a first start: most of the screen, whatever its size
            window.resize(min(1440, screen.width()), min(900, screen.height()))
        state = settings.get(Prefs.WINDOW_STATE)
        if not state.isEmpty():
            window.restoreState(state)
        splitter = settings.get(Prefs.SPLITTER)
        if not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        header = settings.get(Prefs.HEADER)
        if not header.isEmpty():
            self.table.horizontalHeader().restoreState(header)
        return not splitter.isEmpty()

    def default_sizes(self) -> None:
        """Queues as wide as their names and figures need, the detail a fifth of the window (at least
        DETAIL_MIN), the table the rest."""
        width = self.splitter.width()
        queues = self.queues_width()
        detail = max(DETAIL_MIN, min(460, width // 5))
        self.splitter.setSizes([queues, max(CENTRE_MIN, width - queues - detail), detail])

    def save(self) -> None:
        window, settings = self._window, self._settings
        settings.set(Prefs.GEOMETRY, window.saveGeometry())
        settings.set(Prefs.WINDOW_STATE, window.saveState())
        settings.set(Prefs.SPLITTER, self.splitter.saveState())
        settings.set(Prefs.HEADER, self.table.horizontalHeader().saveState())
        settings.sync()
