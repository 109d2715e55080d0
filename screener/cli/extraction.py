"""Extraction commands (set, show, conflicts, resolve) and the evidence table and map exports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from screener.cli.common import REVIEWER_HELP, fail, opened_project, out, print_json, reviewer_name
from screener.errors import ScreenerError
from screener.extraction.service import (
    FieldState,
    FieldStatus,
    StudyExtraction,
    conflicts,
    field_named,
    form_fields,
    format_value,
    included_check,
    parse_text,
    project_extractions,
    record_values,
)
from screener.project import Project


@click.group(name="extract")
def extract() -> None:
    """Data extraction of the studies included at full text, with the form of
    protocol.toml's [extraction] section; with dual = true two reviewers extract every
    study and differing values get a consensus value (`extract resolve`).

    \b
    Example:
      screener extract set projects/my-review 12 dose "10 µg" --reviewer alice
      screener extract conflicts projects/my-review
    """


def _record(
    project_path: Path,
    study: int,
    field: str,
    value: str,
    unit: str | None,
    reviewer: str,
    consensus: bool,
) -> None:
    with opened_project(project_path) as project:
        try:
            form_field = field_named(project, field)
            parsed = parse_text(form_field, value, unit)
            (event,) = record_values(project, study, reviewer, {field: parsed}, consensus=consensus)
        except ScreenerError as exc:
            fail(str(exc))
        what = "consensus" if consensus else "value"
        shown = format_value(event.value) or "(cleared)"
        out.print(
            f"Saved {what} of study {event.record_id}, {escape(form_field.label)}: "
            f"{escape(shown)} ({escape(event.reviewer)})"
        )


@extract.command(name="set")
@click.argument("project", type=click.Path(path_type=Path))
@click.argument("study", type=int)
@click.argument("field")
@click.argument("value")
@click.option("--unit", help='The unit of a number_unit field (or write VALUE as "10 µg").')
@click.option("--reviewer", help=REVIEWER_HELP)
def extract_set(
    project: Path, study: int, field: str, value: str, unit: str | None, reviewer: str | None
) -> None:
    """Record your value of FIELD for STUDY (a record id of an included study). Several
    terms of a multi field are separated by ";"; an empty VALUE clears your value (a new
    event: the old one stays in the log).

    \b
    Example:
      screener extract set projects/my-review 12 fraction exosomes --reviewer alice
      screener extract set projects/my-review 12 tissue "bone; cartilage" --reviewer alice
      screener extract set projects/my-review 12 dose 10 --unit µg --reviewer alice
    """
    _record(project, study, field, value, unit, reviewer_name(reviewer), consensus=False)


@extract.command(name="resolve")
@click.argument("project", type=click.Path(path_type=Path))
@click.argument("study", type=int)
@click.argument("field")
@click.argument("value")
@click.option("--unit", help='The unit of a number_unit field (or write VALUE as "10 µg").')
@click.option("--reviewer", help="Who sets the consensus value (default: $SCREENER_REVIEWER).")
def extract_resolve(
    project: Path, study: int, field: str, value: str, unit: str | None, reviewer: str | None
) -> None:
    """Set the consensus value of FIELD for STUDY after dual extraction; it is in force
    whatever the reviewers entered. An empty VALUE withdraws the consensus.

    \b
    Example:
      screener extract resolve projects/my-review 12 fraction exosomes --reviewer alice
    """
    _record(project, study, field, value, unit, reviewer_name(reviewer), consensus=True)


def _state_dict(state: FieldState) -> dict[str, Any]:
    return {
        "field": state.field.name,
        "status": str(state.status),
        "values": dict(state.values),
        "consensus": None if state.consensus is None else state.consensus.value,
        "in_force": state.value,
    }


@extract.command(name="show")
@click.argument("project", type=click.Path(path_type=Path))
@click.argument("study", type=int, required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys in docs/cli.md).")
def extract_show(project: Path, study: int | None, as_json: bool) -> None:
    """Show the extraction of every included study (values in force and progress), or of
    one STUDY field by field with each reviewer's value.

    \b
    Example:
      screener extract show projects/my-review
      screener extract show projects/my-review 12 --json
    """
    with opened_project(project) as opened:
        try:
            form_fields(opened)
            found = project_extractions(opened, _one(opened, study))
        except ScreenerError as exc:
            fail(str(exc))
        if as_json:
            print_json(
                [
                    {
                        "study": s,
                        "reviewers": e.reviewers,
                        "fields": [_state_dict(f) for f in e.fields],
                    }
                    for s, e in found.items()
                ]
            )
            return
        if study is not None:
            _print_study(opened, found[next(iter(found))].fields)
            return
        table = _overview(found, opened.protocol.extraction.dual)
        out.print(f"{len(found)} included stud{'y' if len(found) == 1 else 'ies'}")
        if found:
            out.print(table)


def _overview(found: dict[int, StudyExtraction], dual: bool) -> Table:
    """A row per study: who filled how much and how the fields compare; with single
    extraction nothing is compared, so a field is filled or missing."""
    statuses = (
        (FieldStatus.EQUAL, FieldStatus.DIFFER, FieldStatus.RESOLVED, FieldStatus.MISSING)
        if dual
        else (FieldStatus.FILLED, FieldStatus.MISSING)
    )
    who = "filled in" if dual else "extracted by"
    table = Table(show_edge=False, header_style="bold")
    for column in ("study", who, *statuses):
        table.add_column(str(column), justify="left" if column == who else "right")
    for study_id, e in found.items():
        if dual:
            filled = ", ".join(f"{r} {e.done(r)}/{len(e.fields)}" for r in e.reviewers)
        else:
            filled = ", ".join(e.reviewers)
        counts = [str(e.count(s)) for s in statuses]
        table.add_row(str(study_id), escape(filled or "–"), *counts)
    return table


def _one(project: Project, study: int | None) -> list[int] | None:
    if study is None:
        return None
    return [included_check(project, study)]


def _print_study(project: Project, fields: tuple[FieldState, ...]) -> None:
    reviewers = sorted({r for f in fields for r in f.values})
    table = Table(show_edge=False, header_style="bold")
    for column in ("field", *reviewers, "consensus", "status", "in force"):
        table.add_column(escape(column))
    for f in fields:
        cells = [escape(format_value(f.values.get(r))) for r in reviewers]
        agreed = "" if f.consensus is None else format_value(f.consensus.value)
        table.add_row(
            escape(f.field.label),
            *cells,
            escape(agreed),
            str(f.status),
            escape(format_value(f.value)),
        )
    out.print(table)


@extract.command(name="conflicts")
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys in docs/cli.md).")
def extract_conflicts(project: Path, as_json: bool) -> None:
    """List the fields where two reviewers' values differ and no consensus is set.

    \b
    Example:
      screener extract conflicts projects/my-review --json
    """
    with opened_project(project) as opened:
        try:
            form_fields(opened)
            found = conflicts(opened)
        except ScreenerError as exc:
            fail(str(exc))
        if as_json:
            print_json([{"study": s, **_state_dict(f)} for s, f in found])
            return
        if not found:
            out.print("No differing values: every compared field agrees or has a consensus.")
            return
        out.print(f"{len(found)} field(s) differ:")
        for study, f in found:
            given = "; ".join(f"{r}: {format_value(v)}" for r, v in f.values.items())
            out.print(f"  study {study} · {escape(f.field.name)} · {escape(given)}")
