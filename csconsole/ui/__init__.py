"""The console's Qt layer: widgets, models and the one path by which writes happen."""

from csconsole.ui.immortal import make_singletons_immortal

# PySide6 6.12 on Python 3.11 drops references to None (each None a model's data() hands to C++,
# thousands per paint) and to True (each signal emit); the process aborts once they run out.
# Done here, once, so that every part of the console is covered before its first widget.
make_singletons_immortal()
