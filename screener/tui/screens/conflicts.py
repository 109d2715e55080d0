"""Conflicts: verdict conflicts and tag conflicts, both reviewers side by side, unblinded;
the resolver decides the verdict, or sets the consensus tags."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from screener.dedup.links import merged_study
from screener.dedup.service import study_records
from screener.errors import ScreenerError
from screener.lookup import study_summaries
from screener.models import Stage, Verdict
from screener.project import Project
from screener.screening import decisions as review
from screener.screening import studies
from screener.screening.decisions import vocabulary_terms
from screener.screening.state import StageState
from screener.screening.tags import StageTags, resolve_tags, tag_conflicts, tags_text
from screener.tui.modals.choice import ChoiceModal
from screener.tui.modals.prompt import PromptModal
from screener.tui.modals.study import StudyModal
from screener.tui.modals.terms import TermsModal
from screener.tui.session import SESSION_KEYS, ScreenerScreen, in_order
from screener.tui.text import STAGE_LABELS, VERDICT_STYLES, literal
from screener.tui.widgets.footer import KeysFooter

Tags = Mapping[str, Sequence[str]]


@dataclass(frozen=True, slots=True)
class Conflict:
    """A study waiting for a resolver: its reviewers' verdicts differ (``verdicts``) or, on
    an included study, their tags do (``tags``)."""

    study_id: int
    stage: Stage
    verdicts: StageState | None = None
    tags: StageTags | None = None


class ConflictsScreen(ScreenerScreen[None]):
    BINDINGS = in_order(
        *SESSION_KEYS,
        Binding("i", "resolve('include')", "Resolve: include", id="resolve-include"),
        Binding("e", "resolve('exclude')", "Resolve: exclude", id="resolve-exclude"),
        Binding("t", "consensus_tags", "Consensus tags", id="resolve-tags"),
        Binding("n", "note", "Note", id="resolve-note"),
        Binding("v", "view", "Study", id="conflicts-view"),
        Binding("j,down", "move(1)", "Next", show=False, id="conflicts-next"),
        Binding("k,up", "move(-1)", "Previous", show=False, id="conflicts-previous"),
        Binding("escape", "app.open_screen('dashboard')", "Dashboard", id="conflicts-back"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.conflicts: list[Conflict] = []
        self.note = ""

    @property
    def project(self) -> Project:
        return self.app.project

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="body"):
            yield OptionList(id="conflict-list")
            with VerticalScroll(id="conflict-detail", can_focus=False):
                yield Static(id="detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Conflicts"
        self.reload()

    def reread(self) -> None:
        self.reload(self.query_one(OptionList).highlighted or 0)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Verdict keys for verdict conflicts, the tag key for tag conflicts."""
        conflict = self.selected
        if action == "resolve":
            return conflict is not None and conflict.verdicts is not None
        if action == "consensus_tags":
            return conflict is not None and conflict.tags is not None
        return True

    def reload(self, index: int = 0) -> None:
        state = studies.review_state(self.project)  # once, for both kinds
        found = [
            Conflict(s.study_id, s.stage, verdicts=s)
            for s in studies.conflicts(self.project, state=state)
        ]
        found += [
            Conflict(t.study_id, t.stage, tags=t) for t in tag_conflicts(self.project, state=state)
        ]
        self.conflicts = found
        options = self.query_one(OptionList)
        options.clear_options()
        summaries = study_summaries(self.project, (c.study_id for c in found))
        for conflict in found:
            title = summaries[conflict.study_id].title if conflict.study_id in summaries else ""
            stage = "TA" if conflict.stage is Stage.TITLE_ABSTRACT else "FT"
            kind = ("tags ", "bold magenta") if conflict.tags else ("", "")
            label = Text.assemble(
                (f"{conflict.study_id:>5} ", "bold"), (f"{stage} ", "dim"), kind, literal(title)
            )
            label.no_wrap, label.overflow = True, "ellipsis"
            options.add_option(Option(label))
        if found:
            options.highlighted = min(index, len(found) - 1)
            options.focus()
        self._show()
        self.refresh_bindings()

    @property
    def selected(self) -> Conflict | None:
        index = self.query_one(OptionList).highlighted
        return self.conflicts[index] if index is not None and index < len(self.conflicts) else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.note = ""
        self._show()
        self.refresh_bindings()

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if self.conflicts:
            current = options.highlighted or 0
            options.highlighted = max(0, min(len(self.conflicts) - 1, current + step))

    def _reason_labels(self, stage: Stage) -> dict[str, str]:
        return {r.code: r.label for r in reversed(self.project.protocol.stages[stage].reasons)}

    def _show(self) -> None:
        conflict = self.selected
        detail = self.query_one("#detail", Static)
        if conflict is None:
            detail.update(literal("No conflicts waiting. Esc: dashboard", "bold"))
            return
        merged = merged_study(study_records(self.project, conflict.study_id))
        kind = "tag conflict" if conflict.tags else "conflict"
        head = Text.assemble(
            (f"Study {conflict.study_id} · {STAGE_LABELS[conflict.stage]} {kind}\n", "dim"),
            literal(merged.title or "(no title)", "bold"),
            "\n",
            literal(" · ".join(p for p in (str(merged.year or ""), merged.journal) if p)),
        )
        table = (
            self._tags_table(conflict.tags)
            if conflict.tags
            else self._verdicts_table(conflict.verdicts)
        )
        hint = "t: set the consensus tags" if conflict.tags else "i / e: resolve"
        footer = Text.assemble(
            "\n",
            literal(merged.abstract[:1200] + ("…" if len(merged.abstract) > 1200 else "")),
            "\n\n",
            ("Resolution note: ", "bold"),
            literal(self.note or "(none: n to add)"),
            (f" · {hint} · v: the whole study", "dim"),
        )
        detail.update(Group(head, Text(""), table, footer))

    def _verdicts_table(self, state: StageState | None) -> Table:
        table = Table(show_edge=False, header_style="bold", expand=True)
        table.add_column("")
        decisions = state.decisions if state else ()
        labels = self._reason_labels(state.stage) if state else {}
        for d in decisions:
            table.add_column(literal(d.reviewer))
        rows = {
            "decision": [Text(str(d.verdict), VERDICT_STYLES[d.verdict]) for d in decisions],
            "reasons": [literal(", ".join(labels.get(r, r) for r in d.reasons)) for d in decisions],
            "tags": [literal(tags_text(d.tags)) for d in decisions],
            "note": [literal(d.note) for d in decisions],
        }
        for name, cells in rows.items():
            table.add_row(Text(name, "bold"), *cells)
        return table

    def _tags_table(self, tags: StageTags) -> Table:
        """Each vocabulary a row, each including reviewer a column; differing rows marked."""
        by_reviewer = tags.by_reviewer
        table = Table(show_edge=False, header_style="bold", expand=True)
        table.add_column("")
        for name in by_reviewer:
            table.add_column(literal(name))
        vocabularies = list(self.project.protocol.vocabularies)
        used = {v for given in by_reviewer.values() for v in given}
        for vocabulary in [*vocabularies, *sorted(used - set(vocabularies))]:
            if vocabulary not in used:
                continue
            cells = [set(given.get(vocabulary, ())) for given in by_reviewer.values()]
            differ = any(c != cells[0] for c in cells)
            table.add_row(
                Text(("≠ " if differ else "= ") + vocabulary, "bold red" if differ else "bold"),
                *[literal(", ".join(g.get(vocabulary, ())) or "–") for g in by_reviewer.values()],
            )
        if tags.earlier:
            table.add_row(Text("earlier", "dim"), literal(tags_text(tags.earlier), "dim"))
        return table

    def action_view(self) -> None:
        conflict = self.selected
        if conflict is not None:
            self.app.ask(
                StudyModal(conflict.study_id), lambda split: self.reread() if split else None
            )

    def action_note(self) -> None:
        if self.selected is None:
            return

        def saved(text: str | None) -> None:
            if text is not None:
                self.note = text.strip()
                self._show()

        self.app.ask(PromptModal("Why this resolution?", self.note), saved)

    # -- verdicts --------------------------------------------------------------------------

    def action_resolve(self, verdict: str) -> None:
        conflict = self.selected
        if conflict is None or conflict.verdicts is None:
            return
        state = conflict.verdicts
        rules = self.project.protocol.stages[state.stage]
        if (
            verdict == "exclude"
            and rules.reasons
            and (rules.reason_required or state.stage is Stage.FULL_TEXT)
        ):
            options = [(r.code, r.label) for r in rules.reasons]
            self.app.ask(
                ChoiceModal("Exclusion reason", options),
                lambda code: self._resolve(state, Verdict.EXCLUDE, (code,)) if code else None,
            )
            return
        self._resolve(state, Verdict(verdict), ())

    def _resolve(self, state: StageState, verdict: Verdict, reasons: tuple[str, ...]) -> None:
        try:
            review.resolve(
                self.project,
                state.study_id,
                state.stage,
                self.app.reviewer,
                verdict,
                reasons,
                self.note,
            )
        except ScreenerError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(f"Resolved study {state.study_id}: {verdict}")
        self._done()

    def _done(self) -> None:
        self.note = ""
        self.reload(self.query_one(OptionList).highlighted or 0)

    # -- tags ------------------------------------------------------------------------------

    def action_consensus_tags(self) -> None:
        """Take one reviewer's tags, or every tag given, or choose them vocabulary by
        vocabulary; saved as the consensus (a tag resolution) at once."""
        conflict = self.selected
        if conflict is None or conflict.tags is None:
            return
        tags = conflict.tags
        by_reviewer = tags.by_reviewer
        every: dict[str, list[str]] = {}
        for given in by_reviewer.values():
            for vocabulary, terms in given.items():
                every.setdefault(vocabulary, [])
                every[vocabulary] += [t for t in terms if t not in every[vocabulary]]
        choices: dict[str, Tags] = {f"take:{n}": g for n, g in by_reviewer.items()}
        choices["take:*"] = every
        options = [
            (f"take:{n}", f"Take {n}'s tags: {tags_text(g)}") for n, g in by_reviewer.items()
        ]
        options += [
            ("take:*", f"Take every tag given: {tags_text(every)}"),
            ("edit", "Choose them vocabulary by vocabulary…"),
        ]

        def picked(choice: str | None) -> None:
            if choice == "edit":
                self._edit_tags(tags, {k: list(v) for k, v in every.items()})
            elif choice is not None:
                self._save_tags(tags, choices[choice])

        self.app.ask(ChoiceModal(f"Consensus tags of study {tags.study_id}", options), picked)

    def _edit_tags(self, tags: StageTags, draft: dict[str, list[str]]) -> None:
        vocabularies = self.project.protocol.vocabularies
        options = [("::save", f"Save: {tags_text(draft) or 'no tags'}")]
        options += [
            (name, f"{name} ({', '.join(draft.get(name, ())) or '–'})") for name in vocabularies
        ]

        def picked(name: str | None) -> None:
            if name == "::save":
                self._save_tags(tags, draft)
            elif name is not None:
                terms = vocabulary_terms(self.project).get(name, ())

                def chosen(selected: tuple[str, ...] | None) -> None:
                    if selected is not None:
                        draft[name] = list(selected)
                    self._edit_tags(tags, draft)

                self.app.ask(
                    TermsModal(name, terms, draft.get(name, ()), vocabularies[name].open),
                    chosen,
                )

        self.app.ask(ChoiceModal(f"Consensus tags of study {tags.study_id}", options), picked)

    def _save_tags(self, tags: StageTags, chosen: Tags) -> None:
        try:
            resolve_tags(
                self.project,
                tags.study_id,
                self.app.reviewer,
                chosen,
                stage=tags.stage,
                note=self.note,
            )
        except ScreenerError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(f"Consensus tags of study {tags.study_id}: {tags_text(chosen) or 'none'}")
        self._done()
