"""The SQLite engine: opening the file (pragmas, WAL, quick_check, the network-share warning), SQLite's
error messages, change detection by ``data_version``, the planner hints, and the bulk loader.

Everything here is SQLite's alone; the query modules of ``csconsole.store`` speak portable SQL.
"""
