"""How the console window is laid out, and how it remembers its layout: panels, menus, toolbar, status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QProgressBar,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from csconsole.settings import Prefs
from csconsole.ui.actions import MENUS, SEPARATE_BEFORE, SPECS, A
from csconsole.ui.models.queues import QueueColumn
from csconsole.ui.models.ticket_table import Column
from csconsole.ui.widgets.filter_bar import FilterBar

if TYPE_CHECKING:
    from csconsole.ui.main_window import MainWindow


class WindowLayout:
    """Mixed into MainWindow."""

    # --- building ----------------------------------------------------------------------------
    def _build_views(self: MainWindow) -> None:
        self.banner = QLabel(self.tr(
            "Read-only: this store is open for viewing and audit. Nothing you do here changes it."))
        self.banner.setObjectName("read_only_banner")
        self.banner.setAccessibleName(self.tr("Read-only mode"))
        self.banner.setWordWrap(True)
        self.banner.setMargin(6)
        self.banner.setVisible(self.store.read_only)
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
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
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
        self._sized = False

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(body)

        self.who_label = QLabel()
        self.counts_label = QLabel()
        self.refreshed_label = QLabel()
        self.busy = QProgressBar()
        self.busy.setObjectName("busy")
        self.busy.setAccessibleName(self.tr("Working"))
        self.busy.setRange(0, 0)  # indeterminate: a write or a query is running off the GUI thread
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.statusBar().addPermanentWidget(self.busy)
        for label in (self.who_label, self.counts_label, self.refreshed_label):
            self.statusBar().addPermanentWidget(label)

    def _style_banner(self: MainWindow) -> None:
        from csconsole.ui import look

        self.banner.setStyleSheet(
            f"QLabel#read_only_banner {{ background: {look.tint(look.AMBER, 0.35).name()}; "
            f"border-bottom: 1px solid {look.AMBER}; font-weight: 600; }}")

    def _build_menus(self: MainWindow) -> None:
        menus = {title: self.menuBar().addMenu(self.tr(title)) for title in MENUS}
        for key, action in self.actions.items():
            menu = menus[SPECS[key].menu]
            if key in SEPARATE_BEFORE:
                menu.addSeparator()
            menu.addAction(action)
            self.addAction(action)  # shortcuts work wherever the focus is
        toolbar = self.addToolBar(self.tr("Ticket actions"))
        toolbar.setObjectName("ticket_toolbar")
        toolbar.setMovable(False)
        for key in (A.NEW_TICKET, A.TAKE, A.REASSIGN, A.TRANSFER, A.REPLY, A.NOTE, A.CONTACT, A.ESCALATE,
                    A.RESOLVE, A.CLOSE, A.REFRESH):
            toolbar.addAction(self.actions[key])
        toolbar.addSeparator()
        toolbar.addAction(self.actions[A.UNDO])
        toolbar.addAction(self.actions[A.REDO])
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.filter_bar.search)
        self.setTabOrder(self.queues_view, self.filter_bar.search)
        self.setTabOrder(self.filter_bar.search, self.table)
        self.setTabOrder(self.table, self.detail)
        theme_now = self.settings.get(Prefs.THEME)
        for key, name in ((A.THEME_SYSTEM, "system"), (A.THEME_LIGHT, "light"), (A.THEME_DARK, "dark")):
            self.actions[key].setChecked(theme_now == name)
        self.actions[A.OPEN_ONLY].setChecked(self.settings.get(Prefs.OPEN_ONLY))

    def _column_menu(self: MainWindow, position: QPoint) -> None:
        """Right-click on the header: show or hide columns (remembered with the rest of the header)."""
        head = self.table.horizontalHeader()
        menu = QMenu(self)
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
    def _restore_layout(self: MainWindow) -> None:
        geometry = self.settings.get(Prefs.GEOMETRY)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1440, 860)
        state = self.settings.get(Prefs.WINDOW_STATE)
        if not state.isEmpty():
            self.restoreState(state)
        splitter = self.settings.get(Prefs.SPLITTER)
        if not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        header = self.settings.get(Prefs.HEADER)
        if not header.isEmpty():
            head = self.table.horizontalHeader()
            head.restoreState(header)
            self._sort_changed(head.sortIndicatorSection(), head.sortIndicatorOrder())

    def showEvent(self: MainWindow, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:  # first show: now the splitter knows its width
            self._sized = True
            if self.settings.get(Prefs.SPLITTER).isEmpty():
                QTimer.singleShot(0, self._default_sizes)  # once the layout has given the splitter its width
            if self.table_model.rowCount() and not self.table.selectionModel().hasSelection():
                self.select_row(0)  # the detail pane shows a story from the first second

    def _default_sizes(self: MainWindow) -> None:
        width = self.splitter.width()
        self.splitter.setSizes([290, max(400, width - 290 - 350), 350])

    def save_layout(self: MainWindow) -> None:
        self.settings.set(Prefs.GEOMETRY, self.saveGeometry())
        self.settings.set(Prefs.WINDOW_STATE, self.saveState())
        self.settings.set(Prefs.SPLITTER, self.splitter.saveState())
        self.settings.set(Prefs.HEADER, self.table.horizontalHeader().saveState())
        self.settings.sync()

