"""csconsole — the floor supervisor's console against ping-pong and lost customers."""

__version__ = "0.1.0"
