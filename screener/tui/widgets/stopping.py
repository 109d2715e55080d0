"""The dashboard's stopping aid: how far the current reviewer's title/abstract screening
has got towards finding every relevant record (advice only; it never excludes anything)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.widgets import Static

from screener.models import Stage
from screener.project import Project, open_project
from screener.screening.state import event_order, includes
from screener.screening.stopping import stopping_estimate
from screener.screening.studies import my_decisions


def stopping_figures(project: Project, reviewer: str) -> dict[str, Any]:
    """The stopping aid's figures for ``reviewer`` at title/abstract, from their own
    decisions in the order they made them (read on the calling thread's connection)."""
    mine = sorted(my_decisions(project, reviewer, Stage.TITLE_ABSTRACT).values(), key=event_order)
    labels = [int(includes(d.verdict)) for d in mine]
    total = len(project.store.links.study_ids())
    return {"reviewer": reviewer, **stopping_estimate(labels, total).as_dict()}


def stopping_text(figures: dict[str, Any]) -> Text:
    """Two lines for the dashboard."""
    text = Text.assemble(
        "\n", ("Stopping aid", "bold"), (" (title/abstract, your decisions)\n", "dim")
    )
    if not figures["screened"]:
        text.append("Nothing screened yet.")
        return text
    text.append(
        f"{figures['screened']} of {figures['total']} screened · {figures['relevant']} "
        f"included or maybe · {figures['since_last_relevant']} screened since the last include. "
    )
    bound = figures["recall_bound"]
    if bound is None:
        text.append("Recall cannot yet be shown to reach 50% (95% confidence).", "yellow")
    else:
        style = "bold green" if bound >= 0.95 else "yellow"
        text.append(f"Recall ≥ {bound:.0%} with 95% confidence", style)
        text.append(f" (stopping test p = {figures['p_at_95']:.3f} for 95% recall).", "dim")
    return text


class StoppingAid(Static):
    """The stopping aid, computed on its own worker thread and connection."""

    def refresh_figures(self) -> None:
        self._gather()

    @work(thread=True, exclusive=True, group="stopping")
    def _gather(self) -> None:
        app = self.app
        with open_project(app.project_path) as project:  # type: ignore[attr-defined]
            figures = stopping_figures(project, str(app.reviewer))  # type: ignore[attr-defined]
        app.call_from_thread(self.update, stopping_text(figures))
