"""RIS and BibTeX reference lists: golden files of the demo after a scripted screening,
round trips through our importers, rispy and bibtexparser, the study sets and the CLI."""

from __future__ import annotations

import os
import random
from pathlib import Path

import bibtexparser
import pytest
import rispy
from click.testing import CliRunner

from screener.cli import main
from screener.demo import make_demo
from screener.errors import ScreenerError
from screener.exports.bibtex import bibtex_text, citation_keys, latex, write_bibtex
from screener.exports.references import Reference, ReferenceType, reference_type, references
from screener.exports.ris import ris_pieces, ris_text, write_ris
from screener.exports.study_outcomes import (
    StudyOutcome,
    StudySet,
    study_outcomes,
    title_abstract_statuses,
)
from screener.importers import bibtex as bibtex_importer
from screener.importers import ris as ris_importer
from screener.models import NewDecision, Record, RetrievalStatus, Stage, Verdict
from screener.project import Project, open_project
from screener.screening import decisions as review
from screener.screening import studies as study_states
from screener.screening.state import StudyStatus
from tests.paths import TESTS

GOLDEN = TESTS / "golden"
TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
INC, EXC = Verdict.INCLUDE, Verdict.EXCLUDE


def screened_demo(tmp_path: Path) -> tuple[Path, list[int]]:
    """The demo after a scripted screening; returns its path and its study ids. Studies
    0 and 7 end included at full text, 1 excluded there, 2 excluded at title/abstract; 3 is
    not retrieved, 4 awaits full text, 5 is a title/abstract conflict, 6 awaits bob."""
    path, _ = make_demo(tmp_path / "demo")
    with open_project(path) as project:
        s = project.store.links.study_ids()
        for study, a, b in (
            (s[0], INC, INC),
            (s[1], INC, INC),
            (s[2], EXC, EXC),
            (s[3], INC, EXC),
            (s[4], INC, INC),
            (s[5], INC, EXC),
            (s[7], INC, INC),
        ):
            review.decide(
                project, NewDecision(study, TA, "alice", a, ("design",) if a is EXC else ())
            )
            review.decide(
                project, NewDecision(study, TA, "bob", b, ("design",) if b is EXC else ())
            )
        review.decide(project, NewDecision(s[6], TA, "alice", INC))
        review.resolve(project, s[3], TA, "carol", INC)
        review.set_retrieval(
            project, s[3], RetrievalStatus.NOT_RETRIEVED, "alice", reason="Authors did not reply"
        )
        for study in (s[0], s[1], s[7]):
            review.set_retrieval(project, study, RetrievalStatus.RETRIEVED, "alice")
        review.set_retrieval(project, s[4], RetrievalStatus.SOUGHT, "alice")
        review.decide(project, NewDecision(s[0], FT, "alice", INC))
        review.decide(project, NewDecision(s[0], FT, "bob", INC))
        review.decide(project, NewDecision(s[1], FT, "alice", EXC, ("design",)))
        review.decide(project, NewDecision(s[1], FT, "bob", EXC, ("design",)))
        review.decide(project, NewDecision(s[7], FT, "alice", INC))
        review.decide(project, NewDecision(s[7], FT, "bob", EXC, ("outcome",)))
        review.resolve(project, s[7], FT, "carol", INC)
    return path, s


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    return screened_demo(tmp_path_factory.mktemp("references"))


