"""Run csconsole from a source checkout: ``python main.py [command] ...``."""

import sys

from csconsole.app import main

if __name__ == "__main__":
    sys.exit(main())
