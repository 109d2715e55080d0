"""The contract every importer follows, and the one place records are normalised.

An importer module defines:

* ``FORMAT`` -- a short id (``"ris"``), ``LABEL`` -- a name for people (``"RIS"``);
* ``detect(text: str) -> bool`` -- whether ``text`` looks like this format (by content,
  never by file name); it must be cheap and never raise;
* ``parse(text: str) -> list[Record]`` -- every record in ``text``, in file order, built with
  :func:`make_record`; for bad input it raises :class:`ImportFormatError` naming the line or
  record and the problem, and nothing else.

``text`` has already been decoded (BOM removed) and its line endings turned into ``\\n`` by
:func:`screener.importers.read_source`; importers must still survive any ``str``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from screener.errors import ImportFormatError
from screener.importers.fields import (
    clean_text,
    normalise_author,
    normalise_doi,
    normalise_issn,
    normalise_pmid,
    parse_year,
    split_pages,
)
from screener.models import Record

__all__ = ["ImportFormatError", "make_record"]


def first_value(fields: Mapping[str, list[str]], *tags: str) -> str:
    """The first non-empty value of the first of ``tags`` that has one (tagged formats)."""
    for tag in tags:
        for value in fields.get(tag, ()):
            if value:
                return value
    return ""


def first_values(fields: Mapping[str, list[str]], *tags: str) -> list[str]:
    """The values of the first of ``tags`` that has a non-empty one (FAU before AU...)."""
    for tag in tags:
        values = fields.get(tag)
        if values and any(values):
            return values
    return []


def _first(value: Any) -> Any:
    if type(value) is str or not isinstance(value, list | tuple):
        return value
    return next((v for v in value if v), "")


def make_record(
    *,
    position: int,
    line: int,
    source_record_id: object = "",
    raw: Mapping[str, Any] | None = None,
    title: object = "",
    abstract: object = "",
    authors: Iterable[object] = (),
    year: object = None,
    journal: object = "",
    journal_abbrev: object = "",
    volume: object = "",
    issue: object = "",
    pages: object = "",
    start_page: object = "",
    end_page: object = "",
    doi: object = "",
    pmid: object = "",
    issn: object = "",
    keywords: Iterable[object] = (),
    type: object = "",
    language: object = "",
    url: object = "",
    label: int | None = None,
) -> Record:
    """Build a :class:`Record`, normalising every field. Lists are accepted where a format
    repeats a tag; the first non-empty value is used for single-valued fields.
    ``pages`` may be a range (``1535-41``); ``start_page``/``end_page`` override it."""
    page_text, start, end = split_pages(_first(pages))
    if start_page:
        start = clean_text(_first(start_page))
        if end_page:
            end = clean_text(_first(end_page))
        if not page_text:
            page_text = f"{start}-{end}" if end else start
            page_text, start, end = split_pages(page_text)
    issns: tuple[str, ...] = ()
    if isinstance(issn, list | tuple):
        issns = tuple(dict.fromkeys(i for v in issn for i in normalise_issn(v)))
    elif issn:
        issns = normalise_issn(issn)
    author_list = tuple(a for a in (normalise_author(x) for x in authors) if a)
    keyword_list = tuple(dict.fromkeys(k for k in (clean_text(x) for x in keywords) if k))
    if isinstance(doi, list | tuple):
        dois = [normalise_doi(d) for d in doi]
    else:
        dois = [normalise_doi(doi)]
    return Record(
        position=position,
        line=line,
        source_record_id=clean_text(source_record_id) or str(position),
        title=clean_text(_first(title)),
        abstract=clean_text(_first(abstract)),
        authors=author_list,
        year=parse_year(_first(year)),
        journal=clean_text(_first(journal)),
        journal_abbrev=clean_text(_first(journal_abbrev)),
        volume=clean_text(_first(volume)),
        issue=clean_text(_first(issue)),
        pages=page_text,
        start_page=start,
        end_page=end,
        doi=next((d for d in dois if d), ""),
        pmid=normalise_pmid(_first(pmid)),
        issn=issns,
        keywords=keyword_list,
        type=clean_text(_first(type)),
        language=clean_text(_first(language)),
        url=clean_text(_first(url)),
        label=label,
        raw=raw if isinstance(raw, dict) else dict(raw or {}),
    )
