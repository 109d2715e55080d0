"""Replay an audit JSONL file into the PRISMA 2020 counts, with no project at hand: a reader
of a review can check every number of its flow diagram from the published log.

Only the JSONL is read. Studies are rebuilt from the link events with the protocol's
``merge_preprints`` setting (as `screener dedup` derives them); the second-review sample
from each study's stable key (as review.py does); then prisma.py counts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from screener.dedup.links import cluster, pair_states
from screener.errors import ScreenerError
from screener.models import (
    Decision,
    DedupEvent,
    LinkMethod,
    LinkVerdict,
    Resolution,
    Retrieval,
    RetrievalStatus,
    SourceMethod,
    Stage,
    Verdict,
)
from screener.prisma.counts import PrismaCounts, PrismaInputs, SourceFigures, prisma_counts
from screener.prisma.stages import light_verdicts
from screener.screening.state import reviews_needed
from screener.store.audit import AUDIT_FORMAT, AUDIT_VERSION


def replay_file(path: Path) -> PrismaCounts:
    """The PRISMA counts of the audit log at ``path``."""
    try:
        with path.open(encoding="utf-8") as handle:
            return replay_lines(handle, name=str(path))
    except OSError as exc:
        raise ScreenerError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ScreenerError(f"{path}: not UTF-8 text; is it an audit .jsonl file?") from None


def replay_lines(lines: Iterable[str], name: str = "audit log") -> PrismaCounts:
    """The PRISMA counts of an audit log given as its lines."""
    return prisma_counts(replay_inputs(lines, name))


def replay_inputs(lines: Iterable[str], name: str = "audit log") -> PrismaInputs:
    """Parse the log's events into what prisma.py counts."""
    header: dict[str, Any] | None = None
    sources: list[SourceFigures] = []
    record_sources: dict[int, int] = {}
    keys: dict[int, tuple[str, int]] = {}
    links: list[DedupEvent] = []
    decisions: list[Decision] = []
    resolutions: list[Resolution] = []
    retrievals: list[Retrieval] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
            kind = event["kind"]
            if header is None:
                header = _header(event)
                continue
            if kind == "source":
                sources.append(
                    SourceFigures(
                        event["id"],
                        event["database"],
                        SourceMethod(event["method"]),
                        event["records"],
                        event["skipped"],
                    )
                )
                for record_id, position in event["record_positions"]:
                    record_sources[record_id] = event["id"]
                    keys[record_id] = (event["sha256"], position)
            elif kind == "link":
                links.append(_link(event))
            elif kind == "decision":
                decisions.append(_decision(event))
            elif kind == "resolution":
                resolutions.append(_resolution(event))
            elif kind == "retrieval":
                retrievals.append(_retrieval(event))
        except ScreenerError as exc:
            raise ScreenerError(f"{name}, line {number}: {exc}") from None
        except json.JSONDecodeError as exc:
            raise ScreenerError(
                f"{name}, line {number}: not JSON ({exc.msg}); is this an audit .jsonl file?"
            ) from None
        except (ValueError, KeyError, TypeError) as exc:
            raise ScreenerError(f"{name}, line {number}: not an audit event ({exc!r})") from None
    if header is None:
        raise ScreenerError(f"{name}: empty; an audit log starts with its header line")
    protocol = header["protocol"]
    states = pair_states(links)
    study_of = cluster(record_sources, states, merge_preprints=protocol["merge_preprints"]).study_of
    report_of = (
        cluster(record_sources, states, merge_preprints=False).study_of
        if protocol["merge_preprints"]
        else study_of
    )
    needed = _needed(
        protocol,
        keys,
        study_of,
        {d.record_id for d in decisions} | {r.record_id for r in resolutions},
    )
    return PrismaInputs(
        sources=sources,
        record_sources=record_sources,
        study_of=study_of,
        report_of=report_of,
        title_abstract=light_verdicts(decisions),
        full_text=[d for d in decisions if d.stage is Stage.FULL_TEXT],
        resolutions=resolutions,
        retrievals=retrievals,
        reviews_needed=needed,
        full_text_reasons=dict(protocol["full_text_reasons"]),
    )


def _header(event: dict[str, Any]) -> dict[str, Any]:
    if event.get("kind") != "audit" or event.get("format") != AUDIT_FORMAT:
        raise ScreenerError("the first line is not a screener audit header")
    if event.get("version") != AUDIT_VERSION:
        raise ScreenerError(
            f"audit format version {event.get('version')!r}; this screener reads {AUDIT_VERSION}"
        )
    return event


def _needed(
    protocol: dict[str, Any],
    keys: dict[int, tuple[str, int]],
    study_of: dict[int, int],
    decided: set[int],
) -> dict[int, int]:
    """Reviewers needed per decided study, from its key: the smallest (sha256, position)
    of its records, as review.study_keys."""
    touched = {study_of.get(r, r) for r in decided}
    smallest: dict[int, tuple[str, int]] = {}
    for record_id, key in keys.items():
        study = study_of.get(record_id, record_id)
        if study in touched and (study not in smallest or key < smallest[study]):
            smallest[study] = key
    dual, percent = protocol["dual_screening"], protocol["second_review_percent"]
    return {
        study: reviews_needed("{}:{}".format(*key), dual=dual, second_review_percent=percent)
        for study, key in smallest.items()
    }


def _time(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(event["time"])


def _link(e: dict[str, Any]) -> DedupEvent:
    return DedupEvent(
        e["id"],
        e["record"],
        e["other_record"],
        LinkVerdict(e["verdict"]),
        LinkMethod(e["method"]),
        e["score"],
        e["reason"],
        e["reviewer"],
        e["run_id"],
        _time(e),
        e.get("rule", ""),  # logs written before rules were named have none
    )


def _decision(e: dict[str, Any]) -> Decision:
    tags = {k: tuple(v) for k, v in e["tags"].items()}
    return Decision(
        e["id"],
        e["record"],
        Stage(e["stage"]),
        e["reviewer"],
        Verdict(e["verdict"]),
        tuple(e["reasons"]),
        tags,
        e["note"],
        _time(e),
        e["uid"],
    )


def _resolution(e: dict[str, Any]) -> Resolution:
    return Resolution(
        e["id"],
        e["record"],
        Stage(e["stage"]),
        e["resolver"],
        Verdict(e["verdict"]),
        tuple(e["reasons"]),
        e["note"],
        _time(e),
        e["uid"],
    )


def _retrieval(e: dict[str, Any]) -> Retrieval:
    return Retrieval(
        e["id"],
        e["record"],
        RetrievalStatus(e["status"]),
        e["reason"],
        e["pdf_path"],
        e["reviewer"],
        _time(e),
        e["uid"],
    )
