"""Checking the parsed TOML of protocol.toml: every problem collected with its key path."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


def did_you_mean(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


class Checker:
    """Collects every problem with its key path instead of stopping at the first one."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{key}: {message}")

    def known(self, data: dict[str, Any], allowed: Iterable[str], path: str) -> None:
        """Every key of a section that is not one of ``allowed`` (a typo would otherwise
        be ignored silently), with the closest known key."""
        names = set(allowed)
        if data.keys() <= names:
            return
        listed = ", ".join(sorted(names))
        for key in sorted(set(data) - names):
            where = f"{path}.{key}" if path else key
            hint = did_you_mean(key, names)
            self.problem(where, f"unknown setting{hint} (known: {listed})")

    def string(self, data: dict[str, Any], key: str, path: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(path, "missing")
            return ""
        if not isinstance(value, str):
            self.problem(path, f"must be text, not {type(value).__name__}")
            return ""
        if required and not value.strip():
            self.problem(path, "must not be empty")
        return value.strip()

    def boolean(self, data: dict[str, Any], key: str, path: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(path, "must be true or false")
            return default
        return value

    def strings(
        self, data: dict[str, Any], key: str, path: str, unique: bool = False
    ) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problem(path, "must be a list of text items")
            return ()
        items: list[str] = []
        seen: set[str] = set()
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.problem(f"{path}[{i}]", "must be non-empty text")
                continue
            folded = item.strip().casefold()
            if unique and folded in seen:
                self.problem(f"{path}[{i}]", f"duplicate {item.strip()!r}")
                continue
            seen.add(folded)
            items.append(item.strip())
        return tuple(items)

    def table(self, data: dict[str, Any], key: str, path: str) -> dict[str, Any]:
        value = data.get(key)
        if value is None:
            self.problem(path, "missing section")
            return {}
        if not isinstance(value, dict):
            self.problem(path, "must be a section (table)")
            return {}
        return value
