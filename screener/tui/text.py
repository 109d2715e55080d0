"""Citation text as Rich ``Text``: always literal (never markup), control characters made
visible, highlight terms coloured; and how stages and verdicts are labelled and coloured."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from screener.models import Stage
from screener.screening.highlight import HighlightKind, Span
from screener.text import visible

STAGE_LABELS = {Stage.TITLE_ABSTRACT: "Title/abstract", Stage.FULL_TEXT: "Full text"}
VERDICT_STYLES = {"include": "bold green", "exclude": "bold red", "maybe": "bold yellow"}
HIGHLIGHT_STYLES = {
    HighlightKind.INCLUDE: "bold black on #8fd19e",
    HighlightKind.EXCLUDE: "bold white on #c0392b",
}


def clean(text: str) -> str:
    """The text with control characters replaced by visible stand-ins (same length for C0)."""
    return visible(text)


def literal(text: str, style: str = "") -> Text:
    """Text shown exactly as written: brackets stay brackets, escapes become visible."""
    return Text(clean(text), style=style, end="")


def highlighted(text: str, spans: Sequence[Span], style: str = "") -> Text:
    """``text`` with the spans of include and exclude terms coloured. Spans index the original
    text; C0 stand-ins keep lengths, so only C1 characters (rare) shift them, and those texts
    are shown without highlights rather than wrongly."""
    shown = clean(text)
    result = Text(shown, style=style, end="")
    if len(shown) != len(text.replace("\t", " ")):
        return result
    for span in spans:
        result.stylize(HIGHLIGHT_STYLES[span.kind], span.start, span.end)
    return result
