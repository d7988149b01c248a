"""netmap: map how the colleagues of a multi-academy trust actually connect."""

__version__ = "0.1.0"
