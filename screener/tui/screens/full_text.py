"""What the screening screen does at full text only: the retrieval mark of a report (sought,
retrieved with its PDF, not retrieved), opening the PDF, and a decision on a report not yet
marked retrieved (the mark recorded with it, once the reviewer confirms)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable

from screener.errors import ScreenerError
from screener.models import Retrieval, RetrievalStatus
from screener.project import Project
from screener.screening import decisions as review
from screener.tui.modals.choice import ChoiceModal
from screener.tui.modals.prompt import PromptModal
from screener.tui.session import ScreenerScreen

RETRIEVAL_OPTIONS = [
    (RetrievalStatus.SOUGHT.value, "Sought (requested, not yet here)"),
    (RetrievalStatus.RETRIEVED.value, "Retrieved: give the PDF's path"),
    (RetrievalStatus.NOT_RETRIEVED.value, "Not retrieved: give the reason"),
]


class FullTextActions(ScreenerScreen[None]):
    """The full-text keys of :class:`screener.tui.screens.screening.ScreeningScreen`."""

    retrievals: dict[int, Retrieval]
    status_text: str

    @property
    def project(self) -> Project:
        return self.app.project

    @property
    def current(self) -> int | None:
        raise NotImplementedError

    def _show_decision(self) -> None:
        raise NotImplementedError

    def action_retrieval(self) -> None:
        study = self.current
        if study is None:
            return

        def save(status: RetrievalStatus, reason: str = "", pdf: str = "") -> None:
            """Record the mark; a refusal (no such PDF) is raised to the path dialog."""
            made = review.set_retrieval(
                self.project, study, status, self.app.reviewer, reason=reason, pdf_path=pdf
            )
            self.retrievals[study] = made
            self.status_text = f"Saved: full text {status.value.replace('_', ' ')}"
            self._show_decision()

        def picked(value: str | None) -> None:
            if value is None:
                return
            status = RetrievalStatus(value)
            if status is RetrievalStatus.SOUGHT:
                try:
                    save(status)
                except ScreenerError as exc:
                    self.notify(str(exc), severity="error", markup=False)
            elif status is RetrievalStatus.RETRIEVED:
                self.app.ask(
                    PromptModal("PDF path (relative to the project folder)"),
                    lambda path: save(status, pdf=path) if path is not None else None,
                )
            else:
                self.app.ask(
                    PromptModal("Why could the report not be retrieved?"),
                    lambda reason: save(status, reason=reason) if reason is not None else None,
                )

        self.app.ask(ChoiceModal(f"Full text of study {study}", RETRIEVAL_OPTIONS), picked)

    def confirm_retrieved(self, study: int, message: str, then: Callable[[], None]) -> None:
        """A full-text decision was refused for want of the retrieved mark: offer to record
        the mark with the decision (``then``), as `screener decide --retrieved` does."""
        options = [("yes", "Yes: mark the report retrieved and record the decision")]
        self.app.ask(
            ChoiceModal(message, options, hint="1 to confirm · Esc to cancel (f: retrieval)"),
            lambda answer: then() if answer == "yes" else None,
        )

    def action_open_pdf(self) -> None:
        study = self.current
        path = review.pdf_file(self.project, self.retrievals.get(study)) if study else None
        if path is None:
            self.notify("No PDF recorded for this study (f to record one)")
            return
        viewer = shutil.which("xdg-open") or shutil.which("open")
        if viewer is None:
            self.notify(f"No system viewer found; the PDF is at {path}", markup=False)
            return
        subprocess.Popen([viewer, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
