"""The budget benchmark of DESIGN §7 (``python benchmarks/run.py``); not part of the product."""
