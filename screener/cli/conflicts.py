"""Conflict commands: list the verdict and tag conflicts, resolve a verdict, set consensus
tags."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from screener.cli.common import (
    fail,
    opened_project,
    out,
    parse_tags,
    print_json,
    stage_callback,
    stage_option,
)
from screener.errors import ScreenerError
from screener.models import Decision, Stage, TagResolution, Verdict
from screener.project import Project
from screener.screening.decisions import resolve
from screener.screening.state import StageState
from screener.screening.studies import conflicts, review_state
from screener.screening.tags import StageTags, resolve_tags, tag_conflicts, tags_text


def _labels(project: Project, stage: Stage, codes: tuple[str, ...]) -> list[str]:
    rules = project.protocol.stages[stage]
    return [rules.label(code) for code in codes]


def _decision_dict(project: Project, d: Decision) -> dict[str, Any]:
    return {
        "reviewer": d.reviewer,
        "verdict": str(d.verdict),
        "reasons": list(d.reasons),
        "reason_labels": _labels(project, d.stage, d.reasons),
        "tags": {k: list(v) for k, v in d.tags.items()},
        "note": d.note,
        "decided_at": d.created_at.isoformat(),
    }


def _state_dict(project: Project, state: StageState) -> dict[str, Any]:
    return {
        "kind": "verdict",
        "study_id": state.study_id,
        "stage": str(state.stage),
        "decisions": [_decision_dict(project, d) for d in state.decisions],
    }


def _tag_resolution_dict(resolution: TagResolution | None) -> dict[str, Any] | None:
    if resolution is None:
        return None
    return {
        "resolver": resolution.resolver,
        "tags": {k: list(v) for k, v in resolution.tags.items()},
        "note": resolution.note,
        "resolved_at": resolution.created_at.isoformat(),
    }


def tags_dict(found: StageTags) -> dict[str, Any]:
    """A study's tags at a stage: each reviewer's side by side, the agreed part, and the
    resolution (one that a later change of tags has reopened, in a conflict)."""
    return {
        "stage": str(found.stage),
        "status": str(found.status),
        "by_reviewer": {
            who: {k: list(v) for k, v in tags.items()} for who, tags in found.by_reviewer.items()
        },
        "tags": {k: list(v) for k, v in found.tags.items()},
        "resolution": _tag_resolution_dict(found.resolution),
    }


def _verdict_table(project: Project, found: list[StageState]) -> Table:
    table = Table(title="Verdicts", title_justify="left", show_edge=False, header_style="bold")
    for column in ("study", "stage", "reviewer", "decision", "reasons", "note"):
        table.add_column(column, overflow="fold")
    for state in found:
        for d in state.decisions:
            table.add_row(
                str(state.study_id),
                str(state.stage),
                escape(d.reviewer),
                str(d.verdict),
                escape("; ".join(_labels(project, state.stage, d.reasons))),
                escape(d.note),
            )
    return table


def _tag_table(found: list[StageTags]) -> Table:
    table = Table(title="Tags", title_justify="left", show_edge=False, header_style="bold")
    for column in ("study", "stage", "reviewer", "tags"):
        table.add_column(column, overflow="fold")
    for conflict in found:
        for who, tags in conflict.by_reviewer.items():
            table.add_row(
                str(conflict.study_id),
                str(conflict.stage),
                escape(who),
                escape(tags_text(tags) or "(none)"),
            )
    return table


@click.command(name="conflicts")
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--stage", callback=stage_callback, help="Only this stage (default: both).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def conflicts_command(project: Path, stage: Stage | None, as_json: bool) -> None:
    """List the studies whose reviewers disagree, unblinded: verdicts (include or maybe
    against exclude; at full text also different exclusion reasons) and the tags of
    included studies (see docs/screening.md, "Tags"), each reviewer's side by side.

    \b
    Example:
      screener conflicts projects/my-review --stage ta --json
    """
    with opened_project(project) as opened:
        state = review_state(opened)  # once, for both kinds
        verdicts = conflicts(opened, stage, state)
        tagged = tag_conflicts(opened, stage, state)
        if as_json:
            print_json(
                [_state_dict(opened, s) for s in verdicts]
                + [{"kind": "tags", "study_id": t.study_id, **tags_dict(t)} for t in tagged]
            )
            return
        if not verdicts and not tagged:
            out.print("No conflicts waiting.")
            return
        if verdicts:
            out.print(_verdict_table(opened, verdicts))
        if tagged:
            out.print(_tag_table(tagged))
    out.print(
        f"{len(verdicts) + len(tagged)} conflict(s) waiting ({len(verdicts)} of verdicts, "
        f"{len(tagged)} of tags): `screener resolve`, `screener resolve-tags` or the TUI's "
        "conflicts screen"
    )


@click.command(name="resolve")
@click.argument("project", type=click.Path(path_type=Path))
@click.argument("verdict", type=click.Choice(["include", "exclude"]))
@click.option("--record", "record_id", type=int, required=True, help="Study id.")
@click.option("--resolver", required=True, help="Who resolves (a third reviewer or the pair).")
@stage_option
@click.option("--reason", "reasons", multiple=True, metavar="CODE", help="Exclusion reason code.")
@click.option("--note", default="", help="Why (kept in the audit trail).")
def resolve_command(
    project: Path,
    verdict: str,
    record_id: int,
    resolver: str,
    stage: Stage,
    reasons: tuple[str, ...],
    note: str,
) -> None:
    """Record the final decision on a study in conflict.

    \b
    Example:
      screener resolve projects/my-review include --record 12 --resolver carol \\
          --note "abstract mentions exosomes from adipose MSC"
    """
    with opened_project(project) as opened:
        try:
            made = resolve(opened, record_id, stage, resolver, Verdict(verdict), reasons, note)
        except ScreenerError as exc:
            fail(str(exc))
    who = escape(made.resolver)
    out.print(f"Resolved study {made.record_id} at {stage}: {made.verdict} ({who})")


@click.command(name="resolve-tags")
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--record", "record_id", type=int, required=True, help="Study id.")
@click.option("--resolver", required=True, help="Who sets the consensus tags.")
@click.option(
    "--tag", "tags", multiple=True, metavar="VOCAB=TERM", help="A consensus tag (repeat it)."
)
@click.option("--no-tags", is_flag=True, help="The consensus is no tags at all.")
@click.option(
    "--stage",
    callback=stage_callback,
    help="The stage whose tags are in conflict (default: the study's tag conflict).",
)
@click.option("--note", default="", help="Why (kept in the audit trail).")
def resolve_tags_command(
    project: Path,
    record_id: int,
    resolver: str,
    tags: tuple[str, ...],
    no_tags: bool,
    stage: Stage | None,
    note: str,
) -> None:
    """Set the consensus tags of a study whose reviewers' tags disagree: the whole set, which
    the evidence table and map then use (see docs/screening.md, "Tags").

    \b
    Example:
      screener resolve-tags projects/my-review --record 12 --resolver carol \\
          --tag tissue=skin/wound --tag model=mouse --note "bone was a slip"
    """
    if bool(tags) == no_tags:
        raise click.UsageError("give the consensus with --tag VOCAB=TERM (repeated) or --no-tags")
    parsed = parse_tags(tags)
    with opened_project(project) as opened:
        try:
            made = resolve_tags(opened, record_id, resolver, parsed, stage=stage, note=note)
        except ScreenerError as exc:
            fail(str(exc))
    shown = escape(tags_text(made.tags) or "no tags")
    out.print(f"Study {made.record_id} at {made.stage}: tags {shown} ({escape(made.resolver)})")
