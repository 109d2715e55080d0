"""The store's audit reads: every event table as JSON lines or CSV rows, built by SQLite.

Serialising 200,000 events in Python (a dict, json.dumps and a CSV row each) cost about 7 s
of CPU at 100,000 records; SQLite's json_object() and one sorted UNION ALL do the same work
in well under a second, so the audit export's per-table shapes are written here as SQL.

Each event table becomes one SELECT whose columns are chosen from the table's own schema:
``record_id`` (and a link's ``record_a``/``record_b``) become record references with the
stable key (source sha256, position), ``reasons``/``tags`` stay JSON, an extraction's
``value`` is its JSON (or the text when it is not JSON), and a column named like an event
key (an extraction's ``kind``) is prefixed with the event kind. Events are ordered by time,
then by the caller's kind order, then by id. Times are compared as the ISO text every event
is stamped with (``now_iso``: UTC, microseconds), which sorts as the times do.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import sqlite_utils

EVENT_KEYS = ("kind", "time", "uid", "id", "record", "other_record")
JSON_COLUMNS = ("reasons", "tags")
REFERENCES = {"record_id": ("record", "ra"), "record_a": ("record", "ra"),
              "record_b": ("other_record", "rb")}  # fmt: skip
# The CSV's columns after the record references, and the table columns that fill them.
CSV_PERSON = ("reviewer", "resolver")
CSV_OWN = ("stage", "verdict", "status")
FORMULA_STARTS_SQL = "('=', '+', '-', '@', char(9), char(13))"


class _HasDb(Protocol):
    db: sqlite_utils.Database


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _safe(expression: str) -> str:
    """Text a spreadsheet would read as a formula gets a leading quote (as csv_safe does)."""
    return (
        f"CASE WHEN substr({expression}, 1, 1) IN {FORMULA_STARTS_SQL} "
        f"THEN '''' || {expression} ELSE {expression} END"
    )


def _csv_text(expression: str) -> str:
    """A text cell quoted for CSV, quotes doubled. Always quoted (csv.writer quotes only
    where needed; readers take both): testing for commas and line breaks evaluated the
    expression five more times and tripled the CSV's cost."""
    return f"""'"' || replace({expression}, '"', '""') || '"'"""


def _reasons_cell(column: str) -> str:
    """The reasons cell: the codes joined with '; ', made safe, quoted. Reason codes are
    protocol identifiers; the json_each subquery runs only where there are any, and once:
    whether the joined text starts like a formula is read off the JSON text (a list stored
    by json.dumps starts with '["' and then its first code's first character), and only
    another shape, or a first character that JSON escapes, takes the expression that
    tests the joined text itself (which ran the subquery three times per row).
    """
    joined = (
        f"CASE WHEN {column} = '[]' THEN '' ELSE "
        f"(SELECT group_concat(value, '; ') FROM json_each({column})) END"
    )
    plain = (
        f"substr({column}, 1, 2) = '[\"' AND substr({column}, 3, 1) NOT IN "
        f"{FORMULA_STARTS_SQL[:-1]}, '\\')"
    )
    return f"CASE WHEN {plain} THEN {_csv_text(joined)} ELSE {_csv_text(_safe(joined))} END"


def _reference_json(alias: str, column: str) -> str:
    return (
        f"json_object('id', t.{column}, 'sha256', coalesce({alias}s.sha256, ''), "
        f"'position', coalesce({alias}.position, 0))"
    )


def _joins(columns: Sequence[str]) -> str:
    joins = []
    for column in columns:
        if column in REFERENCES:
            alias = REFERENCES[column][1]
            joins.append(
                f"LEFT JOIN records {alias} ON {alias}.id = t.{column} "
                f"LEFT JOIN sources {alias}s ON {alias}s.id = {alias}.source_id"
            )
    return " ".join(joins)


def _value_json(column: str) -> str:
    # json() outside the CASE: the result keeps its JSON subtype inside json_object.
    return f"json(CASE WHEN json_valid(t.{column}) THEN t.{column} ELSE json_quote(t.{column}) END)"


