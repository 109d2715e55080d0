"""The screening screen: one study at a time, decided with one key, blind to other reviewers."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Mapping, Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Footer, Header, ProgressBar, Static
from textual.worker import get_current_worker

from screener.dedup.service import study_of, study_records
from screener.errors import ScreenerError
from screener.models import Decision, NewDecision, Retrieval, RetrievalStatus, Stage, Verdict
from screener.project import Project, open_project
from screener.screening import decisions as review
from screener.screening import studies
from screener.screening.queue import screening_queue
from screener.screening.ranking import (
    ProjectFeatures,
    Ranking,
    cold_start_scores,
    project_features,
    rank,
)
from screener.tui.modals.choice import ChoiceModal
from screener.tui.modals.prompt import PromptModal
from screener.tui.modals.terms import TermsModal
from screener.tui.session import ScreenerScreen
from screener.tui.text import STAGE_LABELS, literal
from screener.tui.widgets.study import (
    StudyView,
    criteria_text,
    decision_text,
    relevance_text,
    retrieval_text,
)


class ScreeningScreen(ScreenerScreen[None]):
    """Shows the reviewer's queue at one stage; each decision is committed before the next
    study is shown."""

    BINDINGS = [
        Binding("i,right", "decide('include')", "Include", id="include"),
        Binding("e,left", "decide('exclude')", "Exclude", id="exclude"),
        Binding("m", "decide('maybe')", "Maybe", id="maybe"),
        Binding("r", "exclude_with_reason", "Exclude+reason", id="reason"),
        Binding("t", "tag", "Tag", id="tag"),
        Binding("n", "note", "Note", id="note"),
        Binding("u", "undo", "Undo", id="undo"),
        Binding("j,down", "move(1)", "Next", id="next"),
        Binding("k,up", "move(-1)", "Previous", id="previous"),
        Binding("f", "retrieval", "Retrieval", id="retrieval"),
        Binding("o", "open_pdf", "Open PDF", show=False, id="open-pdf"),
        Binding("pagedown,space", "scroll(1)", "Scroll down", show=False, id="scroll-down"),
        Binding("pageup", "scroll(-1)", "Scroll up", show=False, id="scroll-up"),
        Binding("slash", "app.open_screen('search')", "Search", id="search"),
        Binding("h", "app.open_screen('history')", "History", show=False, id="history"),
        Binding("d", "app.open_screen('dashboard')", "Dashboard", show=False, id="dashboard"),
        Binding("escape", "app.open_screen('dashboard')", "Dashboard", show=False),
    ]

    position: reactive[int] = reactive(0, init=False)

    def __init__(self, stage: Stage = Stage.TITLE_ABSTRACT) -> None:
        super().__init__()
        self.stage = stage
        self.ids: list[int] = []
        self.mine: dict[int, Decision] = {}
        self.pending_tags: dict[int, dict[str, tuple[str, ...]]] = {}
        self.pending_note: dict[int, str] = {}
        self.retrievals: dict[int, Retrieval] = {}
        self.status_text = ""
        self.decided = 0  # how many of ``ids`` this reviewer has decided (kept, not counted)
        # Ranked order: the latest ranking, and the features it reuses (built once, on the
        # ranking worker's thread; the lock keeps two workers from building them at once).
        self.ranking: Ranking | None = None
        self._features: ProjectFeatures | None = None
        self._ranking_lock = threading.Lock()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide what the stage has not got: maybe at full text, retrieval at title/abstract."""
        full_text = self.stage is Stage.FULL_TEXT
        if action == "decide" and parameters == ("maybe",):
            return not full_text
        if action in ("retrieval", "open_pdf"):
            return full_text
        return True

    @property
    def project(self) -> Project:
        return self.app.project

    @property
    def reviewer(self) -> str:
        return self.app.reviewer

    @property
    def ranked(self) -> bool:
        return (self.app.order or self.project.protocol.queue_order) == "ranked"

    @property
    def current(self) -> int | None:
        return self.ids[self.position] if 0 <= self.position < len(self.ids) else None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="progress-row"):
            yield Static(id="progress-label")
            yield ProgressBar(total=1, show_eta=False, id="progress")
        with Horizontal(id="body"):
            yield StudyView(id="record")
            with VerticalScroll(id="criteria", can_focus=False):
                yield Static(id="criteria-text")
        yield Static(id="decision")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"{STAGE_LABELS[self.stage]} screening"
        self.query_one("#criteria-text", Static).update(criteria_text(self.project.protocol))
        self.reload()

    # -- the queue -------------------------------------------------------------------------

    def reload(self, keep: int | None = None) -> None:
        """Rebuild the queue (still-to-decide first) and show ``keep`` or the first study."""
        app = self.app
        seed = app.seed
        scores = None
        if self.ranked:  # the last ranking, else the cold start; never trained here
            scores = (
                self.ranking.scores
                if self.ranking
                else cold_start_scores(
                    self.project, self.project.protocol.seed if seed is None else seed
                )
            )
        try:
            self.ids = screening_queue(
                self.project,
                self.reviewer,
                self.stage,
                order=app.order,
                seed=seed,
                scores=scores,
            )
        except ScreenerError as exc:
            self.notify(str(exc), severity="error", markup=False)
            self.ids = []
        self.mine = studies.my_decisions(self.project, self.reviewer, self.stage)
        self.decided = sum(1 for s in self.ids if s in self.mine)
        if self.stage is Stage.FULL_TEXT:
            self.retrievals = studies.current_retrievals(self.project)
        target = keep if keep in self.ids else self._next_undecided(-1)
        self.show_position(self.ids.index(target) if target in self.ids else 0)
        if self.ranked:
            self.retrain()

    # -- the ranking -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="ranking")
    def retrain(self) -> None:
        """Retrain the ranking on the reviewer's own decisions, on this thread's own
        connection; the screen never waits for it (it re-orders when the scores arrive)."""
        app = self.app
        with self._ranking_lock, open_project(app.project_path) as project:
            if get_current_worker().is_cancelled:
                return  # a newer decision started a newer run
            if self._features is None:
                self._features = project_features(project)
            ranking = rank(
                project, self.reviewer, self.stage, features=self._features, seed=app.seed
            )
        if not get_current_worker().is_cancelled:
            app.call_from_thread(self.apply_ranking, ranking)

    def apply_ranking(self, ranking: Ranking) -> None:
        """Re-order the studies not yet shown (after the current one) by the new scores;
        what is on screen stays."""
        self.ranking = ranking
        head, rest = self.ids[: self.position + 1], self.ids[self.position + 1 :]
        undecided = [s for s in rest if s not in self.mine]
        undecided.sort(key=lambda s: -ranking.scores.get(s, 0.0))
        self.ids = head + undecided + [s for s in rest if s in self.mine]
        if self.current is not None:
            self.query_one(StudyView).show_relevance(self._relevance(self.current))

    def _relevance(self, study: int) -> Text:
        return relevance_text(self.ranking if self.ranked else None, study)

    def _next_undecided(self, after: int) -> int | None:
        n = len(self.ids)
        for step in range(1, n + 1):
            study = self.ids[(after + step) % n]
            if study not in self.mine:
                return study
        return None

    def show_study(self, study: int) -> None:
        """Jump to a study (from search or history); one outside the queue is put in it."""
        if study not in self.ids:
            self.ids.insert(self.position, study)
            self.decided += study in self.mine
        self.show_position(self.ids.index(study))

    def show_position(self, position: int) -> None:
        self.position = max(0, min(position, len(self.ids) - 1)) if self.ids else 0
        self.mutate_reactive(ScreeningScreen.position)
        self._draw()

    # -- showing a study -------------------------------------------------------------------

    def _draw(self) -> None:
        decided = self.decided
        total = len(self.ids)
        label = Text.assemble(
            (f"{STAGE_LABELS[self.stage]} ", "bold"),
            literal(f"· {self.reviewer} · {decided}/{total} decided"),
            literal(f" · study {self.position + 1} of {total}" if total else ""),
        )
        self.query_one("#progress-label", Static).update(label)
        self.query_one(ProgressBar).update(total=max(total, 1), progress=decided)
        view = self.query_one(StudyView)
        study = self.current
        if study is None:
            view.show_message(
                "Nothing to screen at this stage yet."
                if self.stage is Stage.FULL_TEXT
                else "No studies to screen: import records first."
            )
        else:
            records = study_records(self.project, study)
            view.show(records, self.project.protocol, self._relevance(study))
        self._show_decision()

    def _show_decision(self) -> None:
        study = self.current
        parts: list[Text | str | tuple[str, str]] = []
        if study is not None:
            made = self.mine.get(study)
            tags = self.pending_tags.get(study, made.tags if made else {})
            note = self.pending_note.get(study, made.note if made else "")
            parts.append(decision_text(made, tags, note, self._reason_labels()))
            if self.stage is Stage.FULL_TEXT:
                parts += [" · ", retrieval_text(self.retrievals.get(study))]
        if self.status_text:
            parts += ["\n", (self.status_text, "dim")]
        self.query_one("#decision", Static).update(Text.assemble(*parts))

    def _reason_labels(self) -> dict[str, str]:
        """The stage's exclusion reasons: code -> label (the first of a code, as listed)."""
        reasons = self.project.protocol.stages[self.stage].reasons
        return {r.code: r.label for r in reversed(reasons)}

    # -- deciding --------------------------------------------------------------------------

    def action_decide(self, verdict: str, reasons: Sequence[str] = ()) -> None:
        study = self.current
        if study is None:
            return
        rules = self.project.protocol.stages[self.stage]
        if verdict == "exclude" and not reasons and rules.reason_required:
            self.action_exclude_with_reason()  # ask for the reason the protocol requires
            return
        self._save_and_advance(Verdict(verdict), reasons)

    def _save_and_advance(self, verdict: Verdict, reasons: Sequence[str]) -> None:
        study = self.current
        if study is None:
            return
        made = self.mine.get(study)
        tags = self.pending_tags.get(study, made.tags if made else {})
        note = self.pending_note.get(study, made.note if made else "")
        if self._save(study, verdict, reasons, tags, note):
            following = self._next_undecided(self.position)
            if following is None:
                self.status_text += " · every study at this stage is decided"
                self._draw()
            else:
                self.show_position(self.ids.index(following))

    def _save(
        self,
        study: int,
        verdict: Verdict,
        reasons: Sequence[str],
        tags: Mapping[str, Sequence[str]],
        note: str,
    ) -> bool:
        """Commit a decision event; only then is anything shown as saved."""
        try:
            made = review.decide(
                self.project,
                NewDecision(study, self.stage, self.reviewer, verdict, reasons, tags, note),
            )
        except ScreenerError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return False
        if study not in self.mine and study in self.ids:
            self.decided += 1
        self.mine[study] = made
        self.pending_tags.pop(study, None)
        self.pending_note.pop(study, None)
        self.status_text = f"Saved: {made.verdict} study {study}"
        if self.ranked:  # the decision is committed: learn from it in the background
            self.retrain()
        return True

    def action_exclude_with_reason(self) -> None:
        if self.current is None:
            return
        reasons = self.project.protocol.stages[self.stage].reasons
        if not reasons:  # the protocol lists none, so none can be required
            self._save_and_advance(Verdict.EXCLUDE, ())
            return
        options = [(r.code, r.label) for r in reasons]

        def picked(code: str | None) -> None:
            if code:
                self.action_decide("exclude", (code,))

        self.app.push_screen(ChoiceModal("Exclusion reason", options), picked)

    def _resave(self, study: int) -> None:
        """A tag or note changed on a study already decided: a new event with the same
        verdict keeps the audit trail and the decision together."""
        made = self.mine.get(study)
        if made is None:
            self._show_decision()
            return
        tags = self.pending_tags.get(study, made.tags)
        note = self.pending_note.get(study, made.note)
        self._save(study, made.verdict, made.reasons, tags, note)
        self._show_decision()

    def action_tag(self) -> None:
        study = self.current
        if study is None:
            return
        vocabularies = self.project.protocol.vocabularies
        made = self.mine.get(study)
        current = dict(self.pending_tags.get(study, made.tags if made else {}))
        options = []
        for name in vocabularies:
            chosen = current.get(name, ())
            options.append((name, f"{name}" + (f" ({', '.join(chosen)})" if chosen else "")))

        def picked_vocabulary(name: str | None) -> None:
            if not name:
                return
            terms = review.vocabulary_terms(self.project)[name]

            def picked_terms(selected: tuple[str, ...] | None) -> None:
                if selected is None:
                    return
                current[name] = selected
                self.pending_tags[study] = {k: v for k, v in current.items() if v}
                self._resave(study)

            self.app.push_screen(
                TermsModal(name, terms, current.get(name, ()), vocabularies[name].open),
                picked_terms,
            )

        self.app.push_screen(ChoiceModal("Tag: which vocabulary?", options), picked_vocabulary)

    def action_note(self) -> None:
        study = self.current
        if study is None:
            return
        made = self.mine.get(study)
        note = self.pending_note.get(study, made.note if made else "")

        def saved(text: str | None) -> None:
            if text is not None:
                self.pending_note[study] = text.strip()
                self._resave(study)

        self.app.push_screen(PromptModal(f"Note on study {study}", note), saved)

    def action_undo(self) -> None:
        try:
            undone = review.undo_last(self.project, self.reviewer, self.stage)
        except ScreenerError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if undone is None:
            self.notify("Nothing to undo at this stage")
            return
        study = study_of(self.project, undone.record_id)
        if self.mine.pop(study, None) is not None and study in self.ids:
            self.decided -= 1
        self.status_text = f"Undone: {undone.verdict} on study {study}"
        self.show_study(study)
        if self.ranked:
            self.retrain()

    def action_move(self, step: int) -> None:
        if self.ids:
            self.status_text = ""
            self.show_position(self.position + step)

    def action_scroll(self, direction: int) -> None:
        record = self.query_one(StudyView)
        if direction > 0:
            record.scroll_page_down(animate=False)
        else:
            record.scroll_page_up(animate=False)

    # -- full text -------------------------------------------------------------------------

    def action_retrieval(self) -> None:
        study = self.current
        if study is None:
            return
        options = [
            (RetrievalStatus.SOUGHT.value, "Sought (requested, not yet here)"),
            (RetrievalStatus.RETRIEVED.value, "Retrieved: give the PDF's path"),
            (RetrievalStatus.NOT_RETRIEVED.value, "Not retrieved: give the reason"),
        ]

        def save(status: RetrievalStatus, reason: str = "", pdf: str = "") -> None:
            try:
                made = review.set_retrieval(
                    self.project, study, status, self.reviewer, reason=reason, pdf_path=pdf
                )
            except ScreenerError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.retrievals[study] = made
            self.status_text = f"Saved: full text {status.value.replace('_', ' ')}"
            self._show_decision()

        def picked(value: str | None) -> None:
            if value is None:
                return
            status = RetrievalStatus(value)
            if status is RetrievalStatus.SOUGHT:
                save(status)
            elif status is RetrievalStatus.RETRIEVED:
                self.app.push_screen(
                    PromptModal("PDF path (relative to the project folder)"),
                    lambda path: save(status, pdf=path) if path is not None else None,
                )
            else:
                self.app.push_screen(
                    PromptModal("Why could the report not be retrieved?"),
                    lambda reason: save(status, reason=reason) if reason is not None else None,
                )

        self.app.push_screen(ChoiceModal(f"Full text of study {study}", options), picked)

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
