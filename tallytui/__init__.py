"""tallytui: time tracking with invoicing built in."""

__version__ = "0.1.0"