def _rest(kind: str, columns: Sequence[str], skip: set[str]) -> list[tuple[str, str]]:
    """(key, SQL value) for the columns that are not the event's own keys."""
    pairs = []
    for column in columns:
        if column in skip or column in REFERENCES:
            continue
        key = f"{kind}_{column}" if column in EVENT_KEYS else column
        if column in JSON_COLUMNS:
            value = f"json(t.{column})"
        elif kind == "extraction" and column == "value":
            value = _value_json(column)
        else:
            value = f"t.{column}"
        pairs.append((key, value))
    return pairs


class AuditReads:
    """Mixed into :class:`screener.store.Store`."""

    def _audit_select(self: _HasDb, kind: str, table: str, rank: int) -> str:
        """One table's events as (time, rank, id, JSON text, *CSV cells)."""
        columns = [row[1] for row in self.db.execute(f"PRAGMA table_info({table})")]
        uid = "coalesce(t.uid, '')" if "uid" in columns else "''"
        pairs = [("kind", _quote(kind)), ("time", "t.created_at"), ("uid", uid), ("id", "t.id")]
        for column in columns:
            if column in REFERENCES:
                key, alias = REFERENCES[column]
                pairs.append((key, _reference_json(alias, column)))
        pairs += _rest(kind, columns, {"id", "uid", "created_at"})
        event = "json_object(" + ", ".join(f"{_quote(k)}, {v}" for k, v in pairs) + ")"
        cells = [_quote(kind), "t.created_at", uid, "t.id"]
        for column, alias in (("record_id", "ra"), ("record_a", "ra"), ("record_b", "rb")):
            if column in columns:
                cells += [f"t.{column}", f"{alias}s.sha256", f"{alias}.position"]
        if not any(c in columns for c in ("record_id", "record_a")):
            cells += ["NULL"] * 3
        if "record_b" not in columns:
            cells += ["NULL"] * 3
        person = next((c for c in CSV_PERSON if c in columns), None)
        cells.append(_csv_text(_safe(f"t.{person}")) if person else "''")
        cells += [f"t.{c}" if c in columns else "''" for c in CSV_OWN]
        cells.append(_reasons_cell("t.reasons") if "reasons" in columns else "''")
        tags = "CASE WHEN t.tags = '{}' THEN '' ELSE t.tags END"
        cells.append(_csv_text(tags) if "tags" in columns else "''")
        cells.append(_csv_text(_safe("t.note")) if "note" in columns else "''")
        shown = {"id", "uid", "created_at", "note", "reasons", "tags", *CSV_PERSON, *CSV_OWN}
        details = _rest(kind, columns, shown)
        if details:
            body = ", ".join(f"{_quote(k)}, {v}" for k, v in details)
            cells.append(_csv_text(f"json_object({body})"))
        else:
            cells.append("''")
        # One printf rather than a chain of ||, each of which copied the line so far (about
        # a quarter of the CSV's cost); %s of NULL is '', as coalesce(cell, '') was.
        line = f"printf('{','.join('%s' for _ in cells)}', {', '.join(cells)})"
        return (
            f"SELECT t.created_at, {rank}, t.id, {event}, {line} FROM {table} t {_joins(columns)}"
        )

    def audit_event_rows(
        self: Any, tables: Mapping[str, str], ranks: Mapping[str, int]
    ) -> Iterator[tuple[Any, ...]]:
        """Every event of ``tables`` (kind -> table) ordered by (time, rank, id), as
        ``(time, rank, id, json_text, csv_line)``: the event as the JSONL writes it and its
        line of the audit CSV (no line end), text cells neutralised against formulas."""
        selects = [self._audit_select(kind, table, ranks[kind]) for kind, table in tables.items()]
        yield from self.db.execute(" UNION ALL ".join(selects) + " ORDER BY 1, 2, 3")
