"""Real-shaped records for the matcher's tests, and a background of unrelated records to
judge them among: the weights depend on how common each value is in the project."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace

from screener.dedup.evidence import Evidence, compare
from screener.dedup.frequencies import Frequencies
from screener.dedup.prepared import prepare
from screener.dedup.rules import Decision, decide
from screener.models import MatchInput

_WORDS = [
    "stem",
    "cell",
    "secretome",
    "wound",
    "healing",
    "exosome",
    "bone",
    "cartilage",
    "tendon",
    "repair",
    "therapy",
    "mice",
    "rats",
    "patients",
    "trial",
    "cohort",
    "outcome",
    "inflammation",
    "fibrosis",
    "kidney",
    "liver",
    "heart",
    "lung",
    "skin",
    "graft",
    "scaffold",
    "hydrogel",
    "injection",
    "dose",
    "response",
    "signalling",
    "pathway",
    "expression",
    "marker",
]
_FAMILIES = [
    "Wang",
    "Li",
    "Zhang",
    "Chen",
    "Smith",
    "Jones",
    "Garcia",
    "Muller",
    "Rossi",
    "Kim",
    "Park",
    "Sato",
    "Nguyen",
    "Silva",
    "Novak",
    "Brown",
    "Taylor",
    "Martin",
    "Dubois",
    "Ivanov",
    "Khan",
    "Patel",
    "Kowalski",
    "Jensen",
    "Hansen",
    "Costa",
    "Lopez",
    "Meyer",
]
_JOURNALS = (
    "Stem Cell Research & Therapy",
    "Journal of Cellular Physiology",
    "Biomaterials",
    "Wound Repair and Regeneration",
    "Cytotherapy",
    "Tissue Engineering Part A",
    "Journal of Orthopaedic Research",
    "PLoS One",
    "Scientific Reports",
    "Stem Cells International",
)


def background(n: int = 400, first_id: int = 1000, copies: int = 60) -> list[MatchInput]:
    """``n`` unrelated journal articles (the same every time), ids from ``first_id``, and a
    second database's copies of the first ``copies`` of them (as in any multi-database
    search: the project learns from them how reliably its exports record each field)."""
    rng = random.Random(17)
    records = []
    for i in range(n):
        words = rng.sample(_WORDS, 8)
        journal = rng.choice(_JOURNALS)
        year = rng.randint(2005, 2024)
        page = rng.randint(1, 3000)
        records.append(
            MatchInput(
                id=first_id + i,
                title=" ".join(words).capitalize() + f" in model {i}",
                authors=tuple(
                    f"{rng.choice(_FAMILIES)}, {rng.choice('ABCDEFGHJK')}."
                    for _ in range(rng.randint(1, 6))
                ),
                year=year,
                journal=journal,
                volume=str(year - 1990),
                issue=str(rng.randint(1, 12)),
                start_page=str(page),
                end_page=str(page + rng.randint(2, 12)),
                doi=f"10.{1000 + i % 50}/bg.{i}" if rng.random() < 0.6 else "",
            )
        )
    return records + [
        replace(r, id=first_id + n + i, title=r.title.upper(), doi="")
        for i, r in enumerate(records[:copies])
    ]


def judge(
    records: Sequence[MatchInput], a: int, b: int, *, among: Sequence[MatchInput] | None = None
) -> tuple[Decision, Evidence]:
    """The decision on records ``a`` and ``b`` of ``records``, in a project that holds
    ``records`` and a background (``among``, default :func:`background`)."""
    project = [*records, *(background() if among is None else among)]
    prepared = {r.id: prepare(r) for r in project}
    freq = Frequencies(list(prepared.values()))
    evidence = compare(prepared[a], prepared[b], freq)
    return decide(prepared[a], prepared[b], evidence, freq), evidence


ARTICLE = MatchInput(
    id=1,
    title="Mesenchymal stem cell secretome accelerates wound closure in diabetic rats",
    authors=("Smith, John A.", "Doe, Jane", "Roe, R."),
    year=2019,
    journal="Stem Cell Research & Therapy",
    volume="10",
    issue="3",
    start_page="1535",
    end_page="1541",
    doi="10.1186/s13287-019-1234-5",
    pmid="31234567",
)


def copy_of(record: MatchInput, new_id: int = 2, **changes: object) -> MatchInput:
    return replace(record, id=new_id, **changes)  # type: ignore[arg-type]
