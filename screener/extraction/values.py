"""Extracted values: checked against their form field, read from text, shown as text, compared."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

from screener.errors import ScreenerError
from screener.models import ExtractedValue
from screener.protocol import ExtractionField, FieldType
from screener.text import control_problem

TEXT_LIMIT = 20_000  # characters of a text value
TERM_LIMIT = 200  # characters of a term (as screening.decisions.TERM_LIMIT)
_NUMBER_UNIT = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def _term(form_field: ExtractionField, text: object, known: Sequence[str], is_open: bool) -> str:
    if not isinstance(text, str) or not " ".join(text.split()):
        raise ScreenerError(f"{form_field.name}: a term is needed, not {text!r}")
    term = " ".join(text.split())
    _check_size(form_field, term, TERM_LIMIT, lines=False)
    for existing in known:  # the vocabulary's own spelling, whatever the case typed
        if existing.casefold() == term.casefold():
            return existing
    if not is_open:
        raise ScreenerError(
            f"{form_field.name}: {term!r} is not a term of the closed vocabulary "
            f"{form_field.vocabulary!r} ({', '.join(known)})"
        )
    return term


def _check_size(form_field: ExtractionField, text: str, limit: int, *, lines: bool) -> str:
    if len(text) > limit:
        raise ScreenerError(f"{form_field.name}: {len(text):,} characters (at most {limit:,})")
    problem = control_problem(text, lines=lines)
    if problem:
        raise ScreenerError(f"{form_field.name}: {problem}")
    return text


def _number(form_field: ExtractionField, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ScreenerError(f"{form_field.name}: a number is needed, not {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise ScreenerError(f"{form_field.name}: {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ScreenerError(f"{form_field.name}: {value!r} is not a finite number")
    low, high = form_field.minimum, form_field.maximum
    if low is not None and number < low:
        raise ScreenerError(f"{form_field.name}: {number:g} is below the minimum {low:g}")
    if high is not None and number > high:
        raise ScreenerError(f"{form_field.name}: {number:g} is above the maximum {high:g}")
    return number


# Units typed without their special characters. The micro prefix µ is written "u" or "mc"
# before a base unit ("ug", "mcg", "uL", "umol/L"); a few units are written as words.
MICRO_PREFIXES = ("mc", "u")
MICRO_BASES = ("g", "l", "m", "mol", "s", "gy")  # compared in any case
UNIT_WORDS = {"degc": "°C", "deg c": "°C", "micron": "µm", "microns": "µm"}
_UNIT_PARTS = re.compile(r"([/·*^\s]+)")


def _fold(unit: str) -> str:
    """A unit compared in any case and either micro character (µ, the micro sign, or μ)."""
    return unicodedata.normalize("NFKC", unit).casefold()


def _symbol_spelling(unit: str) -> str:
    """An ASCII spelling with its symbols: "ug/kg" -> "µg/kg", "degC" -> "°C"."""
    if unit.casefold() in UNIT_WORDS:
        return UNIT_WORDS[unit.casefold()]
    parts = _UNIT_PARTS.split(unit)
    for i, part in enumerate(parts):
        for prefix in MICRO_PREFIXES:
            rest = part[len(prefix) :]
            if part.casefold().startswith(prefix) and rest.casefold() in MICRO_BASES:
                parts[i] = "µ" + rest
                break
    return "".join(parts)


def field_unit(form_field: ExtractionField, typed: str) -> str | None:
    """The field's own spelling of a unit as typed: the same, or the same in another case
    or with ASCII for its symbols ("ug", "mcg" for µg); None when it is none of the field's
    units, or could be two of them ("mm" when the field has mm and mM)."""
    units = form_field.units
    if typed in units:
        return typed
    for candidate in dict.fromkeys((typed, _symbol_spelling(typed))):
        same = [
            u
            for u in units
            if unicodedata.normalize("NFKC", u) == unicodedata.normalize("NFKC", candidate)
        ]
        alike = same or [u for u in units if _fold(u) == _fold(candidate)]
        if len(alike) == 1:
            return alike[0]
    return None


def check_value(
    form_field: ExtractionField, value: object, known: Sequence[str], is_open: bool
) -> tuple[ExtractedValue, list[str]]:
    """The value as stored (see :data:`screener.models.ExtractedValue`) and the new terms it
    adds to an open vocabulary; an error naming the field says what is wrong. None clears."""
    if value is None:
        return None, []
    kind = form_field.type
    if kind is FieldType.CHOICE:
        term = _term(form_field, value, known, is_open)
        return term, [] if term in known else [term]
    if kind is FieldType.MULTI:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not items:
            raise ScreenerError(f"{form_field.name}: one or more terms are needed")
        terms = list(dict.fromkeys(_term(form_field, t, known, is_open) for t in items))
        return terms, [t for t in terms if t not in known]
    if kind is FieldType.TEXT:
        if not isinstance(value, str):
            raise ScreenerError(f"{form_field.name}: text is needed, not {value!r}")
        if not value.strip():
            return None, []
        return _check_size(form_field, value.strip(), TEXT_LIMIT, lines=True), []
    if kind is FieldType.NUMBER:
        return _number(form_field, value), []
    if not isinstance(value, dict) or set(value) != {"value", "unit"}:
        raise ScreenerError(f'{form_field.name}: a number and a unit are needed, e.g. "10 µg"')
    typed = value["unit"].strip() if isinstance(value["unit"], str) else ""
    unit = field_unit(form_field, typed)
    if unit is None:
        shown = typed or "no unit"
        raise ScreenerError(
            f"{form_field.name}: {shown!r} is not one of its units ({', '.join(form_field.units)})"
        )
    return {"value": _number(form_field, value["value"]), "unit": unit}, []


def parse_text(form_field: ExtractionField, text: str, unit: str | None = None) -> object:
    """A value as typed (on the command line or in a dialog), ready for :func:`check_value`:
    multi terms separated by ";", a number_unit as "10 µg" (or the number and ``unit``).
    Empty text clears the field (None)."""
    text = text.strip()
    if not text:
        return None
    kind = form_field.type
    if kind is FieldType.MULTI:
        return [t for t in (part.strip() for part in text.split(";")) if t]
    if kind is FieldType.NUMBER:
        return text
    if kind is FieldType.NUMBER_UNIT:
        if unit is not None:
            return {"value": text, "unit": unit}
        match = _NUMBER_UNIT.match(text)
        if not match or not match.group(2):
            raise ScreenerError(
                f'{form_field.name}: {text!r} is not a number and a unit, e.g. "10 '
                f'{form_field.units[0] if form_field.units else "µg"}"'
            )
        return {"value": match.group(1), "unit": match.group(2)}
    return text


def _number_text(number: float) -> str:
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def format_value(value: ExtractedValue) -> str:
    """A stored value as text: terms joined by "; ", a number and its unit as "10 µg"."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, dict):
        return f"{_number_text(float(value['value']))} {value['unit']}"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return _number_text(float(value))
    return str(value)


def same_value(form_field: ExtractionField, a: ExtractedValue, b: ExtractedValue) -> bool:
    """Whether two reviewers' values agree: terms as sets (order does not matter), text
    ignoring case and spacing, numbers exactly."""
    if isinstance(a, list) and isinstance(b, list):
        return sorted(a) == sorted(b)
    if form_field.type is FieldType.TEXT and isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    return a == b


def value_terms(value: ExtractedValue) -> list[str]:
    """The vocabulary terms of a choice or multi value."""
    if isinstance(value, list):
        return list(value)
    return [value] if isinstance(value, str) else []
