"""Tongwen (同文): integrated, cross-script access to national libraries' collections."""

__version__ = "0.1.0"
