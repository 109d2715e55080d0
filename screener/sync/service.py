"""Sync: one reviewer's screening events exported from a copy of a project as JSONL and merged
into another copy, matching records by (source file sha256, position in that file)."""

from __future__ import annotations

import heapq
import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screener.errors import ImportFormatError, ScreenerError
from screener.models import RetrievalStatus, Stage, Verdict
from screener.project import Project
from screener.screening.tags import consensus_problem

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
_JSON_COLUMNS = ("reasons", "tags")  # stored as JSON text, written to the file as JSON values
# A column whose name a line of the file already uses: extractions.kind (value or consensus)
# is "value_kind" in the file, where "kind" says what the line is.
_FILE_NAMES = {"kind": "value_kind"}
_COLUMN_NAMES = {v: k for k, v in _FILE_NAMES.items()}

Check = Callable[[Any], str | None]  # a field's value -> what is wrong with it, or None


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else "must be a string"


def _name(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty string"


def _integer(value: Any) -> str | None:
    return None if type(value) is int else "must be an integer"


def _choice(values: Iterable[str]) -> Check:
    allowed = tuple(values)

    def check(value: Any) -> str | None:
        if isinstance(value, str) and value in allowed:
            return None
        return f"is {value!r}, not one of {', '.join(allowed)}"

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
    try:
        json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return "must be JSON text (an extracted value)"
    return None if isinstance(value, str) else "must be JSON text (an extracted value)"


def _time(value: Any) -> str | None:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        return f"is {value!r}, not an ISO 8601 time with a UTC offset"
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


_COMMON: dict[str, Check] = {"kind": _text, "uid": _name, "created_at": _time}
_DECISION_VERDICTS = (Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.MAYBE, Verdict.UNDO)
_RESOLUTION_VERDICTS = (Verdict.INCLUDE, Verdict.EXCLUDE, Verdict.UNDO)
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
        "verdict": _choice(_RESOLUTION_VERDICTS),
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


# -- export ---------------------------------------------------------------------------------


def export_events(project: Project, reviewer: str) -> list[dict[str, Any]]:
    """A header, then every event of ``reviewer`` in this copy (decisions and retrievals
    they made, conflicts they resolved, vocabulary terms they added) as JSON-ready dicts.

    Events are ordered by ``created_at`` then ``uid``, so the same events always give the
    same lines, with one proviso: events of one kind keep this copy's order (row ids) even
    if a clock was set back between them, because that order is what is in force here and
    :func:`import_events` inserts events in the order of the file.
    """
    name = reviewer.strip()
    if not name:
        raise ScreenerError("a reviewer name is needed: --reviewer NAME or SCREENER_REVIEWER")
    store = project.store
    keys = store.records.keys()
    streams: list[Iterator[dict[str, Any]]] = []
    for kind, table in TABLES.items():
        events = [_event(kind, row, keys) for row in store.events.rows(table, reviewer=name)]
        streams.append(iter(events))  # in row id order: this copy's order of events
    merged = list(heapq.merge(*streams, key=_time_order))
    listed = project.protocol.reviewers
    if not merged and name not in listed:
        others = f", and not a reviewer in protocol.toml ({', '.join(listed)})" if listed else ""
        raise ScreenerError(f"no events of {name!r} in this project{others}")
    header = {
        "kind": "header",
        "format": FORMAT,
        "version": VERSION,
        "reviewer": name,
        "project_title": project.protocol.title,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return [header, *merged]


def _event(kind: str, row: dict[str, Any], keys: dict[int, tuple[str, int]]) -> dict[str, Any]:
    if not row.get("uid"):
        raise ScreenerError(f"{TABLES[kind]} row {row['id']} has no uid and cannot be synced")
    event: dict[str, Any] = {"kind": kind}
    for column, value in row.items():
        if column in ("id", "record_id"):
            continue
        name = _FILE_NAMES.get(column, column)
        event[name] = json.loads(value) if column in _JSON_COLUMNS else value
    if "record_id" in row:
        sha256, position = keys[row["record_id"]]
        event["record"] = {"source_sha256": sha256, "position": position}
    return event


def _time_order(event: dict[str, Any]) -> tuple[datetime, str]:
    return datetime.fromisoformat(event["created_at"]), event["uid"]


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


# -- import ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What an import did: per kind, how many events were added and how many this copy had
    already; and warnings about events whose order may differ from another copy's."""

    file: str
    reviewer: str
    added: dict[str, int]
    present: dict[str, int]
    warnings: list[str] = field(default_factory=list)

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "reviewer": self.reviewer,
            "added": dict(self.added),
            "already_present": dict(self.present),
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, slots=True)
class _At:
    """A line of a sync file, for error messages."""

    file: str
    line: int

    def error(self, problem: str) -> ImportFormatError:
        return ImportFormatError(problem, line=self.line, file=self.file)


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    event: dict[str, Any]


def import_events(project: Project, path: Path) -> SyncReport:
    """Merge a file written by :func:`export_events` into this copy, in one transaction.

    Every line is checked first (JSON, kind, fields and their values, the reviewer, and
    that this copy has the record: the same source file, by sha256, and a record at that
    position); any problem raises an error naming the file and the line, and nothing
    changes. Events keep their uid and ``created_at``; those already here (by uid, or a
    vocabulary term already added by anyone) are skipped, so importing a file again
    changes nothing.

    Order. Which event is in force for a study is decided by row id ("latest event wins",
    :mod:`screener.screening.state`), and imported rows get new ids after this copy's rows. The
    two copies still agree on decisions: the key in force is (study, stage, reviewer), a
    reviewer's events are only ever made in their own copy and exported by them, and the
    file lists them in the order that copy made them (by ``created_at``; see
    :func:`export_events`), which is the order they are inserted here. So within each key
    both copies hold the same events in the same order, whatever else is interleaved.

    That argument needs a key to have one author. Resolutions (per study and stage) and
    retrievals (per study) do not: if two people resolve the same conflict in different
    copies, each copy ends with the other's resolution last, and the copies disagree. So
    can a reviewer's decisions when they screen in two copies. Such keys are reported in
    :attr:`SyncReport.warnings` (here the event in force is not the one made last);
    resolving or marking the study again in one copy and syncing settles it.
    """
    store = project.store
    name = str(path)
    header, lines = _read(path)
    reviewer = header["reviewer"]
    keys = {key: id_ for id_, key in store.records.keys().items()}
    sources = {s.sha256: s.file_name for s in store.records.sources()}
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES.values()}
    existing = {table: {r["uid"]: r for r in store.events.rows(table)} for table in rows}
    terms = {(r["vocabulary"], r["term"]) for r in existing["vocabulary_terms"].values()}
    new_uids: set[str] = set()
    seen: dict[str, int] = {}
    for line in lines:
        event = line.event
        kind = event["kind"]
        where = _At(name, line.number)
        if event[ACTOR[kind]] != reviewer:
            raise where.error(
                f"a {kind} by {event[ACTOR[kind]]!r} in a file of {reviewer!r}'s events"
            )
        uid = event["uid"]
        if uid in seen:
            raise where.error(f"uid {uid} is also on line {seen[uid]}")
        seen[uid] = line.number
        row = _row(event, keys, sources, where)
        table = TABLES[kind]
        old = existing[table].get(uid)
        if old is not None:
            if _stored(old) != row:
                raise where.error(f"event {uid} is already in this project with other content")
            continue
        if kind == "vocabulary_term":
            if (row["vocabulary"], row["term"]) in terms:
                continue  # added here (or earlier in the file) by someone else: present
            terms.add((row["vocabulary"], row["term"]))
        rows[table].append(row)
        new_uids.add(uid)
    _check_consensus(project, lines, name)
    added_rows = store.events.merge_rows({t: r for t, r in rows.items() if r})
    counts = {kind: sum(1 for line in lines if line.event["kind"] == kind) for kind in TABLES}
    added = {kind: added_rows.get(table, 0) for kind, table in TABLES.items()}
    present = {kind: counts[kind] - added[kind] for kind in TABLES}
    warnings = _header_warnings(project, header, counts)
    return SyncReport(name, reviewer, added, present, warnings)


