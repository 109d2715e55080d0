"""The sync file: one JSON object per line, a header first, then one reviewer's events; the
shape of every line is checked here (what each kind's fields must be), its meaning in
:mod:`screener.sync.checks`."""

from __future__ import annotations

import json
import os
import re
import stat
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from screener.errors import ImportFormatError, ScreenerError
from screener.models import RetrievalStatus, Stage, Verdict

FORMAT = "screener-sync"
VERSION = 1

# kind -> the store's table, and the column naming whose event it is
TABLES = {
    "decision": "decisions",
    "resolution": "resolutions",
    "tag_resolution": "tag_resolutions",
    "retrieval": "retrievals",
    "vocabulary_term": "vocabulary_terms",
    "extraction": "extractions",
}
ACTOR = {
    "decision": "reviewer",
    "resolution": "resolver",
    "tag_resolution": "resolver",
    "retrieval": "reviewer",
    "vocabulary_term": "reviewer",
    "extraction": "reviewer",
}

Check = Callable[[Any], str | None]  # a field's value -> what is wrong with it, or None
_UID = re.compile(r"^[0-9a-f]{32}$")


def shown(value: Any, limit: int = 60) -> str:
    """A value for a message: its repr, cut short (a line may hold megabytes)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _name(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty string"


def _uid(value: Any) -> str | None:
    ok = isinstance(value, str) and _UID.match(value)
    return None if ok else "must be 32 hexadecimal digits (as screener writes it)"


def _integer(value: Any) -> str | None:
    return None if type(value) is int else "must be an integer"


def _choice(values: Iterable[str]) -> Check:
    allowed = tuple(values)

    def check(value: Any) -> str | None:
        if isinstance(value, str) and value in allowed:
            return None
        return f"is {shown(value)}, not one of {', '.join(allowed)}"

    return check


def _strings(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return None
    return "must be a list of strings"


def _tags(value: Any) -> str | None:
    if isinstance(value, dict) and all(
        isinstance(k, str) and _strings(v) is None for k, v in value.items()
    ):
        return None
    return "must be an object of lists of strings (vocabulary -> terms)"


def _json_text(value: Any) -> str | None:
    """An extracted value: JSON text, kept as text in the file as in the store."""
    if not isinstance(value, str):
        return "must be JSON text (an extracted value)"
    try:
        json.loads(value)
    except (ValueError, RecursionError):
        return "must be JSON text (an extracted value)"
    return None


def _time(value: Any) -> str | None:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        return f"is {shown(value)}, not an ISO 8601 time with a UTC offset"
    return None


def _record(value: Any) -> str | None:
    if (
        isinstance(value, dict)
        and set(value) == {"source_sha256", "position"}
        and isinstance(value["source_sha256"], str)
        and type(value["position"]) is int
    ):
        return None
    return 'must be {"source_sha256": "<hex>", "position": <int>}'


_COMMON: dict[str, Check] = {"kind": _text, "uid": _uid, "created_at": _time}
_DECISION_VERDICTS = (Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE, Verdict.UNDO)
# Every field of each kind (what the tables' CHECK constraints allow, checked here because
# the store's INSERT OR IGNORE would silently skip a row that breaks one).
FIELDS: dict[str, dict[str, Check]] = {
    "decision": {
        **_COMMON,
        "record": _record,
        "stage": _choice(Stage),
        "reviewer": _name,
        "verdict": _choice(_DECISION_VERDICTS),
        "reasons": _strings,
        "tags": _tags,
        "note": _text,
    },
    "resolution": {
        **_COMMON,
        "record": _record,
        "stage": _choice(Stage),
        "resolver": _name,
        "verdict": _choice((Verdict.INCLUDE, Verdict.EXCLUDE)),
        "reasons": _strings,
        "note": _text,
    },
    "tag_resolution": {
        **_COMMON,
        "record": _record,
        "stage": _choice(Stage),
        "resolver": _name,
        "tags": _tags,
        "note": _text,
    },
    "retrieval": {
        **_COMMON,
        "record": _record,
        "status": _choice(RetrievalStatus),
        "reason": _text,
        "pdf_path": _text,
        "reviewer": _name,
    },
    "vocabulary_term": {**_COMMON, "vocabulary": _name, "term": _name, "reviewer": _name},
    "extraction": {
        **_COMMON,
        "record": _record,
        "field": _name,
        "value": _json_text,
        "value_kind": _choice(("value", "consensus")),
        "reviewer": _name,
    },
}
HEADER_FIELDS: dict[str, Check] = {
    "kind": _text,
    "format": _text,
    "version": _integer,
    "reviewer": _name,
    "project_title": _text,
    "exported_at": _time,
}


@dataclass(frozen=True, slots=True)
class At:
    """A line of a sync file, for error messages."""

    file: str
    line: int

    def error(self, problem: str) -> ImportFormatError:
        return ImportFormatError(problem, line=self.line, file=self.file)


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    event: dict[str, Any]


def write_jsonl(path: Path, events: Iterable[dict[str, Any]]) -> int:
    """Write one JSON object per line (UTF-8, sorted keys, ``\\n`` line ends) to a temporary
    file beside ``path``, then rename it: ``path`` is either written whole or left as it was.
    Returns how many lines were written."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    count = 0
    try:
        # os.open rather than tempfile: the file gets the usual permissions (umask), not 0600
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with open(fd, "w", encoding="utf-8", newline="\n") as handle:
            for event in events:
                handle.write(json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException as exc:
        temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ScreenerError(f"{target}: cannot write: {exc.strerror or exc}") from None
        raise
    return count


def _contents(path: Path) -> bytes:
    """The bytes of a regular file (a FIFO or a device such as /dev/zero is refused: it
    could block or never end)."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise ScreenerError(f"{name}: cannot read: {exc.strerror or exc}") from None
    with open(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ScreenerError(f"{name}: not a regular file")
        try:
            return handle.read()
        except OSError as exc:
            raise ScreenerError(f"{name}: cannot read: {exc.strerror or exc}") from None


def read_lines(path: Path) -> tuple[dict[str, Any], list[Line]]:
    """The header and the events of a sync file, the shape of every line checked."""
    name = str(path)
    header: dict[str, Any] | None = None
    lines: list[Line] = []
    for number, raw in enumerate(_contents(path).split(b"\n"), start=1):
        where = At(name, number)
        value = _parse(raw, where)
        if value is None:
            continue
        kind = value.get("kind")
        if header is None:
            if kind != "header":
                raise where.error(
                    "the first line must be the header written by `screener sync export`"
                )
            check_fields(value, HEADER_FIELDS, where)
            if value["format"] != FORMAT or value["version"] != VERSION:
                raise where.error(
                    f"format {shown(value['format'])} version {shown(value['version'])}; "
                    f"this screener reads {FORMAT!r} version {VERSION}"
                )
            header = value
            continue
        if not isinstance(kind, str) or kind not in FIELDS:
            raise where.error(f"unknown kind {shown(kind)} (known: {', '.join(FIELDS)})")
        check_fields(value, FIELDS[kind], where)
        lines.append(Line(number, value))
    if header is None:
        raise ScreenerError(f"{name}: empty file; no events to import")
    return header, lines


def _parse(raw: bytes, where: At) -> dict[str, Any] | None:
    """One line as a JSON object (None for a blank line)."""
    try:
        text = raw.decode("utf-8").removesuffix("\r")
    except UnicodeDecodeError as exc:
        raise where.error(f"not UTF-8 ({exc.reason})") from None
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise where.error(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise where.error("not a sync line: JSON nested too deeply") from None
    if not isinstance(value, dict):
        raise where.error("each line must be a JSON object")
    return value


def check_fields(value: dict[str, Any], fields: dict[str, Check], where: At) -> None:
    kind = value.get("kind")
    missing = [f for f in fields if f not in value]
    if missing:
        raise where.error(f"{kind} without {', '.join(map(repr, missing))}")
    extra = sorted(set(value) - set(fields))
    if extra:
        raise where.error(f"{kind} with unknown field(s) {shown(', '.join(extra))}")
    for name, check in fields.items():
        problem = check(value[name])
        if problem:
            raise where.error(f"{kind} field {name!r} {problem}")
