"""Helpers for the TUI tests: a demo project per test and reading what a screen shows."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.widgets import Static

from screener.demo import make_demo
from screener.tui.app import ScreenerApp


def demo_copy(tmp_path: Path) -> Path:
    path, _ = make_demo(tmp_path / "demo")
    return path


def make_app(path: Path, reviewer: str = "alice", **options: object) -> ScreenerApp:
    return ScreenerApp(path, reviewer, cursor_blink=False, **options)  # type: ignore[arg-type]


def plain(content: object) -> str:
    """Text, or any Rich renderable (tables, groups) rendered as plain text."""
    if isinstance(content, Text):
        return content.plain
    if isinstance(content, str):
        return content
    console = Console(file=io.StringIO(), width=100, color_system=None)
    console.print(content)
    return console.file.getvalue()  # type: ignore[attr-defined]


def shown(app: App[None], selector: str) -> str:
    """The plain text of a Static on the current screen."""
    return plain(app.screen.query_one(selector, Static).content)


def all_text(app: App[None]) -> str:
    """Every Static's plain text on the current screen, for checks of what is visible."""
    parts = []
    for widget in app.screen.query(Static):
        parts.append(plain(widget.content))
    return "\n".join(parts)
