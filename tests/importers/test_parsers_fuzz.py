"""Every parser, fed arbitrary text or bytes, returns records or raises ImportFormatError."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener.errors import ImportFormatError
from screener.importers.reading import IMPORTERS, detect_format, parse_file
from screener.models import Record

FORMATS = {module.FORMAT: module for module in IMPORTERS}  # the text formats

# Text built from the pieces of real exports, so that the fuzzer reaches deep into parsers.
FRAGMENTS = [
    "TY  - JOUR\n",
    "ER  - \n",
    "TI  - ",
    "AU  - ",
    "PMID- 123\n",
    "TI  - x\n",
    "      cont\n",
    "FN Clarivate\n",
    "PT J\n",
    "ER\n",
    "EF\n",
    "AU Smith\n",
    "   J\n",
    "@article{k,\n",
    "title={",
    "}",
    "}\n",
    "<xml><records><record>",
    "</record>",
    "<title>",
    "</title>",
    "<style>",
    "title,abstract,year\n",
    '"',
    ",",
    ";",
    "\t",
    "\n",
    "\n\n",
    "1. ",
    "DO  - 10.1/x\n",
    "<!DOCTYPE x [<!ENTITY a 'b'>]>",
    "&a;",
    "{",
    "\\",
    "\x00",
    "\ufeff",
    "é",
    "[doi]",
]
texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=40).map("".join),
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(records: object) -> None:
    assert isinstance(records, list)
    assert all(isinstance(r, Record) for r in records)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@FUZZ
@given(text=texts)
def test_parser_returns_records_or_import_error(fmt: str, text: str) -> None:
    try:
        records = FORMATS[fmt].parse(text)
    except ImportFormatError:
        return
    _check(records)


@FUZZ
@given(text=texts)
def test_detectors_never_raise(text: str) -> None:
    for module in FORMATS.values():
        assert module.detect(text) in (True, False)
    assert detect_format(text) in (None, *FORMATS)


@FUZZ
@given(data=st.binary(max_size=600))
def test_parse_file_on_bytes(data: bytes) -> None:
    try:
        parsed = parse_file(Path("fuzz.bin"), data)
    except ImportFormatError as exc:
        assert str(exc).startswith("fuzz.bin")
        return
    _check(list(parsed.records))
