"""How the screening screen shows a study: its citation with the highlight terms coloured,
the protocol's criteria beside it, and the line with the reviewer's own decision."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from screener.dedup.links import MergedStudy, merged_study
from screener.models import Decision, Retrieval, StoredRecord
from screener.protocol import Protocol
from screener.screening.highlight import HighlightKind, find_highlights
from screener.tui.ranking import RankedOrder
from screener.tui.text import HIGHLIGHT_STYLES, VERDICT_STYLES, highlighted, literal

AUTHORS_SHOWN = 8


class StudyView(VerticalScroll):
    """Title, citation lines, abstract and keywords of one study (its records merged)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, can_focus=False)
        self._shown: tuple[MergedStudy, int] | None = None  # (merged study, records)

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        yield Static(id="meta")
        yield Static(id="abstract")
        yield Static(id="keywords")

    def show(self, records: Sequence[StoredRecord], protocol: Protocol, relevance: Text) -> None:
        """Show a study from its records, scrolled to the top."""
        merged = merged_study(records)
        self._shown = (merged, len(records))
        keywords = tuple(dict.fromkeys(k for r in records for k in r.record.keywords))
        include, exclude = protocol.highlight_include, protocol.highlight_exclude
        title = merged.title or "(no title)"
        self._static("#title").update(
            highlighted(title, find_highlights(title, include, exclude), "bold")
        )
        self.show_relevance(relevance)
        abstract = merged.abstract or "(no abstract)"
        self._static("#abstract").update(
            highlighted(abstract, find_highlights(abstract, include, exclude))
        )
        self._static("#keywords").update(
            Text.assemble(("Keywords: ", "bold"), literal("; ".join(keywords)))
            if keywords
            else Text("")
        )
        self.scroll_home(animate=False)

    def show_relevance(self, relevance: Text) -> None:
        """Redraw the citation lines of the study shown (after a new ranking)."""
        if self._shown is not None:
            merged, record_count = self._shown
            self._static("#meta").update(citation_lines(merged, record_count, relevance))

    def show_message(self, message: str) -> None:
        """No study: a message in place of the title."""
        self._shown = None
        for widget_id in ("#title", "#meta", "#abstract", "#keywords"):
            self._static(widget_id).update("")
        self._static("#title").update(literal(message, "bold"))

    def _static(self, selector: str) -> Static:
        return self.query_one(selector, Static)


def citation_lines(merged: MergedStudy, record_count: int, relevance: Text) -> Text:
    """The study's number (and records, and relevance), then authors, where it appeared and
    its identifiers; empty lines left out."""
    shown = merged.authors[:AUTHORS_SHOWN]
    authors = "; ".join(shown) + (" et al." if len(merged.authors) > AUTHORS_SHOWN else "")
    volume = " ".join(
        p for p in (merged.volume, f"({merged.issue})" if merged.issue else "", merged.pages) if p
    )
    where = " · ".join(p for p in (str(merged.year or ""), merged.journal, volume) if p)
    ids = " · ".join(
        p
        for p in (
            f"DOI {merged.doi}" if merged.doi else "",
            f"PMID {merged.pmid}" if merged.pmid else "",
        )
        if p
    )
    copies = f" · {record_count} records" if record_count > 1 else ""
    lines = [literal(authors or "(no authors)", "italic"), literal(where), literal(ids)]
    head = Text.assemble(
        ("Study ", "dim"), (str(merged.study_id), "bold"), (copies, "dim"), relevance
    )
    return Text("\n", end="").join([head, *[line for line in lines if line.plain]])


def relevance_text(order: RankedOrder | None, study: int) -> Text:
    """Where the ranking puts a study ("top 3%") and what it has learnt from; while the
    model is still being trained, plainly that the order is the highlight terms' for now."""
    if order is None or study not in order.ranking.percentiles:
        return Text("")
    ranking = order.ranking
    share = 1 - ranking.percentiles[study] + 1 / len(ranking.percentiles)
    top = max(1, round(100 * share))
    if order.warming_up:
        basis = (
            f"by highlight terms: the ranking is warming up (learning from your "
            f"{ranking.relevant} incl., {ranking.irrelevant} excl.)"
        )
    elif ranking.learnt:
        basis = f"learnt from your {ranking.relevant} incl., {ranking.irrelevant} excl."
    else:
        basis = "by highlight terms"  # until the reviewer's first include and exclude
    return Text.assemble((" · relevance ", "dim"), (f"top {top}%", "bold"), (f" {basis}", "dim"))


def criteria_text(protocol: Protocol) -> Text:
    """The protocol's inclusion and exclusion criteria, and the highlight colours."""
    text = Text(end="")
    text.append("Include if\n", "bold green")
    for item in protocol.inclusion:
        text.append_text(literal(f"• {item}\n"))
    text.append("\nExclude if\n", "bold red")
    for item in protocol.exclusion:
        text.append_text(literal(f"• {item}\n"))
    text.append("\nHighlights: ", "bold")
    text.append(" include ", HIGHLIGHT_STYLES[HighlightKind.INCLUDE])
    text.append(" ")
    text.append(" exclude ", HIGHLIGHT_STYLES[HighlightKind.EXCLUDE])
    return text


def decision_text(
    made: Decision | None,
    tags: Mapping[str, Sequence[str]],
    note: str,
    reason_labels: Mapping[str, str],
) -> Text:
    """The reviewer's own decision on the study shown, with the tags and note it will carry
    (those not yet saved included)."""
    parts: list[Text | str | tuple[str, str]] = []
    if made:
        parts += ["Your decision: ", (str(made.verdict), VERDICT_STYLES[made.verdict])]
        if made.reasons:
            labels = ", ".join(reason_labels.get(r, r) for r in made.reasons)
            parts += [" · ", literal(labels)]
    else:
        parts += [("Not decided yet", "dim")]
    if tags:
        shown = "; ".join(f"{v}: {', '.join(t)}" for v, t in tags.items() if t)
        parts += [" · tags ", literal(shown)]
    if note:
        parts += [" · note ", literal(note)]
    return Text.assemble(*parts)


def saved_text(study: int, made: Decision, reason_labels: Mapping[str, str]) -> str:
    """What was just saved: the verdict, its reasons and tags, the note."""
    parts = [f"Saved: {made.verdict}"]
    if made.reasons:
        parts.append(", ".join(reason_labels.get(r, r) for r in made.reasons))
    if made.tags:
        parts.append("tags " + "; ".join(f"{v}: {', '.join(t)}" for v, t in made.tags.items()))
    if made.note:
        parts.append("with a note")
    return " · ".join(parts) + f" · study {study}"


def retrieval_text(retrieval: Retrieval | None) -> Text:
    """Where the full text of the study shown stands."""
    if retrieval is None:
        return literal("full text: not yet sought (f)")
    text = f"full text: {retrieval.status.value.replace('_', ' ')}"
    if retrieval.reason:
        text += f" ({retrieval.reason})"
    if retrieval.pdf_path:
        text += f" {retrieval.pdf_path} (o opens it)"
    return literal(text)