def _read(path: Path) -> tuple[dict[str, Any], list[_Line]]:
    """The header and the events of a sync file, every line checked."""
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ScreenerError(f"{name}: cannot read: {exc.strerror or exc}") from None
    header: dict[str, Any] | None = None
    lines: list[_Line] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        where = _At(name, number)
        try:
            text = raw.decode("utf-8").removesuffix("\r")
        except UnicodeDecodeError as exc:
            raise where.error(f"not UTF-8 ({exc.reason})") from None
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            problem = f"not valid JSON: {exc.msg} (column {exc.colno})"
            raise where.error(problem) from None
        if not isinstance(value, dict):
            raise where.error("each line must be a JSON object")
        kind = value.get("kind")
        if header is None:
            if kind != "header":
                raise where.error(
                    "the first line must be the header written by `screener sync export`"
                )
            _check_fields(value, HEADER_FIELDS, where)
            if value["format"] != FORMAT or value["version"] != VERSION:
                raise where.error(
                    f"format {value['format']!r} version {value['version']!r}; this screener "
                    f"reads {FORMAT!r} version {VERSION}"
                )
            header = value
            continue
        if kind not in FIELDS:
            known = ", ".join(FIELDS)
            raise where.error(f"unknown kind {kind!r} (known: {known})")
        _check_fields(value, FIELDS[kind], where)
        lines.append(_Line(number, value))
    if header is None:
        raise ScreenerError(f"{name}: empty file; no events to import")
    return header, lines


