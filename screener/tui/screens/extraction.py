"""Data extraction: the included studies, one study's citation and its form field by field;
with dual extraction, both reviewers' values side by side and a key to set the consensus."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from screener.dedup.links import merged_study
from screener.dedup.service import study_records
from screener.errors import ScreenerError
from screener.extraction import service as extraction
from screener.extraction.service import FieldState, FieldStatus, StudyExtraction, format_value
from screener.extraction.values import value_terms
from screener.lookup import study_summaries
from screener.models import ExtractedValue
from screener.project import Project
from screener.protocol import ExtractionField, FieldType
from screener.screening.decisions import vocabulary_terms
from screener.tui.modals.choice import ChoiceModal
from screener.tui.modals.prompt import PromptModal
from screener.tui.modals.terms import TermsModal
from screener.tui.session import SESSION_KEYS, ScreenerScreen
from screener.tui.text import literal
from screener.tui.widgets.footer import KeysFooter

STATUS_MARKS = {
    FieldStatus.EQUAL: ("= agree", "green"),
    FieldStatus.DIFFER: ("≠ differ", "bold red"),
    FieldStatus.MISSING: ("… missing", "yellow"),
    FieldStatus.RESOLVED: ("✓ consensus", "bold cyan"),
}


class ExtractionScreen(ScreenerScreen[None]):
    """Extraction of the studies included at full text; each value is committed to the
    project before the screen shows it as saved."""

    BINDINGS = [
        *SESSION_KEYS,
        Binding("enter,e", "edit", "Edit", id="extract-edit"),
        Binding("x", "clear", "Clear", id="extract-clear"),
        Binding("n,right", "study(1)", "Next study", id="extract-next-study"),
        Binding("p,left", "study(-1)", "Prev study", id="extract-previous-study"),
        Binding("v", "compare", "Compare", id="extract-compare"),
        Binding("c", "consensus", "Consensus", id="extract-consensus"),
        Binding("escape", "app.open_screen('dashboard')", "Dashboard", id="extract-back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.studies: list[int] = []
        self.extractions: dict[int, StudyExtraction] = {}
        self.index = 0
        self.comparing = False
        self.status_text: Text = Text("")

    @property
    def project(self) -> Project:
        return self.app.project

    @property
    def reviewer(self) -> str:
        return self.app.reviewer

    @property
    def dual(self) -> bool:
        return bool(self.project.protocol.extraction.dual)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Comparison and consensus are for dual extraction only."""
        if action in ("compare", "consensus"):
            return self.dual
        return True

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(id="extract-status")
        with Horizontal(id="body"):
            yield OptionList(id="extract-studies")
            with Vertical(id="extract-detail"):
                yield Static(id="extract-citation")
                yield OptionList(id="extract-fields")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Extraction"
        self.query_one("#extract-studies", OptionList).can_focus = False
        self.reload()
        self.query_one("#extract-fields", OptionList).focus()

    def reread(self) -> None:
        self.reload()

    # -- data ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the included studies and their extraction events again (after each save)."""
        if not self.project.protocol.extraction.fields:
            self.studies, self.extractions = [], {}
        else:
            self.extractions = extraction.project_extractions(self.project)
            self.studies = list(self.extractions)
        self.index = max(0, min(self.index, len(self.studies) - 1))
        self._draw_studies()
        self._draw_study()

    @property
    def study(self) -> StudyExtraction | None:
        if not self.studies:
            return None
        return self.extractions[self.studies[self.index]]

    @property
    def field_state(self) -> FieldState | None:
        study = self.study
        highlighted = self.query_one("#extract-fields", OptionList).highlighted
        if study is None or highlighted is None or highlighted >= len(study.fields):
            return None
        return study.fields[highlighted]

    # -- drawing ---------------------------------------------------------------------------

    def _draw_studies(self) -> None:
        options = self.query_one("#extract-studies", OptionList)
        options.clear_options()
        summaries = study_summaries(self.project, self.studies)
        for study in self.studies:
            e = self.extractions[study]
            title = summaries[study].title if study in summaries else ""
            differ = e.count(FieldStatus.DIFFER)
            label = Text.assemble(
                (f"{study:>5} ", "bold"),
                (
                    f"{e.done(self.reviewer):>2}/{len(e.fields)} ",
                    "green" if e.done(self.reviewer) == len(e.fields) else "dim",
                ),
                ("≠ " if differ and self.dual else "  ", "bold red"),
                literal(title[:60]),
            )
            label.no_wrap, label.overflow = True, "ellipsis"
            options.add_option(Option(label))
        if self.studies:
            options.highlighted = self.index

    def _draw_study(self, keep_field: int | None = None) -> None:
        study = self.study
        fields = self.query_one("#extract-fields", OptionList)
        highlighted = fields.highlighted if keep_field is None else keep_field
        fields.clear_options()
        if study is None:
            message = (
                "No extraction form: add [extraction.fields.NAME] sections to protocol.toml."
                if not self.project.protocol.extraction.fields
                else "No study is included at full text yet. Esc: dashboard"
            )
            self.query_one("#extract-citation", Static).update(literal(message, "bold"))
            self._draw_status()
            return
        self.query_one("#extract-citation", Static).update(self._citation(study.study_id))
        for state in study.fields:
            fields.add_option(Option(self._compare(state) if self.comparing else self._mine(state)))
        fields.highlighted = min(highlighted or 0, len(study.fields) - 1)
        self._draw_status()

    def _citation(self, study: int) -> Text:
        merged = merged_study(study_records(self.project, study))
        authors = "; ".join(merged.authors[:6]) + (" et al." if len(merged.authors) > 6 else "")
        where = " · ".join(p for p in (str(merged.year or ""), merged.journal) if p)
        ids = " · ".join(
            p
            for p in (
                f"DOI {merged.doi}" if merged.doi else "",
                f"PMID {merged.pmid}" if merged.pmid else "",
            )
            if p
        )
        lines = [
            Text.assemble(("Study ", "dim"), (str(study), "bold")),
            literal(merged.title or "(no title)", "bold"),
            literal(authors or "(no authors)", "italic"),
            literal(where),
            literal(ids),
        ]
        return Text("\n", end="").join(line for line in lines if line.plain)

    def _mine(self, state: FieldState) -> Group:
        value = state.values.get(self.reviewer)
        shown = literal(format_value(value)) if value is not None else Text("–", "dim")
        lines = [literal(state.field.help, "dim")]
        if state.status is FieldStatus.RESOLVED:
            lines.append(literal(f"consensus: {format_value(state.value)}", "cyan"))
        return _field(Text.assemble(literal(f"{state.field.label:<20} ", "bold"), shown), lines)

    def _compare(self, state: FieldState) -> Group:
        mark, style = STATUS_MARKS[state.status]
        reviewers = sorted({self.reviewer, *state.values})
        lines = []
        for name in reviewers:
            value = state.values.get(name)
            lines.append(
                Text.assemble(
                    literal(f"{name:<10} "),
                    literal(format_value(value)) if value is not None else Text("–", "dim"),
                )
            )
        agreed = format_value(state.consensus.value) if state.consensus else "–"
        lines.append(Text.assemble(literal("consensus  ", "cyan"), literal(agreed, "cyan")))
        head = Text.assemble(literal(f"{state.field.label:<20} ", "bold"), (mark, style))
        return _field(head, lines)

    def _draw_status(self) -> None:
        study = self.study
        head = Text.assemble(
            ("Comparing" if self.comparing else "Extraction", "bold"),
            literal(f" · {self.reviewer}"),
        )
        if study is not None:
            differ = f" · {study.count(FieldStatus.DIFFER)} differ" if self.dual else ""
            head.append_text(
                literal(
                    f" · study {self.index + 1}/{len(self.studies)} · "
                    f"{study.done(self.reviewer)}/{len(study.fields)} filled{differ}"
                )
            )
        if self.status_text.plain:
            head.append_text(Text.assemble(" · ", self.status_text))
        self.query_one("#extract-status", Static).update(head)

    # -- actions ---------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "extract-fields":
            self.action_edit()

    def action_study(self, step: int) -> None:
        if self.studies:
            self.index = (self.index + step) % len(self.studies)
            self.status_text = Text("")
            self._draw_studies()
            self._draw_study(keep_field=0)

    def action_compare(self) -> None:
        self.comparing = not self.comparing
        self._draw_study()

    def action_edit(self) -> None:
        state = self.field_state
        if state is not None:
            self._ask(
                state.field,
                state.values.get(self.reviewer),
                lambda value: self._save(state.field, value, consensus=False),
            )

    def action_clear(self) -> None:
        state = self.field_state
        if state is not None and state.values.get(self.reviewer) is not None:
            self._try_save(state.field, None, consensus=False)

    def action_consensus(self) -> None:
        """Pick one of the reviewers' values as the consensus, or type another one."""
        state = self.field_state
        if state is None:
            return
        distinct: list[tuple[str, str]] = []
        for name, value in state.values.items():
            text = format_value(value)
            if all(text != shown for _, shown in distinct):
                distinct.append((name, text))
        options = [(name, f"{text}  ({name})") for name, text in distinct]
        options.append(("::other", "Another value…"))
        if state.consensus is not None:
            options.append(("::withdraw", "Withdraw the consensus"))

        def picked(choice: str | None) -> None:
            if choice == "::other":
                current = state.consensus.value if state.consensus else None
                self._ask(
                    state.field,
                    current,
                    lambda value: self._save(state.field, value, consensus=True),
                )
            elif choice == "::withdraw":
                self._try_save(state.field, None, consensus=True)
            elif choice is not None:
                self._try_save(state.field, state.values[choice], consensus=True)

        title = f"Consensus: {state.field.label}"
        self.app.ask(ChoiceModal(title, options), picked)

    def _ask(
        self,
        form_field: ExtractionField,
        current: ExtractedValue,
        then: Callable[[object], None],
    ) -> None:
        """Ask for a value in the dialog that suits the field; ``then`` gets what to save."""
        if form_field.type in (FieldType.CHOICE, FieldType.MULTI):
            vocabulary = self.project.protocol.vocabularies[form_field.vocabulary]
            terms = vocabulary_terms(self.project).get(form_field.vocabulary, ())
            before = value_terms(current)

            single = form_field.type is FieldType.CHOICE

            def chosen(selected: tuple[str, ...] | None) -> None:
                if selected is None or list(selected) == before:
                    return
                try:
                    then(selected[0] if single else list(selected) or None)
                except ScreenerError as exc:
                    self.notify(str(exc), severity="error", markup=False)

            self.app.ask(
                TermsModal(form_field.vocabulary, terms, before, vocabulary.open, single=single),
                chosen,
            )
            return
        hint = {
            FieldType.TEXT: "text; empty clears",
            FieldType.NUMBER: "a number; empty clears",
            FieldType.NUMBER_UNIT: f"a number and a unit: {', '.join(form_field.units)}",
        }[form_field.type]
        title = f"{form_field.label} ({hint})"

        def typed(text: str | None) -> None:
            """A value refused (not a number, a unit not listed, out of range) is raised to
            the dialog, which stays open with the text and the message."""
            if text is not None:
                then(extraction.parse_text(form_field, text))

        self.app.ask(PromptModal(title, format_value(current), form_field.help), typed)

    def _try_save(self, form_field: ExtractionField, value: object, *, consensus: bool) -> None:
        try:
            self._save(form_field, value, consensus=consensus)
        except ScreenerError as exc:
            self.notify(str(exc), severity="error", markup=False)

    def _save(self, form_field: ExtractionField, value: object, *, consensus: bool) -> None:
        """Commit the value, then show it as saved: the project has it before the screen
        moves on. A value the project refuses raises ScreenerError."""
        study = self.study
        if study is None:
            return
        (event,) = extraction.record_values(
            self.project,
            study.study_id,
            self.reviewer,
            {form_field.name: value},
            consensus=consensus,
        )
        what = " consensus" if consensus else ""
        shown = format_value(event.value) or "cleared"
        self.status_text = Text.assemble(
            ("Saved", "bold green"), literal(f"{what}: {form_field.label} = {shown}")
        )
        field_index = self.query_one("#extract-fields", OptionList).highlighted
        self.reload()
        self._draw_study(keep_field=field_index)


def _field(head: Text, lines: list[Text]) -> Group:
    """A field's option: its first line, then its other lines indented by two, wrapped
    lines too."""
    return Group(head, *(Padding(line, (0, 0, 0, 2)) for line in lines))
