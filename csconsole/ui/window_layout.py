"""How the console window is laid out, and how it remembers its layout: panels, menus, toolbar, status bar.

``WindowLayout`` builds the widgets into the window it is given and keeps them; the window owns it and
hands each controller only the widgets that controller drives.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csconsole.settings import Prefs, Settings
from csconsole.ui import colours
from csconsole.ui.actions import MENUS, SEPARATE_BEFORE, SPECS, ActionId, Actions
from csconsole.ui.models.queues import QueueColumn, QueuesModel
from csconsole.ui.models.ticket_table import Column, TicketTableModel
from csconsole.ui.widgets.detail import DetailPane
from csconsole.ui.widgets.filter_bar import FilterBar

TOOLBAR = (ActionId.NEW_TICKET, ActionId.TAKE, ActionId.REASSIGN, ActionId.TRANSFER, ActionId.REPLY, ActionId.NOTE,
           ActionId.CONTACT, ActionId.ESCALATE, ActionId.RESOLVE, ActionId.CLOSE, ActionId.REFRESH)


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
            "Read-only: this store is open for viewing and audit. Nothing you do here changes it."))
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
        self.queues_view.setShowGrid(False)
        self.queues_view.setAlternatingRowColors(True)
        header = self.queues_view.horizontalHeader()
        header.setSectionResizeMode(QueueColumn.NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(30)
        for column, width in ((QueueColumn.DEPTH, 46), (QueueColumn.OLDEST, 62), (QueueColumn.AT_RISK, 40),
                              (QueueColumn.BREACHED, 40)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, width)
        self.queues_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.queues_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

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
        widths = {Column.REF: 100, Column.SUBJECT: 170, Column.CUSTOMER: 140, Column.QUEUE: 86, Column.OWNER: 104,
                  Column.STATUS: 60, Column.PRIORITY: 62, Column.AGE: 66, Column.SLA: 98, Column.BOUNCES: 64,
                  Column.PINGPONG: 40, Column.CONTACTS: 70}
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        # What a supervisor scans for comes first; status and priority may scroll off on a small screen.
        for visual, column in enumerate((Column.REF, Column.SUBJECT, Column.CUSTOMER, Column.QUEUE, Column.OWNER,
                                         Column.SLA, Column.BOUNCES, Column.PINGPONG, Column.CONTACTS, Column.AGE,
                                         Column.PRIORITY, Column.STATUS)):
            head.moveSection(head.visualIndex(column), visual)
        head.setSortIndicator(Column.REF, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        head.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        head.customContextMenuRequested.connect(self._column_menu)

        self.filter_bar = FilterBar(self.actions)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addWidget(self.filter_bar)
        centre_layout.addWidget(self.table)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.queues_view)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.queues_view.setMinimumWidth(250)
        self.detail.setMinimumWidth(300)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.server_banner)
        layout.addWidget(self.splitter, 1)
        window.setCentralWidget(body)

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
        for label in (self.who_label, self.counts_label, self.refreshed_label):
            window.statusBar().addPermanentWidget(label)

    def _style_banner(self) -> None:
        self.banner.setStyleSheet(
            f"QLabel#read_only_banner {{ background: {colours.tint(colours.AMBER, 0.35).name()}; "
            f"border-bottom: 1px solid {colours.AMBER}; font-weight: 600; }}")
        self.server_banner.setStyleSheet(
            f"QLabel#server_banner {{ background: {colours.tint(colours.RED, 0.3).name()}; "
            f"border-bottom: 1px solid {colours.RED}; font-weight: 600; }}")

    def palette_changed(self) -> None:
        self._style_banner()
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
        toolbar.addSeparator()
        toolbar.addAction(self.actions[ActionId.UNDO])
        toolbar.addAction(self.actions[ActionId.REDO])
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.filter_bar.search)
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
        """Geometry, docks, splitter and header as the user left them; True when the splitter had sizes."""
        window, settings = self._window, self._settings
        geometry = settings.get(Prefs.GEOMETRY)
        if not geometry.isEmpty():
            window.restoreGeometry(geometry)
        else:
            window.resize(1440, 860)
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
        width = self.splitter.width()
        self.splitter.setSizes([290, max(400, width - 290 - 350), 350])

    def save(self) -> None:
        window, settings = self._window, self._settings
        settings.set(Prefs.GEOMETRY, window.saveGeometry())
        settings.set(Prefs.WINDOW_STATE, window.saveState())
        settings.set(Prefs.SPLITTER, self.splitter.saveState())
        settings.set(Prefs.HEADER, self.table.horizontalHeader().saveState())
        settings.sync()
