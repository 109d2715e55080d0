"""Screener: a keyboard-first terminal tool for systematic reviews."""

from __future__ import annotations

__version__ = "0.1.0"
