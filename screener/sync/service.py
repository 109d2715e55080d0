"""Sync: one reviewer's screening events exported from a copy of a project as JSONL and merged
into another copy, matching records by (source file sha256, position in that file)."""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from screener.errors import ScreenerError
from screener.project import Project
from screener.screening.decisions import project_pdf_path
from screener.store.events import MAX_CLOCK_SKEW, utc_time
from screener.sync.checks import Context, check_event, check_state, check_term
from screener.sync.jsonl import (
    ACTOR,
    FORMAT,
    TABLES,
    VERSION,
    At,
    Line,
    read_lines,
    shown,
    write_jsonl,
)

__all__ = [
    "TABLES",
    "SyncReport",
    "export_events",
    "import_events",
    "import_files",
    "write_jsonl",
]

_JSON_COLUMNS = ("reasons", "tags")  # stored as JSON text, written to the file as JSON values
# A column whose name a line of the file already uses: extractions.kind (value or consensus)
# is "value_kind" in the file, where "kind" says what the line is.
_FILE_NAMES = {"kind": "value_kind"}
_COLUMN_NAMES = {v: k for k, v in _FILE_NAMES.items()}


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
        events = [
            _event(project, kind, row, keys) for row in store.events.rows(table, reviewer=name)
        ]
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


def _event(
    project: Project, kind: str, row: dict[str, Any], keys: dict[int, tuple[str, int]]
) -> dict[str, Any]:
    """A stored row as a line of the file. A PDF path is written relative to the project
    folder; one outside it (kept by an older screener) is left out, as no copy may use it."""
    if not row.get("uid"):
        raise ScreenerError(f"{TABLES[kind]} row {row['id']} has no uid and cannot be synced")
    event: dict[str, Any] = {"kind": kind}
    for column, value in row.items():
        if column in ("id", "record_id"):
            continue
        name = _FILE_NAMES.get(column, column)
        event[name] = json.loads(value) if column in _JSON_COLUMNS else value
    if kind == "retrieval":
        event["pdf_path"] = _portable(project, row["pdf_path"])
    if "record_id" in row:
        sha256, position = keys[row["record_id"]]
        event["record"] = {"source_sha256": sha256, "position": position}
    return event


def _portable(project: Project, pdf_path: str) -> str:
    try:
        return project_pdf_path(project, pdf_path)
    except ScreenerError:
        return ""


def _time_order(event: dict[str, Any]) -> tuple[datetime, str]:
    return datetime.fromisoformat(event["created_at"]), event["uid"]


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


def import_events(project: Project, path: Path) -> SyncReport:
    """:func:`import_files` of one file."""
    return import_files(project, [path])[0]


def import_files(project: Project, paths: Sequence[Path]) -> list[SyncReport]:
    """Merge files written by :func:`export_events` into this copy, in one transaction.

    Every line is checked first: its JSON and fields (:mod:`screener.sync.jsonl`), its time
    (a UTC instant, not more than a day ahead of this clock), that this copy has its record
    (the same source file, by sha256, and a record at that position), and that the command
    making such an event would have accepted it (:mod:`screener.sync.checks`), the study's
    state judged with the events of every file given. Any problem raises an error naming
    the file and the line, and nothing changes. Events keep their uid and time (as UTC);
    those already here (by uid, with the same content, or a vocabulary term already added
    by anyone) are skipped, so importing a file again, or into the copy it came from,
    changes nothing.

    Events are ordered by time, then uid, in every copy (``state.event_order``), so once
    two copies hold the same events they agree on every decision, resolution and
    retrieval in force, whatever order they were imported in.
    """
    context = Context.of(project)
    existing = {t: {r["uid"]: r for r in project.store.events.rows(t)} for t in TABLES.values()}
    merges = []
    for path in paths:
        header, lines = read_lines(path)
        merge = _Merge.of(project, str(path), header, lines, context, existing)
        # Terms first: a decision may use a term whose line its clock put after it.
        for line in sorted(lines, key=lambda line: line.event["kind"] != "vocabulary_term"):
            merge.take(line)
        merges.append(merge)
    for merge in merges:
        merge.check_states()
    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES.values()}
    for merge in merges:
        for table, new in merge.rows.items():
            rows[table] += new
    project.store.events.merge_rows({t: r for t, r in rows.items() if r})
    return [merge.report() for merge in merges]


