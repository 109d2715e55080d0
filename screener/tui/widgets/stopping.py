"""The dashboard's stopping aid: how far the current reviewer's title/abstract screening
has got towards finding every relevant record (advice only; it never excludes anything)."""

from __future__ import annotations

from rich.text import Text
from textual import getters, work
from textual.widgets import Static

from screener.project import open_project
from screener.screening.stopping import StoppingEstimate, reviewer_stopping
from screener.tui.session import SessionApp


def stopping_text(estimate: StoppingEstimate) -> Text:
    """Two lines for the dashboard."""
    text = Text.assemble(
        "\n", ("Stopping aid", "bold"), (" (title/abstract, your decisions)\n", "dim")
    )
    if not estimate.screened:
        text.append("Nothing screened yet.")
        return text
    text.append(
        f"{estimate.screened} of {estimate.total} screened · {estimate.relevant} "
        f"included or maybe · {estimate.since_last_relevant} screened since the last include. "
    )
    bound = estimate.recall_bound
    if bound is None:
        text.append("Recall cannot yet be shown to reach 50% (95% confidence).", "yellow")
    else:
        style = "bold green" if bound >= 0.95 else "yellow"
        text.append(f"Recall ≥ {bound:.0%} with 95% confidence", style)
        text.append(f" (stopping test p = {estimate.p_at_95:.3f} for 95% recall).", "dim")
    return text


class StoppingAid(Static):
    """The stopping aid, computed on its own worker thread and connection."""

    app = getters.app(SessionApp)

    def refresh_figures(self) -> None:
        self._gather()

    @work(thread=True, exclusive=True, group="stopping")
    def _gather(self) -> None:
        app = self.app
        with open_project(app.project_path) as project:
            estimate = reviewer_stopping(project, app.reviewer)
        app.call_from_thread(self.update, stopping_text(estimate))
