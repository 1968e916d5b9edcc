"""projtui: a council's strategic project portfolio in the terminal."""

__version__ = "0.1.0"
