"""The store's audit reads: every event table as JSON lines or CSV lines, built by SQLite.

Serialising 300,000 events in Python (a dict, json.dumps and a CSV row each) cost about 7 s
of CPU at 100,000 records; SQLite's json_object() and printf() do the same work in a
fraction of that, so the audit export's per-table shapes are written here as SQL.

Each event table becomes one SELECT whose columns are chosen from the table's own schema:
``record_id`` (and a link's ``record_a``/``record_b``) become the event's ``record`` (and
``other_record``), a record id; the stable key of every record (source sha256, position) is
in its source's event, once, rather than in every event that refers to it. ``reasons`` and
``tags`` stay JSON, an extraction's ``value`` is its JSON (or the text when it is not JSON),
and a column named like an event key (an extraction's ``kind``) is prefixed with the event
kind. Events are ordered by time, then by the caller's kind order, then by id. Times are
compared as the ISO text every event is stamped with (``now_iso``: UTC, microseconds),
which sorts as the times do.

The CSV's text cells that people type or pick (reviewer, reasons, tags, note) take few
distinct values; each distinct value's cell is made once, in Python, by the caller's
``make_cell`` (the exports' CSV cell, with its formula guard), into a temporary table that
the SELECTs join. A column whose every value is its own cell (reviewer names, empty notes:
nothing to quote or neutralise) is written as it is, without the join.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any

from screener.store.connection import Database

AUDIT_FORMAT = "screener-audit"
AUDIT_VERSION = 2  # 2: events refer to records by id; the keys are in the source events
WRITE_BUFFER = 1 << 20  # bytes: a system call per MB written, not per 8 kB
MakeCell = Callable[[str], str]  # text -> its CSV cell (quoted, formulas neutralised)
EVENT_KEYS = ("kind", "time", "uid", "id", "record", "other_record")
JSON_COLUMNS = ("reasons", "tags")
REFERENCES = {"record_id": "record", "record_a": "record", "record_b": "other_record"}
# The CSV's columns after kind, time, uid, id and the two record ids; the first table
# column found of each group fills it. The rest of an event goes into ``details`` (JSON).
CSV_CELLS = (
    ("reviewer", ("reviewer", "resolver")),
    ("stage", ("stage",)),
    ("verdict", ("verdict",)),
    ("status", ("status",)),
    ("reasons", ("reasons",)),
    ("tags", ("tags",)),
    ("note", ("note",)),
)
# Cells looked up in the temporary table (typed text), by how their text becomes the cell.
LOOKED_UP = {
    "reviewer": "text",
    "resolver": "text",
    "note": "text",
    "reasons": "reasons",
    "tags": "tags",
}
AUDIT_CSV_COLUMNS = (
    "kind",
    "time",
    "uid",
    "id",
    "record_id",
    "other_record_id",
    *(name for name, _ in CSV_CELLS),
    "details",
)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _cell(shape: str, raw: str, make_cell: MakeCell) -> str:
    """One looked-up CSV cell: safe text, reason codes joined with '; ', tags as stored."""
    if shape == "reasons":
        codes = json.loads(raw)
        return make_cell("; ".join(codes) if isinstance(codes, list) else raw)
    if shape == "tags":
        return "" if raw == "{}" else make_cell(raw)
    return make_cell(raw)


def columns_of(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def fill_cells(
    conn: sqlite3.Connection, tables: Sequence[str], make_cell: MakeCell
) -> set[tuple[str, str]]:
    """The temporary table of every looked-up column's distinct values and their cells;
    returns the (table, column) pairs whose every value is its own cell."""
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS audit_cells "
        "(shape TEXT, raw TEXT, cell TEXT, PRIMARY KEY (shape, raw)) WITHOUT ROWID"
    )
    conn.execute("DELETE FROM temp.audit_cells")
    plain: set[tuple[str, str]] = set()
    for table in tables:
        for column in columns_of(conn, table):
            if column in LOOKED_UP:
                shape = LOOKED_UP[column]
                values = conn.execute(f"SELECT DISTINCT {column} FROM {table}")
                cells = [
                    (shape, raw, _cell(shape, raw, make_cell))
                    for (raw,) in values
                    if raw is not None
                ]
                conn.executemany("INSERT OR IGNORE INTO temp.audit_cells VALUES (?, ?, ?)", cells)
                if all(cell == raw for _, raw, cell in cells):
                    plain.add((table, column))
    return plain


def _value(kind: str, column: str) -> str:
    if column in JSON_COLUMNS:
        return f"json(t.{column})"
    if kind == "extraction" and column == "value":
        # json() outside the CASE: the result keeps its JSON subtype inside json_object.
        return "json(CASE WHEN json_valid(t.value) THEN t.value ELSE json_quote(t.value) END)"
    return f"t.{column}"


def _rest(kind: str, columns: Sequence[str], skip: set[str]) -> list[tuple[str, str]]:
    """(key, SQL value) for the columns that are not the event's own keys."""
    return [
        (f"{kind}_{column}" if column in EVENT_KEYS else column, _value(kind, column))
        for column in columns
        if column not in skip and column not in REFERENCES
    ]


