"""`screener show`: one study in full, unblinded once its review is complete."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from screener.cli.common import STAGE_NAMES, fail, opened_project, out, print_json
from screener.cli.conflicts import tags_dict
from screener.errors import ScreenerError
from screener.models import Decision
from screener.project import Project
from screener.screening.detail import StageDetail, StudyDetail, study_detail
from screener.screening.tags import TagStatus, tags_text


def _decision(project: Project, d: Decision) -> dict[str, Any]:
    rules = project.protocol.stages[d.stage]
    return {
        "reviewer": d.reviewer,
        "verdict": str(d.verdict),
        "reasons": list(d.reasons),
        "reason_labels": [rules.label(code) for code in d.reasons],
        "tags": {k: list(v) for k, v in d.tags.items()},
        "note": d.note,
        "decided_at": d.created_at.isoformat(),
    }


def _stage_dict(project: Project, stage: StageDetail) -> dict[str, Any]:
    resolution = stage.resolution
    rules = project.protocol.stages[stage.stage]
    return {
        "stage": str(stage.stage),
        "status": str(stage.status),
        "reviewers_needed": stage.needed,
        "reviewers_decided": stage.decided,
        "blind": stage.blind,
        "decisions": [_decision(project, d) for d in stage.decisions],
        "resolution": None
        if resolution is None
        else {
            "resolver": resolution.resolver,
            "verdict": str(resolution.verdict),
            "reasons": list(resolution.reasons),
            "reason_labels": [rules.label(code) for code in resolution.reasons],
            "note": resolution.note,
            "resolved_at": resolution.created_at.isoformat(),
        },
        "tags": None if stage.tags is None else tags_dict(stage.tags),
    }


def detail_dict(project: Project, detail: StudyDetail) -> dict[str, Any]:
    """The JSON of `screener show` (keys in docs/cli.md)."""
    citation, retrieval = detail.citation, detail.retrieval
    return {
        "study_id": detail.study_id,
        "viewer": detail.viewer,
        "title": citation.title,
        "authors": list(citation.authors),
        "year": citation.year,
        "journal": citation.journal,
        "doi": citation.doi,
        "pmid": citation.pmid,
        "records": [
            {
                "record_id": r.record_id,
                "database": r.database,
                "file": r.file_name,
                "source_record_id": r.source_record_id,
                "type": r.type,
                "year": r.year,
                "title": r.title,
            }
            for r in detail.records
        ],
        "stages": [_stage_dict(project, s) for s in detail.stages],
        "retrieval": None
        if retrieval is None
        else {
            "status": str(retrieval.status),
            "reason": retrieval.reason,
            "pdf_path": retrieval.pdf_path,
            "reviewer": retrieval.reviewer,
            "marked_at": retrieval.created_at.isoformat(),
        },
        "tags": None
        if detail.tags is None
        else {
            "status": str(detail.tags.status),
            "stage": str(detail.tags.latest.stage),
            "tags": {k: list(v) for k, v in detail.tags.tags.items()},
        },
    }


def _records_table(detail: StudyDetail) -> Table:
    table = Table(title="Records", title_justify="left", show_edge=False, header_style="bold")
    for column in ("record", "database", "file", "id in file", "type", "year"):
        table.add_column(column, overflow="fold", no_wrap=column in ("record", "file", "year"))
    for r in detail.records:
        table.add_row(
            str(r.record_id),
            escape(r.database),
            escape(r.file_name),
            escape(r.source_record_id),
            escape(r.type),
            str(r.year or ""),
        )
    return table


def _stage_lines(project: Project, stage: StageDetail, viewer: str | None) -> list[str | Table]:
    rules = project.protocol.stages[stage.stage]
    head = (
        f"[bold]{STAGE_NAMES[str(stage.stage)]}[/]: {stage.status} "
        f"({stage.decided} of {stage.needed} reviewer(s) needed decided)"
    )
    lines: list[str | Table] = [head]
    if stage.blind and stage.decided:
        whose = "only your own decision is shown" if viewer else "no decision is shown"
        lines.append(f"  still blind: {whose} until every reviewer needed has decided")
    if stage.decisions:
        table = Table(show_edge=False, header_style="bold", box=None, padding=(0, 1))
        for column in ("reviewer", "decision", "reasons", "tags", "note"):
            table.add_column(column, overflow="fold")
        for d in stage.decisions:
            table.add_row(
                escape(d.reviewer),
                str(d.verdict),
                escape("; ".join(rules.label(code) for code in d.reasons)),
                escape(tags_text(d.tags)),
                escape(d.note),
            )
        lines.append(table)
    if stage.resolution is not None:
        r = stage.resolution
        why = "; ".join(rules.label(code) for code in r.reasons)
        lines.append(
            f"  resolved: {r.verdict} by {escape(r.resolver)}"
            + (f" · {escape(why)}" if why else "")
            + (f" · {escape(r.note)}" if r.note else "")
        )
    if stage.tags is not None:
        found = stage.tags
        if found.status is TagStatus.CONFLICT:
            lines.append(
                f"  tags: in conflict; agreed part: {escape(tags_text(found.tags)) or '-'}"
            )
        else:
            by = f" by {escape(found.resolution.resolver)}" if found.resolution else ""
            lines.append(f"  tags {found.status}{by}: {escape(tags_text(found.tags)) or '-'}")
    return lines


def print_detail(project: Project, detail: StudyDetail) -> None:
    c = detail.citation
    out.print(f"[bold]Study {detail.study_id}[/]: {escape(c.title)}")
    where = " · ".join(
        part
        for part in (
            escape("; ".join(c.authors)),
            str(c.year or ""),
            escape(c.journal),
            f"doi {escape(c.doi)}" if c.doi else "",
            f"pmid {escape(c.pmid)}" if c.pmid else "",
        )
        if part
    )
    if where:
        out.print(f"  {where}")
    out.print(_records_table(detail))
    for stage in detail.stages:
        for line in _stage_lines(project, stage, detail.viewer):
            out.print(line)
    if detail.retrieval is not None:
        r = detail.retrieval
        extra = r.reason or r.pdf_path
        out.print(f"Report: {r.status}" + (f" · {escape(extra)}" if extra else ""))


@click.command(name="show")
@click.argument("project", type=click.Path(path_type=Path))
@click.argument("study", type=int)
@click.option(
    "--reviewer",
    help="Whose own decisions to show where the study is still blind "
    "(default: $SCREENER_REVIEWER; none: only finished stages show decisions).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys in docs/cli.md).")
def show_command(project: Path, study: int, reviewer: str | None, as_json: bool) -> None:
    """Show one study: its records and the database each came from, and at each stage every
    reviewer's verdict, reasons, tags and note, the resolution and the tags in force, once
    the stage's review is complete (agreed, in conflict or resolved). While a stage is still
    blind only the viewer's own decision is shown, and how many reviewers have decided.

    \b
    Example:
      screener show projects/my-review 12
      screener show projects/my-review 12 --reviewer alice --json
    """
    viewer = reviewer or os.environ.get("SCREENER_REVIEWER") or None
    with opened_project(project) as opened:
        try:
            detail = study_detail(opened, study, viewer)
        except ScreenerError as exc:
            fail(str(exc))
        if as_json:
            print_json(detail_dict(opened, detail))
        else:
            print_detail(opened, detail)
