"""Hostile and careless protocol.toml files, made at test time: `screener status` and
`screener decide` refuse each in one line (or one line per problem) naming protocol.toml and
the key, with exit status 1, no traceback and the database unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screener import protocol
from screener.demo import make_demo
from tests.hostile.conftest import run

TEMPLATE = protocol.template("Hostile")


def replaced(old: str, new: str) -> str:
    assert old in TEMPLATE, old
    return TEMPLATE.replace(old, new, 1)


def appended(text: str) -> str:
    return TEMPLATE + "\n" + text + "\n"


def prepended(text: str) -> str:
    return text + "\n" + TEMPLATE


FT_RULES = "[stages.full_text]\nreason_required = true"
TEXT_CASES: dict[str, tuple[str, str]] = {
    "reason_requird typo": (
        replaced(FT_RULES, FT_RULES + "\nreason_requird = true"),
        "did you mean 'reason_required'",
    ),
    "criteria exclusions": (
        replaced("exclusion = [", "exclusions = [\n]\nexclusion = ["),
        "did you mean 'exclusion'",
    ),
    "highlights exlcude": (replaced("exclude = []", "exlcude = []"), "did you mean 'exclude'"),
    "keys launch_missiles": (
        replaced("[keys]", '[keys]\nlaunch_missiles = "y"'),
        "keys.launch_missiles: unknown binding",
    ),
    "keys typo": (replaced("[keys]", '[keys]\nincldue = "y"'), "did you mean 'include'"),
    "key with no name": (
        replaced("[keys]", '[keys]\ninclude = ""'),
        "keys.include: must be a key name",
    ),
    "top-level typo": (prepended('titel = "x"'), "did you mean 'title'"),
    "screening typo": (replaced("seed = 1", "sed = 1"), "did you mean 'seed'"),
    "dedup typo": (
        replaced("merge_preprints = false", "merge_preprint = false"),
        "did you mean 'merge_preprints'",
    ),
    "vocabulary typo": (
        replaced("[vocabularies.tissue]\nopen = true", "[vocabularies.tissue]\nopne = true"),
        "did you mean 'open'",
    ),
    "reason item typo": (
        replaced(
            '{ code = "design", label = "Wrong study design" }', '{ code = "design", lable = "x" }'
        ),
        "did you mean 'label'",
    ),
    "stage typo": (appended("[stages.full_txt]\nreasons = []"), "did you mean 'full_text'"),
    "field typo": (
        appended('[extraction.fields.n]\ntype = "text"\nlabel = "N"\nhepl = "x"'),
        "did you mean 'help'",
    ),
    "extraction typo": (appended("[extraction]\nduel = true"), "did you mean 'dual'"),
    "min nan": (
        appended('[extraction.fields.n]\ntype = "number"\nlabel = "N"\nmin = nan'),
        "must be a finite number",
    ),
    "max inf": (
        appended('[extraction.fields.n]\ntype = "number"\nlabel = "N"\nmax = inf'),
        "must be a finite number",
    ),
    "min -inf": (
        appended(
            '[extraction.fields.n]\ntype = "number_unit"\nlabel = "N"\nunits = ["g"]\nmin = -inf'
        ),
        "finite",
    ),
    "min above max": (
        appended('[extraction.fields.n]\ntype = "number"\nlabel = "N"\nmin = 5\nmax = 1'),
        "is below min",
    ),
    "min as text": (
        appended('[extraction.fields.n]\ntype = "number"\nlabel = "N"\nmin = "0"'),
        "must be a number",
    ),
    "field without type": (appended('[extraction.fields.n]\nlabel = "N"'), "type: is None"),
    "field of unknown vocabulary": (
        appended('[extraction.fields.n]\ntype = "choice"\nlabel = "N"\nvocabulary = "x"'),
        "no [vocabularies.x]",
    ),
    "no title": (replaced('title = "Hostile"', ""), "title: missing"),
    "title not text": (replaced('title = "Hostile"', "title = 3"), "must be text"),
    "duplicate reason code": (
        replaced(
            '{ code = "design", label = "Wrong study design" }',
            '{ code = "population", label = "Again" }',
        ),
        "used twice",
    ),
    "reason code with spaces": (
        replaced('code = "design"', 'code = "Bad Code"'),
        "lower-case letters",
    ),
    "label with a comma": (
        replaced('label = "Wrong study design"', 'label = "a, b"'),
        "contains ','",
    ),
    "required with no reasons": (
        replaced("reason_required = false", "reason_required = true\nreasons = []\n[x]"),
        "unknown setting",
    ),
    "missing vocabulary": (
        replaced("[vocabularies.outcome]\nopen = true\nterms = []", ""),
        "missing vocabulary",
    ),
    "closed without terms": (
        appended("[vocabularies.species]\nopen = false\nterms = []"),
        "needs at least one term",
    ),
    "duplicate reviewer": (
        replaced("reviewers = []", 'reviewers = ["alice", "Alice"]'),
        "duplicate",
    ),
    "reviewer not text": (replaced("reviewers = []", "reviewers = [1]"), "non-empty text"),
    "percent 101": (
        replaced("second_review_percent = 100", "second_review_percent = 101"),
        "from 0 to 100",
    ),
    "order unknown": (replaced('order = "import"', 'order = "newest"'), "must be one of"),
    "highlight regex": (replaced("include = []", 'include = ["(a+)+$"]'), "use words, phrases"),
    "highlight only wildcards": (replaced("include = []", 'include = ["* *"]'), "no letters"),
    "dual as text": (replaced("dual_screening = true", 'dual_screening = "yes"'), "true or false"),
    "broken TOML": (appended("title = "), "not valid TOML"),
    "duplicate key": (prepended('title = "again"'), "not valid TOML"),
    "deep nesting": (appended("deep = " + "[" * 5000 + "]" * 5000), "nested too deeply"),
    "criteria not a table": (
        replaced("[criteria]", "[[criteria]]"),
        "criteria: must be a section",
    ),
}
BYTE_CASES: dict[str, tuple[bytes, str]] = {
    "UTF-8 BOM": (b"\xef\xbb\xbf" + TEMPLATE.encode(), "byte order mark"),
    "Latin-1": (TEMPLATE.replace("Hostile", "Caf\u00e9").encode("latin-1", "replace"), "not UTF-8"),
    "UTF-16": (TEMPLATE.encode("utf-16"), "byte order mark" if False else "not UTF-8"),
    "NUL bytes": (b"\x00" * 64, "not valid TOML"),
    "empty": (b"", "title: missing"),
}


def test_the_corpus_is_large_enough() -> None:
    assert len(TEXT_CASES) + len(BYTE_CASES) + 1 >= 40  # + protocol.toml as a folder


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo(tmp_path_factory.mktemp("protocol-corpus") / "demo")[0]


def check_refused(demo: Path, tmp_path: Path, contents: bytes | None, problem: str) -> None:
    project = tmp_path / "p"
    shutil.copytree(demo, project)
    target = project / "protocol.toml"
    target.unlink()
    if contents is None:
        target.mkdir()
    else:
        target.write_bytes(contents)
    database = (project / "screener.db").read_bytes()
    for command in (
        ("status", project),
        ("decide", project, "include", "--record", 1, "--reviewer", "alice"),
    ):
        result = run(*command)
        assert result.exit_code == 1, (command, result.output)
        assert result.stdout == "" and "Traceback" not in result.stderr
        first, *rest = result.stderr.splitlines()
        assert first.startswith(f"error: {target}: "), first
        assert problem in result.stderr, result.stderr
        assert all(line.startswith("  ") for line in rest)  # further problems, one a line
    assert (project / "screener.db").read_bytes() == database


@pytest.mark.parametrize("case", list(TEXT_CASES))
def test_a_careless_protocol_is_refused(demo: Path, tmp_path: Path, case: str) -> None:
    text, problem = TEXT_CASES[case]
    check_refused(demo, tmp_path, text.encode(), problem)


@pytest.mark.parametrize("case", list(BYTE_CASES))
def test_a_protocol_of_bad_bytes_is_refused(demo: Path, tmp_path: Path, case: str) -> None:
    contents, problem = BYTE_CASES[case]
    check_refused(demo, tmp_path, contents, problem)


def test_a_protocol_that_is_a_folder_is_refused(demo: Path, tmp_path: Path) -> None:
    check_refused(demo, tmp_path, None, "cannot read")