def _object(pairs: Sequence[tuple[str, str]]) -> str:
    return "json_object(" + ", ".join(f"{_quote(k)}, {v}" for k, v in pairs) + ")"


def _event_json(kind: str, columns: Sequence[str]) -> str:
    uid = "coalesce(t.uid, '')" if "uid" in columns else "''"
    pairs = [("kind", _quote(kind)), ("time", "t.created_at"), ("uid", uid), ("id", "t.id")]
    pairs += [(REFERENCES[c], f"t.{c}") for c in columns if c in REFERENCES]
    return _object(pairs + _rest(kind, columns, {"id", "uid", "created_at"}))


# A source's event: (key, column) in this order, then its records' [id, position] pairs.
SOURCE_KEYS = (
    ("file_name", "file_name"),
    ("sha256", "sha256"),
    ("database", "database"),
    ("method", "method"),
    ("platform", "platform"),
    ("query", "query"),
    ("searched_on", "searched_on"),
    ("format", "format"),
    ("encoding", "encoding"),
    ("records", "record_count"),
    ("skipped", "skipped_count"),
)


def _source_json(records_bound: int) -> str:
    positions = (
        "(SELECT json_group_array(json_array(r.id, r.position)) FROM (SELECT id, position "
        f"FROM records WHERE source_id = t.id AND id <= {records_bound} ORDER BY id) r)"
    )
    pairs = [("kind", "'source'"), ("time", "t.imported_at"), ("uid", "''"), ("id", "t.id")]
    pairs += [(key, f"t.{column}") for key, column in SOURCE_KEYS]
    return _object([*pairs, ("record_positions", positions)])


def _source_csv(records_bound: int) -> str:
    """A source's CSV line: its settings as ``details``, its records as the range of ids
    (the JSONL lists them in full), keys sorted."""
    ids = (
        "(SELECT coalesce(min(id) || '-' || max(id), '') FROM records "
        f"WHERE source_id = t.id AND id <= {records_bound})"
    )
    pairs = sorted([*((key, f"t.{column}") for key, column in SOURCE_KEYS), ("record_ids", ids)])
    details = f"""'"' || replace({_object(pairs)}, '"', '""') || '"'"""
    blanks = "," * (len(AUDIT_CSV_COLUMNS) - 4)
    return f"printf('source,%s,,%s{blanks}%s', t.imported_at, t.id, {details})"


