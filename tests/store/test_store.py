"""The SQLite store: connection settings, migrations, transactions, the append-only log."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screener.errors import ScreenerError
from screener.models import LinkMethod, LinkVerdict, MatchInput, NewDecision, Record, Stage, Verdict
from screener.screening.state import current_decisions
from screener.store import SCHEMA_VERSION, NewDedupEvent, NewSource, Store
from screener.store.connection import Database
from screener.store.migrations import MIGRATIONS, migrate
from screener.store.records import _strings_from_json, _strings_json
from tests.paths import TESTS

FIXTURES = TESTS / "fixtures"


def _source(sha: str = "abc") -> NewSource:
    return NewSource("PubMed", "", "q", "2026-11-01", "f.nbib", sha, "medline", "utf-8")


def _record(position: int, **fields: object) -> Record:
    return Record(position=position, line=position * 10, source_record_id=str(position), **fields)  # type: ignore[arg-type]


def test_connection_settings(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        pragma = store.db.execute
        assert pragma("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert pragma("PRAGMA foreign_keys").fetchone()[0] == 1
        assert pragma("PRAGMA busy_timeout").fetchone()[0] >= 5000
        assert store.schema_version == SCHEMA_VERSION


def test_round_trip_returns_domain_objects(tmp_path: Path) -> None:
    record = _record(
        1,
        title="Secretome [review]",
        authors=("Smith, J",),
        year=2020,
        keywords=("MSC", "exosomes"),
        issn=("1234-5678",),
        label=1,
        raw={"TI": ["Secretome [review]"], "AU": ["Smith J"]},
    )
    with Store(tmp_path / "s.db") as store:
        source = store.records.add_source(_source(), [record])
        assert source.record_count == 1 and source.database == "PubMed"
        stored = next(store.records.all())
        assert stored.record == record
        assert stored.record.raw == record.raw
        assert store.records.get(stored.id) == stored
        assert store.records.source_by_sha256("abc") == source
        assert store.records.source_by_sha256("zzz") is None


def test_failed_import_leaves_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        before = store.dump()
        bad = [_record(1, title="a"), _record(1, title="same position twice")]
        with pytest.raises(sqlite3.IntegrityError):
            store.records.add_source(_source(), bad)
        assert store.dump() == before
        assert store.records.sources() == []


def test_log_is_append_only(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.records.add_source(_source(), [_record(1, title="a")])
        store.events.add_decision(NewDecision(1, Stage.TITLE_ABSTRACT, "alice", Verdict.INCLUDE))
        for sql in (
            "DELETE FROM decisions",
            "UPDATE decisions SET verdict = 'exclude'",
            "DELETE FROM records",
            "UPDATE records SET title = 'b'",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                store.db.execute(sql)
        with pytest.raises(ScreenerError, match="FOREIGN KEY"):  # no such record
            store.events.add_decision(
                NewDecision(99, Stage.TITLE_ABSTRACT, "alice", Verdict.INCLUDE)
            )


def test_undo_is_an_event(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.records.add_source(_source(), [_record(1, title="a"), _record(2, title="b")])
        store.events.add_decision(
            NewDecision(1, Stage.TITLE_ABSTRACT, "alice", Verdict.EXCLUDE, reasons=["design"])
        )
        store.events.add_decision(
            NewDecision(
                2,
                Stage.TITLE_ABSTRACT,
                "alice",
                Verdict.INCLUDE,
                tags={"tissue": ["skin/wound"]},
                note="rat model",
            )
        )
        store.events.add_decision(NewDecision(1, Stage.TITLE_ABSTRACT, "alice", Verdict.UNDO))
        store.events.add_decision(NewDecision(2, Stage.TITLE_ABSTRACT, "bob", Verdict.MAYBE))
        events = store.events.decisions()
        assert [e.verdict for e in events] == ["exclude", "include", "undo", "maybe"]
        current = current_decisions(events)
        assert set(current) == {
            (2, Stage.TITLE_ABSTRACT, "alice"),
            (2, Stage.TITLE_ABSTRACT, "bob"),
        }
        assert current[(2, Stage.TITLE_ABSTRACT, "alice")].tags == {"tissue": ("skin/wound",)}
        assert len(store.events.decisions(reviewer="bob")) == 1


def test_the_screening_log_is_read_in_event_order_from_its_index(tmp_path: Path) -> None:
    """v6: a stage's decisions come in event order (time, uid, id) from one covering
    index, not a sort of the table, and in that order whatever order they were saved in;
    some records' decisions are still looked up by record."""
    with Store(tmp_path / "s.db") as store:
        store.records.add_source(_source(), [_record(1), _record(2)])
        rows = [  # saved out of time order, as a merged copy of another reviewer's work is
            (1, "title_abstract", "bob", "include", "2026-01-02T00:00:00.000000+00:00", "b"),
            (2, "title_abstract", "alice", "exclude", "2026-01-01T00:00:00.000000+00:00", "c"),
            (1, "title_abstract", "alice", "include", "2026-01-01T00:00:00.000000+00:00", "a"),
            (2, "full_text", "alice", "include", "2026-01-03T00:00:00.000000+00:00", "d"),
        ]
        with store.transaction():
            store.db.conn.executemany(
                "INSERT INTO decisions (record_id, stage, reviewer, verdict, created_at, uid) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
        assert store.events.verdicts(Stage.TITLE_ABSTRACT) == [
            (1, "alice", "include"),
            (2, "alice", "exclude"),
            (1, "bob", "include"),
        ]
        assert [e[:3] for e in store.events.screening_events(Stage.TITLE_ABSTRACT)] == [
            (1, "alice", "include"),
            (2, "alice", "exclude"),
            (1, "bob", "include"),
        ]
        for sql in (
            "SELECT record_id, reviewer, verdict FROM decisions WHERE stage = ? "
            "ORDER BY created_at, uid, id",
            "SELECT record_id, reviewer, verdict, reasons FROM decisions WHERE stage = ? "
            "ORDER BY created_at, uid, id",
        ):
            plan = " ".join(r[3] for r in store.db.execute(f"EXPLAIN QUERY PLAN {sql}", ["x"]))
            assert "COVERING INDEX decisions_events" in plan and "TEMP B-TREE" not in plan
        # Some records' decisions are still found through decisions_record, not by a scan.
        sql = """SELECT created_at, uid, id, record_id, reviewer, verdict, reasons
            FROM decisions WHERE stage = ? AND record_id IN (?, ?)"""  # as screening_events
        plan = " ".join(r[3] for r in store.db.execute(f"EXPLAIN QUERY PLAN {sql}", ["x", 1, 2]))
        assert "INDEX decisions_record (record_id=? AND stage=?)" in plan


def test_old_schema_opens_and_upgrades(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema_v1.db", path)
    with Store(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        (source,) = store.records.sources()
        assert (source.file_name, source.encoding, source.skipped_count) == ("old.nbib", "utf-8", 0)
        titles = [r.record.title for r in store.records.all()]
        assert titles == ["Secretome of adipose-derived stem cells", "Exosomes"]
        assert [d.reviewer for d in store.events.decisions()] == ["alice"]
        indexes = {row[1] for row in store.db.execute("PRAGMA index_list(records)")}
        assert {"records_doi", "records_pmid"} <= indexes
        decision_indexes = store.db.execute("PRAGMA index_list(decisions)")
        assert "decisions_events" in {row[1] for row in decision_indexes}
        # v3: duplicate links start empty and work on the old records
        assert store.links.last_run() is None
        assert store.links.events() == [] and store.links.study_map() == {}
        run = store.links.add_run(compared_up_to=2, records=2, candidates=1)
        store.links.add_events([NewDedupEvent(1, 2, LinkVerdict.SAME, LinkMethod.RULE)], run.id)
        store.links.replace_study_map({2: 1})
        assert store.links.study_of(2) == 1 and store.links.members(1) == [1, 2]
        assert store.links.events()[0].run_id == run.id == store.links.last_run().id  # type: ignore[union-attr]


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ScreenerError, match="newer screener"):
        Store(path)


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ScreenerError, match="cannot open the project database"):
        Store(path)


def test_two_writers_do_not_lose_work(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with Store(path) as store:
        store.records.add_source(_source(), [_record(i, title=str(i)) for i in range(1, 51)])

    def screen(reviewer: str) -> None:
        with Store(path) as mine:
            for record_id in range(1, 51):
                mine.events.add_decision(
                    NewDecision(record_id, Stage.TITLE_ABSTRACT, reviewer, Verdict.INCLUDE)
                )

    threads = [threading.Thread(target=screen, args=(name,)) for name in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Store(path) as store:
        assert len(store.events.decisions(reviewer="alice")) == 50
        assert len(store.events.decisions(reviewer="bob")) == 50


def test_error_while_streaming_records_rolls_back(tmp_path: Path) -> None:
    def records():
        for position in range(1, 5001):  # more than two write batches before the failure
            yield _record(position, title=f"t{position}")
        raise ValueError("parser failed at record 5001")

    with Store(tmp_path / "s.db") as store:
        before = store.dump()
        with pytest.raises(ValueError, match="5001"):
            store.records.add_source(_source(), records())
        assert store.dump() == before
        source = store.records.add_source(
            _source(), (_record(i, title="x") for i in range(1, 4002))
        )
        assert source.record_count == store.records.count() == 4001


@given(st.lists(st.text(max_size=30), max_size=6))
def test_string_lists_are_valid_json(items: list[str]) -> None:
    assert json.loads(_strings_json(tuple(items))) == items
    assert _strings_from_json(_strings_json(tuple(items))) == tuple(items)
    for written_elsewhere in (json.dumps(items), json.dumps(items, ensure_ascii=False)):
        assert _strings_from_json(written_elsewhere) == tuple(items)


def _linked_store(path: Path) -> Store:
    store = Store(path)
    store.records.add_source(_source(), [_record(i, title=f"t{i}") for i in range(1, 5)])
    return store


def _link(a: int, b: int, verdict: str = "same", method: str = "rule") -> NewDedupEvent:
    return NewDedupEvent(a, b, LinkVerdict(verdict), LinkMethod(method), 0.9, "why")


def test_dedup_log_is_append_only_and_checked(tmp_path: Path) -> None:
    with _linked_store(tmp_path / "s.db") as store:
        run = store.links.add_run(compared_up_to=4, records=4, candidates=1)
        assert store.links.add_events([_link(1, 2)], run_id=run.id) == 1
        store.links.add_events(
            [NewDedupEvent(1, 2, LinkVerdict.UNDO, LinkMethod.REVIEWER, reviewer="alice")]
        )
        (auto, undo) = store.links.events()
        assert (auto.record_a, auto.record_b, auto.verdict, auto.method) == (1, 2, "same", "rule")
        assert (auto.score, auto.reason, auto.reviewer, auto.run_id) == (0.9, "why", "", run.id)
        assert (undo.verdict, undo.reviewer, undo.run_id) == ("undo", "alice", None)
        for sql in (
            "DELETE FROM dedup_events",
            "UPDATE dedup_events SET verdict = 'different'",
            "DELETE FROM dedup_runs",
            "UPDATE dedup_runs SET compared_up_to = 0",
        ):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                store.db.execute(sql)
        for bad in (_link(2, 1), _link(1, 1), _link(1, 99)):  # order, self, no such record
            with pytest.raises(sqlite3.IntegrityError):
                store.links.add_events([bad])
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            store.db.execute(
                "INSERT INTO dedup_events (record_a, record_b, verdict, method, created_at)"
                " VALUES (1, 2, 'maybe', 'rule', 'now')"
            )
        assert len(store.links.events()) == 2


def test_dedup_events_are_written_all_or_none(tmp_path: Path) -> None:
    with _linked_store(tmp_path / "s.db") as store:
        before = store.dump()
        with pytest.raises(sqlite3.IntegrityError):
            store.links.add_events([_link(1, 2), _link(2, 3), _link(4, 3)])
        assert store.dump() == before


def test_study_map_is_rewritten_by_difference(tmp_path: Path) -> None:
    with _linked_store(tmp_path / "s.db") as store:
        assert store.links.replace_study_map({2: 1, 3: 1}) == 2
        changes = store.db.conn.total_changes
        assert store.links.replace_study_map({2: 1, 3: 1}) == 0
        assert store.db.conn.total_changes == changes  # nothing rewritten
        assert store.links.replace_study_map({2: 1, 4: 3}) == 2  # 3 gone, 4 added; 2 untouched
        assert store.links.study_map() == {2: 1, 4: 3}
        assert store.db.conn.total_changes == changes + 2
        assert store.links.study_of(4) == 3 and store.links.study_of(3) == 3
        assert store.links.members(1) == [1, 2] and store.links.members(3) == [3, 4]


def test_match_inputs_carry_only_what_matching_needs(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        store.records.add_source(
            _source(),
            [
                _record(
                    1,
                    title="A",
                    authors=("Smith, J", 'O"Brien'),
                    year=2020,
                    journal="J",
                    volume="3",
                    start_page="5",
                    end_page="9",
                    doi="10.1/a",
                    issn=("1234-5678",),
                    abstract="x" * 900,
                    raw={"TI": ["A"]},
                ),
                _record(2, title="B"),
            ],
        )
        first, second = store.records.match_inputs()
        assert first == MatchInput(
            id=1,
            title="A",
            authors=("Smith, J", 'O"Brien'),
            year=2020,
            journal="J",
            volume="3",
            start_page="5",
            end_page="9",
            doi="10.1/a",
            issn=("1234-5678",),
            abstract="x" * 300,
        )
        assert second == MatchInput(id=2, title="B")
        assert store.records.ids() == [1, 2]
        assert set(store.records.by_id([2, 7])) == {2}
        origins = list(store.records.origins())
        assert [(o.record_id, o.source_file, o.source_record_id) for o in origins] == [
            (1, "f.nbib", "1"),
            (2, "f.nbib", "2"),
        ]


def test_the_dedup_rule_column_is_added_once(tmp_path: Path) -> None:
    """A database that took the rule column under another schema number (a development
    branch) is brought up without adding it twice."""
    with Store(tmp_path / "p.db") as store:
        assert store.schema_version == SCHEMA_VERSION
    db = Database(str(tmp_path / "p.db"))
    try:
        MIGRATIONS[-1](db)  # the column is there: nothing to add, no error
        migrate(db)
        columns = [row[1] for row in db.execute("PRAGMA table_info(dedup_events)").fetchall()]
        assert columns.count("rule") == 1
    finally:
        db.close()