@dataclass(slots=True)
class _Merge:
    """The lines of one file being checked against this copy, and the rows to add."""

    project: Project
    file: str
    header: dict[str, Any]
    lines: list[Line]
    context: Context
    existing: dict[str, dict[str, dict[str, Any]]]
    keys: dict[tuple[str, int], int]
    sources: dict[str, str]
    rows: dict[str, list[dict[str, Any]]]
    new: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        project: Project,
        file: str,
        header: dict[str, Any],
        lines: list[Line],
        context: Context,
        existing: dict[str, dict[str, dict[str, Any]]],
    ) -> _Merge:
        store = project.store
        keys = {key: id_ for id_, key in store.records.keys().items()}
        sources = {s.sha256: s.file_name for s in store.records.sources()}
        rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES.values()}
        return cls(project, file, header, lines, context, existing, keys, sources, rows)

    def take(self, line: Line) -> None:
        """Check one line; keep its row unless this copy has the event already."""
        try:
            self._take(line)
        except ScreenerError as exc:
            raise At(self.file, line.number).error(str(exc)) from None

    def _take(self, line: Line) -> None:
        kind, uid, reviewer = line.event["kind"], line.event["uid"], self.header["reviewer"]
        actor = line.event[ACTOR[kind]]
        if actor != reviewer:
            raise ScreenerError(f"a {kind} by {shown(actor)} in a file of {reviewer!r}'s events")
        if uid in self.seen:
            raise ScreenerError(f"uid {uid} is also on line {self.seen[uid]}")
        self.seen[uid] = line.number
        event = {**line.event, "created_at": _instant(line.event["created_at"])}
        row = _row(event, self.keys, self.sources)
        table = TABLES[kind]
        old = self.existing[table].get(uid)
        if old is not None:
            ids = {id_: key for key, id_ in self.keys.items()}
            if _event(self.project, kind, old, ids) != event:
                raise ScreenerError(f"event {uid} is already in this project with other content")
            return
        if kind == "vocabulary_term":
            if row["term"] in self.context.terms.get(row["vocabulary"], ()):
                return  # added here (or earlier in the file) by someone else: present
            check_term(self.context, row)
        else:
            check_event(self.context, kind, row)
        self.existing[table][uid] = {"id": 0, **row}  # a file given twice: present the 2nd time
        self.rows[table].append(row)
        self.new.append((line.number, kind, row))

    def check_states(self) -> None:
        for number, kind, row in sorted(self.new, key=lambda item: item[0]):
            try:
                check_state(self.context, kind, row)
            except ScreenerError as exc:
                raise At(self.file, number).error(str(exc)) from None

    def report(self) -> SyncReport:
        lines, header = self.lines, self.header
        counts = {kind: sum(1 for line in lines if line.event["kind"] == kind) for kind in TABLES}
        added = {kind: len(self.rows[table]) for kind, table in TABLES.items()}
        present = {kind: counts[kind] - added[kind] for kind in TABLES}
        warnings = []
        if header["project_title"] != self.project.protocol.title:
            warnings.append(
                f"the file was exported from a project titled {shown(header['project_title'])}; "
                f"this one is {self.project.protocol.title!r}"
            )
        return SyncReport(self.file, header["reviewer"], added, present, warnings)


def _instant(text: str) -> str:
    """An event's time as the UTC instant stored; refused when it has none or is more than
    MAX_CLOCK_SKEW ahead of this machine's clock (it would order every later event here)."""
    try:
        utc = utc_time(text)
    except (ValueError, OverflowError):
        raise ScreenerError(f"created_at {shown(text)} is out of range") from None
    now = datetime.now(UTC)
    if datetime.fromisoformat(utc) > now + MAX_CLOCK_SKEW:
        raise ScreenerError(
            f"created_at {text} is more than a day ahead of this machine's clock "
            f"({now.isoformat(timespec='seconds')}); check the clock of the copy it came from"
        )
    return utc


def _row(
    event: dict[str, Any],
    keys: dict[tuple[str, int], int],
    sources: dict[str, str],
) -> dict[str, Any]:
    """The store row of a checked event, its record key mapped to this copy's record id."""
    row: dict[str, Any] = {}
    for column, value in event.items():
        if column == "kind":
            continue
        if column == "record":
            sha256, position = value["source_sha256"], value["position"]
            if sha256 not in sources:
                raise ScreenerError(
                    f"its record is from a source file this copy has not imported (sha256 "
                    f"{shown(sha256[:12])}…); import the same file here first"
                )
            if (sha256, position) not in keys:
                raise ScreenerError(
                    f"no record at position {position} of {sources[sha256]} in this copy"
                )
            row["record_id"] = keys[(sha256, position)]
        elif column in _JSON_COLUMNS:
            row[column] = json.dumps(value, ensure_ascii=False)
        else:
            row[_COLUMN_NAMES.get(column, column)] = value
    return row
