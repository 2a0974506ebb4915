"""Service recovery in the console: the Recovery view, the checklist dialog, evaluations, the policy register."""

from csconsole.ui.immortal import make_singletons_immortal

make_singletons_immortal()  # PySide6 6.12 on Python 3.11 leaks references to None/True (see immortal.py)
