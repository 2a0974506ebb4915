"""Charts (pyqtgraph, imported lazily so the console starts without it)."""
