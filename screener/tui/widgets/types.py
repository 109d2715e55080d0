"""How a record's publication type is shown beside another's: the RIS codes spelt out as
their databases name them ("JOUR" and "Journal Article" are one type), so that the
duplicates screen marks a difference only where the types differ."""

from __future__ import annotations

from rispy.config import TYPE_OF_REFERENCE_MAPPING

# A journal article is "JOUR" in RIS, "Journal Article" in MEDLINE, "Article" in Web of
# Science and Scopus, "article" in BibTeX: one name for all of them.
JOURNAL_ARTICLE = "Journal Article"
_ARTICLE_NAMES = {"jour", "ejour", "article", "journal article", "journal"}


def type_name(value: str) -> str:
    """A type as a reviewer reads it: each ';'-separated part with an RIS code spelt out
    and every name of a journal article as "Journal Article"."""
    names = []
    for part in (p.strip() for p in value.split(";")):
        if not part:
            continue
        name = TYPE_OF_REFERENCE_MAPPING.get(part.upper(), part) if part.isupper() else part
        names.append(JOURNAL_ARTICLE if name.casefold() in _ARTICLE_NAMES else name)
    return "; ".join(dict.fromkeys(names))


def same_type(a: str, b: str) -> bool:
    """Whether two records' types name the same kind of item (case aside)."""
    return type_name(a).casefold() == type_name(b).casefold()
