"""Blocking: the pairs of records worth comparing, found through keys they share (an
identifier, the beginning or end of the title, its longest words, first author and year,
volume and first page) instead of comparing every record with every other."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from screener.dedup.prepared import Prepared

MAX_BLOCK = 60  # more records sharing an id or a page: a bogus value that tells nothing
# Blocks on first author + year and on a title's longest words grow with the project
# (every "Wang 2020"): pairs in such blocks are picked by title similarity in one C call
# (cdist) instead of all being compared.
SIMILAR_TITLE_KEYS = frozenset("aw")
# Title beginnings and endings shared by too many records are lengthened instead.
LONGER_KEYS: dict[str, Callable[[str], str]] = {"t": lambda c: c[:48], "u": lambda c: c[-48:]}
SMALL_BLOCK = 8
SIMILAR_PARTNERS = 10
MAX_SIMILAR_BLOCK = 5000
TITLE_CUTOFF = 70  # titles less alike than this are not a pair worth comparing


def blocking_keys(p: Prepared) -> Iterable[str]:
    """The keys under which a record is compared with others that share one (each once)."""
    if p.doi:
        yield "d" + p.doi
    if p.pmid:
        yield "p" + p.pmid
    compact = p.title_key
    if len(compact) >= 12:
        yield "t" + compact[:24]
        yield "u" + compact[-24:]
        # the longest words, alphabetical among equals (a stable sort keeps that order)
        longest = sorted(sorted(p.core.split()), key=len, reverse=True)[:3]
        yield "w" + " ".join(sorted(longest))
    if len(p.core_key) >= 12 and p.core_key[:24] != compact[:24]:
        yield "t" + p.core_key[:24]  # a notice beside the article it is about
    if p.authors and p.year:
        yield f"a{p.authors[0][0]}{p.year}"
    if p.volume and p.page and p.year:
        yield f"v{p.year}|{p.volume}|{p.page}"
    if p.page and p.authors and p.volume:
        yield f"b{p.authors[0][0]}|{p.volume}|{p.page}"


def candidate_pairs(prepared: Sequence[Prepared], compared_up_to: int = 0) -> list[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, that share at least one blocking key."""
    n = len(prepared)
    return [divmod(code, n) for code in candidate_codes(prepared, compared_up_to)]


def candidate_codes(prepared: Sequence[Prepared], compared_up_to: int = 0) -> list[int]:
    """The candidate pairs coded ``i * n + j`` in ascending order (plain integers: a pair
    list of tuples at 100,000 records keeps the garbage collector busy for seconds).
    Pairs whose two records both have ids up to ``compared_up_to`` are left out."""
    n = len(prepared)
    seen: set[int] = set()
    for key, members in _blocks(prepared).items():
        size = len(members)
        if key[0] in SIMILAR_TITLE_KEYS and size > SMALL_BLOCK:
            if size <= MAX_SIMILAR_BLOCK:
                seen.update(_similar_title_pairs(prepared, members, n))
        elif size <= MAX_BLOCK:
            seen.update(_all_pairs(members, n))
        elif key[0] in LONGER_KEYS:
            # "...: a randomized controlled trial": split on twice as many letters
            longer = LONGER_KEYS[key[0]]
            sub: dict[str, list[int]] = defaultdict(list)
            for i in members:
                sub[longer(prepared[i].title_key)].append(i)
            for part in sub.values():
                if 1 < len(part) <= MAX_BLOCK:
                    seen.update(_all_pairs(part, n))
    codes = sorted(seen)
    if compared_up_to:
        codes = [
            code
            for code in codes
            if prepared[code // n].id > compared_up_to or prepared[code % n].id > compared_up_to
        ]
    return codes


def _blocks(prepared: Sequence[Prepared]) -> dict[str, list[int]]:
    """The blocks of two records or more, by key. Most keys are one record's only: they
    get no list."""
    first: dict[str, int] = {}
    blocks: dict[str, list[int]] = {}
    for index, p in enumerate(prepared):
        for key in blocking_keys(p):
            members = blocks.get(key)
            if members is not None:
                members.append(index)
            elif (other := first.setdefault(key, index)) != index:
                blocks[key] = [other, index]
    return blocks


def _all_pairs(members: list[int], n: int) -> Iterator[int]:
    """Every pair of a block (members in ascending order), coded ``i * n + j``."""
    for x, i in enumerate(members):
        for j in members[x + 1 :]:
            yield i * n + j


def _similar_title_pairs(prepared: Sequence[Prepared], members: list[int], n: int) -> list[int]:
    """Pairs (coded ``i * n + j``) of a block whose titles are at least TITLE_CUTOFF alike,
    at most SIMILAR_PARTNERS per record (the most alike), so that a block of look-alike
    titles cannot make the pairs grow with its square."""
    titles = [prepared[i].core for i in members]
    scores = process.cdist(
        titles, titles, scorer=fuzz.ratio, score_cutoff=TITLE_CUTOFF, dtype=np.uint8
    )
    np.fill_diagonal(scores, 0)
    partners = min(SIMILAR_PARTNERS, len(members) - 1)
    best = np.argpartition(scores, -partners, axis=1)[:, -partners:]
    rows = np.repeat(np.arange(len(members)), partners)
    cols = best.ravel()
    keep = scores[rows, cols] > 0
    codes = set()
    for x, y in zip(rows[keep].tolist(), cols[keep].tolist(), strict=True):
        i, j = members[x], members[y]
        codes.add(i * n + j if i < j else j * n + i)
    return list(codes)
