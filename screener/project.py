"""A review project: a folder holding protocol.toml and screener.db."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from screener import protocol as protocol_module
from screener.errors import ScreenerError
from screener.protocol import Protocol
from screener.store import Store

PROTOCOL_FILE = "protocol.toml"
DATABASE_FILE = "screener.db"


@dataclass(frozen=True, slots=True)
class Project:
    """An open project; close it (or use ``with``) to release the database."""

    path: Path
    protocol: Protocol
    store: Store

    @property
    def name(self) -> str:
        return self.path.resolve().name

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def init_project(path: Path, title: str | None = None) -> Path:
    """Create a project folder with a commented protocol template and an empty database."""
    if (path / PROTOCOL_FILE).exists() or (path / DATABASE_FILE).exists():
        raise ScreenerError(f"{path}: already a screener project; nothing changed")
    if path.exists() and not path.is_dir():
        raise ScreenerError(f"{path}: exists and is not a folder")
    path.mkdir(parents=True, exist_ok=True)
    text = protocol_module.template(title or path.resolve().name)
    (path / PROTOCOL_FILE).write_text(text, encoding="utf-8")
    Store(path / DATABASE_FILE).close()
    return path


def open_project(path: Path) -> Project:
    """Validate the protocol and open (creating or upgrading) the database."""
    if not path.is_dir():
        raise ScreenerError(f"{path}: no such project folder (create one with `screener init`)")
    if not (path / PROTOCOL_FILE).exists():
        raise ScreenerError(
            f"{path}: not a screener project (no {PROTOCOL_FILE}; create one with `screener init`)"
        )
    protocol = protocol_module.load(path / PROTOCOL_FILE)
    return Project(path=path, protocol=protocol, store=Store(path / DATABASE_FILE))
