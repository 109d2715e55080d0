"""Citation text is data, never markup: brackets, ANSI escapes, control characters,
right-to-left text and emoji are shown as written and never crash a screen."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from screener.importers.service import import_files
from screener.models import Stage, Verdict
from screener.project import init_project, open_project
from screener.screening import studies
from screener.screening.highlight import find_highlights
from screener.tui.text import clean, highlighted, literal
from tests.tui.helpers import all_text, make_app, shown

NASTY_TITLE = (
    "[b]markup[/b] and [/] and [red]red[/red] \x1b[31mANSI red\x1b[0m bell\x07 "
    "שלום עולם مرحبا 🧪🐴 exosomes"
)
NASTY_ABSTRACT = "Conditioned medium [link=http://x]click[/link] \x1b[2J cleared? \x08 backspace; ✓"


def test_clean_makes_control_characters_visible() -> None:
    assert clean("a\x1b[31mb\x07") == "a\u241b[31mb\u2407"
    assert clean("x\x9by") == "x\\x9by"
    assert clean("tab\there") == "tab here"
    assert literal("[b]bold[/b]").plain == "[b]bold[/b]"


def test_highlights_survive_control_pictures() -> None:
    text = "\x1b[1m exosomes"
    spans = find_highlights(text, ["exosom*"], [])
    shown_text = highlighted(text, spans)
    assert shown_text.plain == "\u241b[1m exosomes"
    assert any(span.start == text.index("exosomes") for span in shown_text.spans)


def _nasty_project(tmp_path: Path) -> Path:
    path = init_project(tmp_path / "nasty", "Nasty [b]title[/b]")
    ris = tmp_path / "nasty.ris"
    ris.write_text(
        f"TY  - JOUR\nTI  - {NASTY_TITLE}\nAB  - {NASTY_ABSTRACT}\nAU  - [Smith], J\n"
        "PY  - 2020\nJO  - J [Regen] Med\nKW  - [MeSH]\nER  - \n",
        encoding="utf-8",
    )
    with open_project(path) as project:
        import_files(project, [ris])
    return path


async def test_nasty_citation_text_is_shown_literally(tmp_path: Path) -> None:
    path = _nasty_project(tmp_path)
    with open_project(path) as project:
        stored = next(project.store.records.all()).record
    app = make_app(path, "alice")
    async with app.run_test(size=(100, 32)) as pilot:
        title = shown(app, "#title")
        assert "[b]markup[/b] and [/] and [red]red[/red]" in title
        assert "שלום עולם مرحبا 🧪🐴" in title
        assert "\x1b" not in all_text(app) and "\x07" not in all_text(app)
        if "\x1b" in stored.title:  # the importer kept the escape: shown as a picture
            assert "\u241b[31mANSI red" in title
        assert "[link=http://x]click[/link]" in shown(app, "#abstract")
        assert "[Smith], J" in shown(app, "#meta") and "[MeSH]" in shown(app, "#keywords")
        app.save_screenshot(str(tmp_path / "screen.svg"))  # renders without crashing
        await pilot.press("i")
        await pilot.press("question_mark")
        await pilot.press("escape", "h")
        row = app.screen.query_one(DataTable).get_row_at(0)
        assert "[b]markup[/b]" in row[3].plain  # the title column
    with open_project(path) as project:
        assert studies.my_decisions(project, "alice", Stage.TITLE_ABSTRACT)[1].verdict is (
            Verdict.INCLUDE
        )