def _check_fields(value: dict[str, Any], fields: dict[str, Check], where: _At) -> None:
    kind = value.get("kind")
    missing = [f for f in fields if f not in value]
    if missing:
        raise where.error(f"{kind} without {', '.join(map(repr, missing))}")
    extra = sorted(set(value) - set(fields))
    if extra:
        raise where.error(f"{kind} with unknown field(s) {', '.join(extra)}")
    for name, check in fields.items():
        problem = check(value[name])
        if problem:
            raise where.error(f"{kind} field {name!r} {problem}")


def _row(
    event: dict[str, Any],
    keys: dict[tuple[str, int], int],
    sources: dict[str, str],
    where: _At,
) -> dict[str, Any]:
    """The store row of a checked event, its record key mapped to this copy's record id."""
    row: dict[str, Any] = {}
    for column, value in event.items():
        if column == "kind":
            continue
        if column == "record":
            sha256, position = value["source_sha256"], value["position"]
            if sha256 not in sources:
                raise where.error(
                    f"its record is from a source file this copy has not imported (sha256 "
                    f"{sha256[:12]}…); import the same file here first"
                )
            if (sha256, position) not in keys:
                raise where.error(
                    f"no record at position {position} of {sources[sha256]} in this copy"
                )
            row["record_id"] = keys[(sha256, position)]
        elif column in _JSON_COLUMNS:
            row[column] = json.dumps(value, ensure_ascii=False)
        else:
            row[_COLUMN_NAMES.get(column, column)] = value
    return row


def _check_consensus(project: Project, lines: list[_Line], name: str) -> None:
    """Tag resolutions are checked as `screener resolve-tags` checks them."""
    for line in lines:
        if line.event["kind"] == "tag_resolution":
            problem = consensus_problem(project, line.event["tags"])
            if problem:
                raise _At(name, line.number).error(f"tag_resolution: {problem}")


def _stored(row: dict[str, Any]) -> dict[str, Any]:
    """A stored row as :func:`_row` would build it, to compare an event already here."""
    found = {k: v for k, v in row.items() if k != "id"}
    for column in _JSON_COLUMNS:
        if column in found:
            found[column] = json.dumps(json.loads(found[column]), ensure_ascii=False)
    return found


def _header_warnings(project: Project, header: dict[str, Any], counts: dict[str, int]) -> list[str]:
    warnings = []
    if header["project_title"] != project.protocol.title:
        warnings.append(
            f"the file was exported from a project titled {header['project_title']!r}; "
            f"this one is {project.protocol.title!r}"
        )
    listed = project.protocol.reviewers
    if counts["decision"] and listed and header["reviewer"] not in listed:
        warnings.append(
            f"{header['reviewer']!r} is not in this copy's protocol.toml reviewers "
            f"({', '.join(listed)})"
        )
    return warnings
