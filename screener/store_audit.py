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

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
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
# What a JSON string must escape: text with none of it is quoted as it is, by SQLite too.
_ESCAPED = re.compile(r'["\\\x00-\x1f]')
# The two big tables' columns as the fast paths below expect them (PRAGMA order).
DECISION_COLUMNS = ("id", "record_id", "stage", "reviewer", "verdict", "reasons", "tags",
                    "note", "created_at", "uid")  # fmt: skip
EXTRACTION_COLUMNS = ("id", "uid", "record_id", "field", "value", "kind", "reviewer",
                      "created_at")  # fmt: skip


# One table's events: (time, rank, id) keys, JSON texts and CSV lines, in key order.
Events = tuple[list[tuple[Any, ...]], list[str], list[str]]


class _Unusual(Exception):
    """A table the raw-column paths do not write; its events are written by SQL."""


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

    def _audit_columns(self: _HasDb, table: str) -> tuple[str, ...]:
        return tuple(row[1] for row in self.db.execute(f"PRAGMA table_info({table})"))

    def _audit_memo(self: _HasDb, table: str, *expressions: str) -> dict[Any, tuple[Any, ...]]:
        """``t.column`` -> the values of ``expressions`` for each distinct value, by SQLite."""
        # The expressions run once per distinct value, not once per row.
        column = expressions[0].removeprefix("t.")
        sql = f"SELECT {', '.join(expressions)} FROM (SELECT DISTINCT {column} FROM {table}) t"
        return {row[0]: row[1:] for row in self.db.execute(sql)}

    def _audit_references(self: _HasDb) -> dict[int, tuple[str, str]]:
        """Record id -> its reference as the JSON writes it and its three CSV cells, for
        every record whose source hash needs no escaping."""
        refs = {}
        sql = (
            "SELECT ra.id, ras.sha256, ra.position FROM records ra "
            "JOIN sources ras ON ras.id = ra.source_id"
        )
        for rid, sha, pos in self.db.execute(sql):
            if type(rid) is int and type(pos) is int and not _ESCAPED.search(sha):
                refs[rid] = (
                    f'"record":{{"id":{rid},"sha256":"{sha}","position":{pos}}}',
                    f"{rid},{sha},{pos}",
                )
        return refs

    def _audit_table(
        self: Any, kind: str, table: str, rank: int, refs: Callable[[], dict[int, Any]]
    ) -> Events:
        """One table's events ordered by (time, id), as audit_event_tables gives them.

        SQLite building each event's JSON and CSV line cost about 10 us a row (2 s for the
        200,000 decisions of a 100,000-record project); the two big tables are read as raw
        columns instead and their lines put together here from pieces SQLite wrote once per
        distinct value (a verdict's JSON, a reasons list's cell), so the text is SQLite's
        own. A table whose times or uids would need escaping in JSON, or with a record
        without a plain reference, is written by the SQL of :meth:`_audit_select` instead,
        as every row of the other tables is.
        """
        select = self._audit_select(kind, table, rank)
        columns = self._audit_columns(table)
        try:
            if kind == "decision" and columns == DECISION_COLUMNS:
                return self._decision_rows(rank, refs())
            if kind == "extraction" and columns == EXTRACTION_COLUMNS:
                return self._extraction_rows(rank, refs())
        except _Unusual:
            pass
        rows = self.db.execute(select + " ORDER BY t.created_at, t.id").fetchall()
        return [row[:3] for row in rows], [row[3] for row in rows], [row[4] for row in rows]

    def _raw_rows(self: Any, table: str, own: str) -> Iterator[tuple[Any, ...]]:
        return self.db.execute(
            f"SELECT t.created_at, t.id, coalesce(t.uid, ''), t.record_id, {own} "
            f"FROM {table} t ORDER BY t.created_at, t.id"
        )

    def _raw_checked(self: Any, table: str, own: str) -> list[tuple[Any, ...]]:
        """The raw rows, if no time or uid needs escaping in JSON (else _Unusual)."""
        raw = self._raw_rows(table, own).fetchall()
        if _ESCAPED.search("".join([row[0] for row in raw])) or _ESCAPED.search(
            "".join([row[2] for row in raw])
        ):
            raise _Unusual
        return raw

    def _decision_rows(self: Any, rank: int, refs: dict[int, tuple[str, str]]) -> Events:
        memo: Callable[..., dict[Any, tuple[Any, ...]]] = self._audit_memo
        stages = memo("decisions", "t.stage", "json_quote(t.stage)")
        reviewers = memo(
            "decisions", "t.reviewer", "json_quote(t.reviewer)", _csv_text(_safe("t.reviewer"))
        )
        verdicts = memo("decisions", "t.verdict", "json_quote(t.verdict)")
        reasons = memo("decisions", "t.reasons", "json(t.reasons)", _reasons_cell("t.reasons"))
        tags = memo(
            "decisions", "t.tags", "json(t.tags)",
            _csv_text("CASE WHEN t.tags = '{}' THEN '' ELSE t.tags END"),
        )  # fmt: skip
        notes = memo("decisions", "t.note", "json_quote(t.note)", _csv_text(_safe("t.note")))
        raw = self._raw_checked(
            "decisions", "t.stage, t.reviewer, t.verdict, t.reasons, t.tags, t.note"
        )
        jsons: list[str] = []
        csvs: list[str] = []
        add_json, add_csv = jsons.append, csvs.append
        for time, id_, uid, rid, stage, reviewer, verdict, reason, tag, note in raw:
            ref = refs.get(rid)
            if ref is None:
                raise _Unusual
            j_reviewer, c_reviewer = reviewers[reviewer]
            j_reasons, c_reasons = reasons[reason]
            j_tags, c_tags = tags[tag]
            j_note, c_note = notes[note]
            add_json(
                f'{{"kind":"decision","time":"{time}","uid":"{uid}","id":{id_},'
                f'{ref[0]},"stage":{stages[stage][0]},"reviewer":{j_reviewer},'
                f'"verdict":{verdicts[verdict][0]},"reasons":{j_reasons},"tags":{j_tags},'
                f'"note":{j_note}}}'
            )
            add_csv(
                f"decision,{time},{uid},{id_},{ref[1]},,,,{c_reviewer},{stage},"
                f"{verdict},,{c_reasons},{c_tags},{c_note},"
            )
        return [(row[0], rank, row[1]) for row in raw], jsons, csvs

    def _extraction_rows(self: Any, rank: int, refs: dict[int, tuple[str, str]]) -> Events:
        memo: Callable[..., dict[Any, tuple[Any, ...]]] = self._audit_memo
        fields = memo("extractions", "t.field", "json_quote(t.field)")
        values = memo("extractions", "t.value", _value_json("value"))
        kinds = memo("extractions", "t.kind", "json_quote(t.kind)")
        reviewers = memo(
            "extractions", "t.reviewer", "json_quote(t.reviewer)", _csv_text(_safe("t.reviewer"))
        )
        raw = self._raw_checked("extractions", "t.field, t.value, t.kind, t.reviewer")
        jsons: list[str] = []
        csvs: list[str] = []
        add_json, add_csv = jsons.append, csvs.append
        for time, id_, uid, rid, field, value, kind_, reviewer in raw:
            ref = refs.get(rid)
            if ref is None:
                raise _Unusual
            j_reviewer, c_reviewer = reviewers[reviewer]
            details = (
                f'{{"field":{fields[field][0]},"value":{values[value][0]},'
                f'"extraction_kind":{kinds[kind_][0]}}}'
            )
            add_json(
                f'{{"kind":"extraction","time":"{time}","uid":"{uid}","id":{id_},'
                f'{ref[0]},{details[1:-1]},"reviewer":{j_reviewer}}}'
            )
            add_csv(
                f"extraction,{time},{uid},{id_},{ref[1]},,,,{c_reviewer},,,,,,,"
                f'"{details.replace(chr(34), chr(34) * 2)}"'
            )
        return [(row[0], rank, row[1]) for row in raw], jsons, csvs

    def audit_event_tables(
        self: Any, tables: Mapping[str, str], ranks: Mapping[str, int]
    ) -> list[Events]:
        """Every event of ``tables`` (kind -> table), per table ordered by (time, id), as
        ``(keys, json_texts, csv_lines)``: the (time, rank, id) keys to merge the tables by,
        and the events as the JSONL writes them and their lines of the audit CSV (no line
        ends), text cells neutralised against formulas. Merging tables read in order costs
        less than sorting one UNION of the full lines (0.9 s at 200,000 rows)."""
        cache: list[dict[int, Any]] = []

        def refs() -> dict[int, Any]:
            if not cache:
                cache.append(self._audit_references())
            return cache[0]

        return [self._audit_table(kind, table, ranks[kind], refs) for kind, table in tables.items()]
