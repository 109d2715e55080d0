"""The contract every importer follows, and the one place records are normalised.

An importer module defines:

* ``FORMAT`` -- a short id (``"ris"``), ``LABEL`` -- a name for people (``"RIS"``);
* ``detect(text: str) -> bool`` -- whether ``text`` (the start of a file) looks like this
  format, by content, never by file name; it must be cheap and never raise;
* ``parse(text: str) -> list[Record]`` -- every record in ``text``, in file order, built with
  :func:`make_record`; for bad input it raises :class:`ImportFormatError` naming the line or
  record and the problem, and nothing else;
* optionally ``read(lines: Iterable[str]) -> Iterator[Record]`` -- the same from the lines of
  a file (without their line ends) as they are read, so that a big file is never held
  whole in memory.

Text given to an importer has been decoded, its byte-order marks removed and its line
endings turned into ``\\n`` by :mod:`screener.importers.reading`; importers must still
survive any ``str``.
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
    """A single value: the first non-empty item where a format gave a list."""
    if type(value) is str or not isinstance(value, list | tuple):
        return value
    return next((v for v in value if v), "")


def _text(value: Any) -> str:
    if type(value) is str:
        return clean_text(value) if value else ""
    return clean_text(_first(value))


def _pages(pages: Any, start_page: Any, end_page: Any) -> tuple[str, str, str]:
    """(pages, start, end): a range such as ``1535-41`` is split; a start and end page given
    apart override it, and make the range when there is none."""
    page_text, start, end = split_pages(_first(pages))
    if not start_page:
        return page_text, start, end
    start = _text(start_page)
    end = _text(end_page) if end_page else end
    if page_text:
        return page_text, start, end
    return split_pages(f"{start}-{end}" if end else start)


def _issns(issn: Any) -> tuple[str, ...]:
    if type(issn) is str:
        return normalise_issn(issn) if issn else ()
    if isinstance(issn, list | tuple):
        return tuple(dict.fromkeys(i for value in issn for i in normalise_issn(value)))
    return normalise_issn(issn) if issn else ()


def _authors(authors: Iterable[object]) -> tuple[str, ...]:
    names = [normalise_author(name) for name in authors]
    return tuple(name for name in names if name)


def _keywords(keywords: Iterable[object]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for k in map(clean_text, keywords) if k))


def _doi(doi: Any) -> str:
    """The first DOI among ``doi`` (one value or candidates, best first)."""
    if not isinstance(doi, list | tuple):
        return normalise_doi(doi)
    return next((found for found in map(normalise_doi, doi) if found), "")


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
    page_text, start, end = _pages(pages, start_page, end_page)
    return Record(
        position=position,
        line=line,
        source_record_id=_text(source_record_id) or str(position),
        title=_text(title),
        abstract=_text(abstract),
        authors=_authors(authors),
        year=parse_year(_first(year)),
        journal=_text(journal),
        journal_abbrev=_text(journal_abbrev),
        volume=_text(volume),
        issue=_text(issue),
        pages=page_text,
        start_page=start,
        end_page=end,
        doi=_doi(doi),
        pmid=normalise_pmid(_first(pmid)),
        issn=_issns(issn),
        keywords=_keywords(keywords),
        type=_text(type),
        language=_text(language),
        url=_text(url),
        label=label,
        raw=raw if isinstance(raw, dict) else dict(raw or {}),
    )
