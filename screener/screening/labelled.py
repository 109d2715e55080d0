"""Labelled datasets for simulated screening: any importable file with a 0/1 label column."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from screener.errors import ImportFormatError, ScreenerError
from screener.importers.reading import open_file

DEFAULT_LABEL_COLUMN = "label_included"
_YES = {"1", "1.0", "yes", "y", "true", "t", "include", "included", "relevant"}
_NO = {"0", "0.0", "no", "n", "false", "f", "exclude", "excluded", "irrelevant"}


@dataclass(frozen=True, slots=True)
class LabelledSet:
    """A dataset's screening texts and labels (1 relevant, 0 not), in file order.

    Every record is kept, even one with no title and no abstract (as ASReview keeps it: its
    text is empty, so the model ranks it by the classifier's intercept alone); row ``i`` here
    is row ``i`` of the file, which is what ASReview's ``--prior-idx`` counts."""

    name: str
    texts: tuple[str, ...]
    labels: tuple[int, ...]
    empty: int  # records with neither title nor abstract

    @property
    def relevant(self) -> int:
        return sum(self.labels)


def _label(value: object, where: str, column: str) -> int:
    if isinstance(value, list):
        value = next((v for v in value if str(v).strip()), "")
    text = str(value).strip().lower()
    if text in _YES:
        return 1
    if text in _NO:
        return 0
    shown = repr(value) if text else "an empty cell"
    raise ScreenerError(f"{where}: {column} is {shown}, not a 0/1 label")


def load_labelled(path: Path, label_column: str = DEFAULT_LABEL_COLUMN) -> LabelledSet:
    """Read a labelled file with the importers (format found by content, as ``import``
    does); the label is the raw field ``label_column`` of each record."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScreenerError(f"{path}: no such file") from None
    except OSError as exc:
        raise ScreenerError(f"{path}: cannot read: {exc.strerror}") from None
    from screener.screening.ranking import record_text  # scikit-learn loads only when it is needed

    opened = open_file(path, data)
    texts: list[str] = []
    labels: list[int] = []
    empty = 0
    try:
        records = list(opened.records())
    except ImportFormatError as exc:
        raise ScreenerError(str(exc)) from None
    for record in records:
        where = f"{path.name}: record {record.position}" + (
            f" (line {record.line})" if record.line else ""
        )
        if label_column not in record.raw:
            columns = ", ".join(sorted(record.raw)) or "none"
            raise ScreenerError(f"{where}: no {label_column!r} field (fields: {columns})")
        labels.append(_label(record.raw[label_column], where, label_column))
        texts.append(record_text(record.title, record.abstract, record.keywords))
        empty += not (record.title or record.abstract)
    if not records:
        raise ScreenerError(f"{path.name}: no records")
    if 1 not in labels or 0 not in labels:
        raise ScreenerError(
            f"{path.name}: {label_column} needs both relevant (1) and irrelevant (0) records "
            f"to simulate screening; found {sum(labels)} relevant of {len(labels)}"
        )
    return LabelledSet(path.stem, tuple(texts), tuple(labels), empty)


def prior_rows(labels: Sequence[int], seed: int) -> tuple[int, int]:
    """The prior knowledge for one seed: one relevant and one irrelevant row, drawn with
    Python's seeded generator (the same rows for our simulation and ASReview's)."""
    chooser = random.Random(seed)
    relevant = [i for i, label in enumerate(labels) if label == 1]
    irrelevant = [i for i, label in enumerate(labels) if label == 0]
    return chooser.choice(relevant), chooser.choice(irrelevant)
