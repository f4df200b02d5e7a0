"""zot: a terminal coding agent whose extensions are data."""

__version__ = "0.1.0"