def _csv_line(
    kind: str, columns: Sequence[str], plain: Collection[str] = ()
) -> tuple[str, list[str]]:
    """The CSV line's SQL (printf of its cells; %s of NULL is '') and the joins it needs;
    the ``plain`` columns are their own cells."""
    joins: list[str] = []
    cells = [
        _quote(kind),
        "t.created_at",
        "coalesce(t.uid, '')" if "uid" in columns else "''",
        "t.id",
    ]
    cells.append(next((f"t.{c}" for c in ("record_id", "record_a") if c in columns), "NULL"))
    cells.append("t.record_b" if "record_b" in columns else "NULL")
    for _, candidates in CSV_CELLS:
        column = next((c for c in candidates if c in columns), None)
        if column is None:
            cells.append("''")
        elif column in LOOKED_UP and column not in plain:
            alias = f"c_{column}"
            joins.append(
                f"LEFT JOIN temp.audit_cells {alias} ON {alias}.shape = "
                f"{_quote(LOOKED_UP[column])} AND {alias}.raw = t.{column}"
            )
            cells.append(f"{alias}.cell")
        else:
            cells.append(f"t.{column}")  # enum values: never quoted, never a formula
    in_cells = {c for _, group in CSV_CELLS for c in group}
    details = _rest(kind, columns, {"id", "uid", "created_at", *in_cells})
    # A JSON object starts with '{' (never a formula) and has quotes, so it is quoted.
    cells.append(f"""'"' || replace({_object(details)}, '"', '""') || '"'""" if details else "''")
    return f"printf('{','.join('%s' for _ in cells)}', {', '.join(cells)})", joins


def audit_sql(
    conn: sqlite3.Connection,
    tables: Mapping[str, str],
    ranks: Mapping[str, int],
    bounds: Mapping[str, int],
    part: str,
    plain: Collection[tuple[str, str]] = (),
) -> str:
    """One SELECT of the lines, with their line ends, of every event of ``tables`` (kind ->
    table; "sources" are the imports) with an id up to ``bounds[kind]`` (and records up to
    ``bounds["records"]``, so that two connections write the same events), ordered by
    (time, rank, id). ``part`` is "json" (the event as the JSONL writes it) or "csv" (its
    audit CSV line; :func:`fill_cells` must have run on ``conn``, and ``plain`` is what it
    returned)."""
    end = "char(10)" if part == "json" else "char(13, 10)"
    selects = []
    records = int(bounds["records"])
    for kind, table in tables.items():
        columns = columns_of(conn, table)
        joins: list[str] = []
        time = "t.created_at"
        if table == "sources":
            text = _source_json(records) if part == "json" else _source_csv(records)
            time = "t.imported_at"
        elif part == "json":
            text = _event_json(kind, columns)
        else:
            text, joins = _csv_line(kind, columns, {c for t, c in plain if t == table})
        selects.append(
            f"SELECT {time} AS time, {ranks[kind]} AS rank, t.id AS id, {text} AS line "
            f"FROM {table} t "
            f"{' '.join(joins)} WHERE t.id <= {int(bounds[kind])}"
        )
    union = " UNION ALL ".join(selects)
    return f"SELECT line || {end} FROM ({union}) ORDER BY time, rank, id"


def audit_lines(
    conn: sqlite3.Connection, job: Mapping[str, Any], make_cell: MakeCell
) -> Iterator[str]:
    """The lines of one audit file, line ends included: ``job["head"]``, then the events
    of ``job["tables"]`` up to ``job["bounds"]`` as ``job["part"]`` ("json" or "csv")
    writes them."""
    part = job["part"]
    tables = list(job["tables"].values())
    plain = fill_cells(conn, tables, make_cell) if part == "csv" else set()
    yield job["head"]
    sql = audit_sql(conn, job["tables"], job["ranks"], job["bounds"], part, plain)
    cursor = conn.execute(sql)
    while rows := cursor.fetchmany(4096):
        yield "".join([row[0] for row in rows])


class Audit:
    """Every event table read as the audit log's lines."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def bounds(self, tables: Mapping[str, str]) -> dict[str, int]:
        """The newest id of every table (kind -> id, and "records"): what an export covers."""
        return {
            kind: self.db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
            for kind, table in {**tables, "records": "records"}.items()
        }

    def lines(self, job: Mapping[str, Any], make_cell: MakeCell) -> Iterator[str]:
        """See :func:`audit_lines`."""
        return audit_lines(self.db.conn, job, make_cell)

    def write_file(self, path: str, job: Mapping[str, Any], make_cell: MakeCell) -> None:
        """:func:`audit_lines` written to ``path`` (UTF-8)."""
        with open(path, "w", encoding="utf-8", newline="", buffering=WRITE_BUFFER) as out:
            out.writelines(self.lines(job, make_cell))