def _golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; SCREENER_UPDATE_GOLDEN=1 rewrites it (review it)."""
    path = GOLDEN / name
    if os.environ.get("SCREENER_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.read_text(encoding="utf-8") == text


def test_outcomes_of_the_scripted_screening(demo: tuple[Path, list[int]]) -> None:
    path, s = demo
    with open_project(path) as project:
        outcomes = study_outcomes(project)
    assert [outcomes[s[i]].summary() for i in range(9)] == [
        "included at full text",
        "excluded at full text — Not primary research",
        "excluded at title/abstract — Not primary research",
        "included at title/abstract; full text not retrieved — Authors did not reply",
        "included at title/abstract; full text: not screened yet",
        "title/abstract: reviewers disagree (conflict not resolved yet)",
        "title/abstract: awaiting another reviewer",
        "included at full text",
        "title/abstract: not screened yet",
    ]


def _random_history(path: Path, seed: int) -> None:
    """A random review through the review API: title/abstract decisions by both reviewers
    (sometimes disagreeing), resolutions, retrievals, full-text decisions, then undos and
    changed minds at random."""
    rng = random.Random(seed)
    with open_project(path) as project:
        studies = project.store.links.study_ids()
        ta_codes = [r.code for r in project.protocol.stages[TA].reasons]
        ft_codes = [r.code for r in project.protocol.stages[FT].reasons][:2]

        def verdict_at(
            stage: Stage, like: Verdict | None = None
        ) -> tuple[Verdict, tuple[str, ...]]:
            choices = (INC, INC, EXC, Verdict.MAYBE) if stage is TA else (INC, EXC)
            verdict = like if like is not None and rng.random() < 0.7 else rng.choice(choices)
            codes = ta_codes if stage is TA else ft_codes
            return verdict, (rng.choice(codes),) if verdict is EXC else ()

        def screen(stage: Stage, chosen: list[int]) -> None:
            for study in chosen:
                first, reasons = verdict_at(stage)
                at_full_text = stage is FT  # a report still sought is retrieved with it
                review.decide(
                    project,
                    NewDecision(study, stage, "alice", first, reasons),
                    mark_retrieved=at_full_text,
                )
                if rng.random() < 0.85:
                    review.decide(
                        project,
                        NewDecision(study, stage, "bob", *verdict_at(stage, first)),
                        mark_retrieved=at_full_text,
                    )
            for conflict in study_states.conflicts(project, stage):
                if rng.random() < 0.6:
                    verdict, reasons = verdict_at(stage)
                    verdict = INC if verdict is Verdict.MAYBE else verdict
                    review.resolve(project, conflict.study_id, stage, "carol", verdict, reasons)

        screen(TA, rng.sample(studies, 17))
        for study in study_states.full_text_studies(project):
            status = rng.choice(list(RetrievalStatus))
            reason = "gone" if status is RetrievalStatus.NOT_RETRIEVED else ""
            review.set_retrieval(project, study, status, "alice", reason=reason)
        screen(FT, [s for s in study_states.full_text_studies(project) if rng.random() < 0.9])
        for _ in range(25):  # second thoughts
            study, who, stage = (
                rng.choice(studies),
                rng.choice(("alice", "bob")),
                rng.choice((TA, FT)),
            )
            try:
                if rng.random() < 0.4:
                    review.undo_last(project, who, stage)
                else:
                    review.decide(project, NewDecision(study, stage, who, *verdict_at(stage)))
            except ScreenerError:
                pass  # not at that stage: the history goes on


@pytest.mark.parametrize("seed", range(1, 7))
def test_outcomes_agree_with_review_state(tmp_path: Path, seed: int) -> None:
    path, _ = make_demo(tmp_path / "demo")
    _random_history(path, seed)
    with open_project(path) as project:
        outcomes = study_outcomes(project)
        only_included = study_outcomes(project, StudySet.INCLUDED)  # reads less
        screened = title_abstract_statuses(project)
        state = study_states.review_state(project)
        labels = {
            st: {r.code: r.label for r in project.protocol.stages[st].reasons} for st in Stage
        }
        retrievals = study_states.current_retrievals(project)
    assert list(outcomes) == state.study_ids
    assert screened == {study: s.status for study, s in state.states[TA].items()}
    included = {study: o for study, o in outcomes.items() if o.included}
    assert {study: o for study, o in only_included.items() if o.included} == included
    for study, outcome in outcomes.items():
        reached = state.states[FT].get(study) or state.states[TA][study]
        assert (outcome.stage, outcome.status) == (reached.stage, reached.status), study
        assert outcome.reasons == tuple(labels[reached.stage][c] for c in reached.reasons)
        retrieval = retrievals.get(study)
        missing = (
            reached.stage is TA
            and reached.status is StudyStatus.INCLUDED
            and retrieval is not None
            and retrieval.status is RetrievalStatus.NOT_RETRIEVED
        )
        assert (outcome.not_retrieved is not None) == missing


def test_study_sets(demo: tuple[Path, list[int]]) -> None:
    path, s = demo
    with open_project(path) as project:
        chosen = {which: [r.study_id for r in references(project, which)] for which in StudySet}
        total = len(project.store.links.study_ids())
    assert chosen[StudySet.INCLUDED] == [s[0], s[7]]  # not s[3] (not retrieved), s[4] (awaiting)
    assert chosen[StudySet.EXCLUDED] == [s[1], s[2]]
    assert chosen[StudySet.ALL] == s and len(s) == total


def test_golden_files(demo: tuple[Path, list[int]], tmp_path: Path) -> None:
    path, _ = demo
    with open_project(path) as project:
        for name, write, studies in (
            ("references-included.ris", write_ris, StudySet.INCLUDED),
            ("references-all.ris", write_ris, StudySet.ALL),
            ("references-included.bib", write_bibtex, StudySet.INCLUDED),
            ("references-excluded.bib", write_bibtex, StudySet.EXCLUDED),
        ):
            count = write(project, tmp_path / name, studies)
            assert count == len(references(project, studies))
            _golden(name, (tmp_path / name).read_text(encoding="utf-8"))


def _citations(path: Path, studies: StudySet) -> list[Reference]:
    with open_project(path) as project:
        return references(project, studies)


def test_ris_round_trip(demo: tuple[Path, list[int]], tmp_path: Path) -> None:
    path, _ = demo
    expected = _citations(path, StudySet.ALL)
    with open_project(path) as project:
        write_ris(project, tmp_path / "all.ris", StudySet.ALL)
    text = (tmp_path / "all.ris").read_text(encoding="utf-8")
    back = ris_importer.parse(text)
    assert [r.title for r in back] == [e.record.title for e in expected]
    assert [r.doi for r in back] == [e.record.doi for e in expected]
    assert [r.pmid for r in back] == [e.record.pmid for e in expected]
    assert [r.authors for r in back] == [e.record.authors for e in expected]
    assert [r.label for r in back] == [None] * len(expected)  # our notes are no ASReview label
    entries = rispy.loads(text)
    assert len(entries) == len(expected)
    assert entries[0]["notes"] == [expected[0].note]
    assert all(
        len(e["authors"]) == len(x.record.authors) for e, x in zip(entries, expected, strict=True)
    )


def test_bibtex_round_trip(demo: tuple[Path, list[int]], tmp_path: Path) -> None:
    path, _ = demo
    expected = _citations(path, StudySet.ALL)
    with open_project(path) as project:
        write_bibtex(project, tmp_path / "all.bib", StudySet.ALL)
    text = (tmp_path / "all.bib").read_text(encoding="utf-8")
    back = bibtex_importer.parse(text)
    assert [r.title for r in back] == [e.record.title for e in expected]
    assert [r.doi for r in back] == [e.record.doi for e in expected]
    assert [r.authors for r in back] == [e.record.authors for e in expected]
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    assert len({entry.key for entry in library.entries}) == len(expected)


def _reference(study: int, **fields: object) -> Reference:
    record = Record(position=study, line=1, source_record_id=str(study), **fields)  # type: ignore[arg-type]
    return Reference(study, record, StudyOutcome(study, FT, StudyStatus.INCLUDED))


def test_latex_special_characters_round_trip() -> None:
    # No "^": it is written as {\\textasciicircum}, which LaTeX prints as ^ but our importer
    # (pylatexenc) reads back as "ˆ" (U+02C6).
    title = "Effects of 50% CM & {EVs} on #1 p < 0.05 > µ_x ~ $5 \\ naïve Müller–Ørsted 中文"
    entries = [
        _reference(
            1,
            title=title,
            authors=("Müller, Jürgen", "World Health Organization"),
            year=2020,
            journal="J. Tissue & Bone",
            keywords=("a, b", "c"),
        ),
    ]
    text = bibtex_text(entries)
    assert not bibtexparser.parse_string(text).failed_blocks
    (back,) = bibtex_importer.parse(text)
    assert back.title == title
    assert back.journal == "J. Tissue & Bone"
    assert back.authors == ("Müller, Jürgen", "World Health Organization")
    assert back.keywords == ("a, b", "c")  # a comma inside a keyword: "; " separates them
    assert latex("x^2") == "x{\\textasciicircum}2"
    assert "{\\&}" in latex("A & B") and latex("plain text, 1-2") == "plain text, 1-2"


def test_ris_identifiers_and_multi_line_values_round_trip() -> None:
    entry = _reference(
        1,
        title="A title",
        abstract="First paragraph.\n\nSecond: ER  - no",
        authors=("Lee, K",),
        doi="10.1000/abc_1.2",
        pmid="12345678",
        start_page="e101",
        keywords=("MSC; secretome", "bone"),
        type="CONF",
    )
    text = ris_text([entry])
    (back,) = ris_importer.parse(text)
    assert (back.pmid, back.doi, back.start_page) == ("12345678", "10.1000/abc_1.2", "e101")
    assert back.abstract == "First paragraph. Second: ER - no"  # one line in RIS
    assert back.keywords == ("MSC", "secretome", "bone")  # RIS readers split KW on ";"
    (loaded,) = rispy.loads(text)
    assert loaded["type_of_reference"] == "CPAPER" and loaded["accession_number"] == "12345678"


def test_identifiers_are_verbatim_unless_they_would_break_the_entry() -> None:
    plain = _reference(1, title="T", doi="10.1000/a_b%c", url="https://x.org/a_b?c=1&d=2")
    balanced = _reference(2, title="T", doi="10.1002/{odd}\\x")
    broken = _reference(3, title="T", doi="10.1002/odd}x{")
    text = bibtex_text([plain, balanced, broken])
    assert "doi = {10.1000/a_b%c}" in text and "url = {https://x.org/a_b?c=1&d=2}" in text
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks and len(library.entries) == 3
    dois = [r.doi for r in bibtex_importer.parse(text)]
    assert dois[:2] == ["10.1000/a_b%c", "10.1002/{odd}\\x"]


def test_citation_keys_unique_with_suffixes() -> None:
    same = dict(title="The secretome of MSCs", authors=("Smith, J",), year=2020)
    entries = [_reference(i, **same) for i in range(1, 4)] + [_reference(9, title="Ödem")]
    assert citation_keys(entries) == [
        "smith2020secretome",
        "smith2020secretomea",
        "smith2020secretomeb",
        "anonodem",
    ]
    assert citation_keys([_reference(5)]) == ["study5"]


@pytest.mark.parametrize(
    ("given", "kind", "ris", "bib"),
    [
        ("", ReferenceType.JOURNAL, "JOUR", "@article"),
        ("Journal Article", ReferenceType.JOURNAL, "JOUR", "@article"),
        ("inproceedings", ReferenceType.CONFERENCE, "CPAPER", "@inproceedings"),
        ("Proceedings Paper", ReferenceType.CONFERENCE, "CPAPER", "@inproceedings"),
        ("CHAP", ReferenceType.CHAPTER, "CHAP", "@incollection"),
        ("Preprint", ReferenceType.PREPRINT, "UNPB", "@unpublished"),
        ("THES", ReferenceType.THESIS, "THES", "@phdthesis"),
        ("Something odd", ReferenceType.JOURNAL, "JOUR", "@article"),
    ],
)
def test_reference_types(given: str, kind: ReferenceType, ris: str, bib: str) -> None:
    reference = _reference(1, title="T", type=given)
    assert reference_type(reference.record) is kind
    assert ris_text([reference]).startswith(f"TY  - {ris}\n")
    assert bibtex_text([reference]).startswith(bib + "{")


def test_duplicates_fill_gaps_of_the_representative(tmp_path: Path) -> None:
    path, _ = make_demo(tmp_path / "demo")
    with open_project(path) as project:
        study_map = project.store.links.study_map()
        assert study_map, "the demo has duplicates"
        duplicate, study = next(iter(study_map.items()))
        own = project.store.records.get(study)
        other = project.store.records.get(duplicate)
        assert own is not None and other is not None
        (entry,) = [r for r in references(project, StudySet.ALL) if r.study_id == study]
    assert entry.record.title == own.record.title  # the representative's own fields win
    for name in ("doi", "pmid", "abstract", "volume"):
        assert getattr(entry.record, name) == (
            getattr(own.record, name) or getattr(other.record, name)
        )


def test_cli_export_ris_and_bibtex(
    demo: tuple[Path, list[int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = demo
    runner = CliRunner()
    target = tmp_path / "out" / "excluded.ris"
    result = runner.invoke(
        main, ["export", "ris", str(path), "--studies", "excluded", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Wrote 2 studies to {target}"
    assert len(rispy.loads(target.read_text(encoding="utf-8"))) == 2
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["export", "bibtex", str(path)])
    assert result.exit_code == 0, result.output
    assert "Wrote 2 studies to exports/demo/included.bib" in result.output
    assert (tmp_path / "exports/demo/included.bib").is_file()


def test_cli_errors_are_one_line(demo: tuple[Path, list[int]], tmp_path: Path) -> None:
    path, _ = demo
    runner = CliRunner()
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    (tmp_path / "included.ris").mkdir()  # the folder given holds a folder of that name
    for target in (tmp_path, blocker / "x.ris"):
        result = runner.invoke(main, ["export", "ris", str(path), "-o", str(target)])
        assert result.exit_code == 1
        assert result.output.startswith("error: ") and result.output.count("\n") == 1
        assert "Traceback" not in result.output
    result = runner.invoke(main, ["export", "ris", str(path), "--studies", "maybe"])
    assert result.exit_code == 2 and "maybe" in result.output


def test_export_help_lists_every_registered_kind() -> None:
    from screener.exports.registry import all_kinds

    result = CliRunner().invoke(main, ["export", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for kind in all_kinds():
        assert f"{kind.name} {' '.join(kind.summary.split())}" in text
        help_text = CliRunner().invoke(main, ["export", kind.name, "--help"]).output
        assert "Example" in help_text and "-o, --output" in help_text


def test_every_registered_kind_gets_a_command_from_its_data(
    demo: tuple[Path, list[int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kind added to the registry is a command with its options, help and file name."""
    from screener.exports import registry
    from screener.exports.kinds import ExportOption, Options, Progress, Written

    case = ExportOption("case", "How to write the name.", "lower", ("lower", "upper"))

    def write(
        project: Project, target: Path, options: Options, progress: Progress | None = None
    ) -> Written:
        name = project.name.upper() if case.value(options) == "upper" else project.name
        assert progress is not None  # the CLI's bar, drawn for big projects
        progress(0, 1)
        target.write_text(name, encoding="utf-8")
        progress(1, 1)
        return Written((target,))

    def failing(
        project: Project, target: Path, options: Options, progress: Progress | None = None
    ) -> Written:
        raise ScreenerError(f"{target}: nothing to write")

    extra = [
        registry.ExportKind(
            "names", "The project's name, as text", "{case}.txt", write, "More.", (case,)
        ),
        registry.ExportKind("broken", "Always fails", "broken.txt", failing),
    ]
    kinds = registry.all_kinds()
    monkeypatch.setattr(registry, "all_kinds", lambda: [*kinds, *extra])
    monkeypatch.setattr("screener.cli.common.PROGRESS_THRESHOLD", 1)  # a bar for the demo
    path, _ = demo
    runner = CliRunner()
    listing = " ".join(runner.invoke(main, ["export", "--help"], terminal_width=200).output.split())
    assert "names The project's name, as text" in listing
    help_text = " ".join(runner.invoke(main, ["export", "names", "--help"]).output.split())
    assert "The project's name, as text. More." in help_text
    assert "screener export names projects/my-review -o lower.txt" in help_text
    assert "screener export names projects/my-review --case upper" in help_text
    assert "--case [lower|upper]" in help_text and "lower.txt (upper.txt)" in help_text
    result = runner.invoke(main, ["export", "names", str(path), "-o", f"{tmp_path}/"])
    assert result.exit_code == 0 and result.output.strip() == f"Wrote {tmp_path / 'lower.txt'}"
    assert (tmp_path / "lower.txt").read_text(encoding="utf-8") == "demo"
    result = runner.invoke(
        main, ["export", "names", str(path), "--case", "upper", "-o", f"{tmp_path}/"]
    )
    assert result.exit_code == 0 and (tmp_path / "upper.txt").read_text(encoding="utf-8") == "DEMO"
    assert runner.invoke(main, ["export", "names", str(path), "--case", "title"]).exit_code == 2
    target = tmp_path / "name.txt"
    result = runner.invoke(main, ["export", "broken", str(path), "-o", str(target)])
    assert result.exit_code == 1 and result.output == f"error: {target}: nothing to write\n"
    assert runner.invoke(main, ["export", "nonsense", str(path)]).exit_code == 2


def test_chunked_writing_gives_the_same_text(
    demo: tuple[Path, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from screener.exports import references as module

    path, _ = demo
    entries = _citations(path, StudySet.ALL)
    whole = (ris_text(entries), bibtex_text(entries))
    monkeypatch.setattr(module, "CHUNK", 4)
    steps: list[tuple[int, int]] = []
    pieces = list(ris_pieces(entries, lambda done, total: steps.append((done, total))))
    assert len(pieces) == 6 and "".join(pieces) == whole[0]
    assert steps == [(0, 21), (4, 21), (8, 21), (12, 21), (16, 21), (20, 21), (21, 21)]
    assert bibtex_text(entries) == whole[1]
