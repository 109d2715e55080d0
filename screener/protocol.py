"""The review protocol (protocol.toml): parsing, validation with key paths, and the template."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from screener.errors import ProtocolError
from screener.models import Stage

REQUIRED_VOCABULARIES = ("tissue", "model", "outcome")
_CODE = re.compile(r"^[a-z0-9_]+$")
_HIGHLIGHT = re.compile(r"^[\w*][\w*\s'./-]*$")
_TOP_LEVEL = {
    "title",
    "question",
    "dual_screening",
    "reviewers",
    "criteria",
    "stages",
    "vocabularies",
    "highlights",
    "dedup",
    "screening",
    "keys",
    "extraction",
}
QUEUE_ORDERS = ("import", "random", "ranked")
_SCREENING_KEYS = {"second_review_percent", "order", "seed"}
_KEY = re.compile(r"^[\w+-]+(,[\w+-]+)*$")


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class StageRules:
    reason_required: bool
    reasons: tuple[Reason, ...]

    def label(self, code: str) -> str:
        """A reason's label ("Wrong publication type"), or the code itself when unknown."""
        return next((r.label for r in self.reasons if r.code == code), code)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    name: str
    open: bool
    terms: tuple[str, ...]


class FieldType(StrEnum):
    """What an extraction field holds."""

    CHOICE = "choice"  # one term of a vocabulary
    MULTI = "multi"  # several terms of a vocabulary
    TEXT = "text"
    NUMBER = "number"  # optionally between min and max
    NUMBER_UNIT = "number_unit"  # a number and one unit of a list


@dataclass(frozen=True, slots=True)
class ExtractionField:
    """One field of the extraction form ([extraction.fields.NAME])."""

    name: str
    type: FieldType
    label: str
    help: str = ""
    vocabulary: str = ""  # choice and multi
    minimum: float | None = None  # number and number_unit
    maximum: float | None = None
    units: tuple[str, ...] = ()  # number_unit


@dataclass(frozen=True, slots=True)
class ExtractionForm:
    """[extraction]: the fields in the order protocol.toml lists them, and whether two
    reviewers extract every study independently."""

    fields: tuple[ExtractionField, ...] = ()
    dual: bool = False

    def field_named(self, name: str) -> ExtractionField | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True, slots=True)
class Protocol:
    title: str
    question: str
    inclusion: tuple[str, ...]
    exclusion: tuple[str, ...]
    stages: dict[Stage, StageRules]
    vocabularies: dict[str, Vocabulary]
    highlight_include: tuple[str, ...]
    highlight_exclude: tuple[str, ...]
    reviewers: tuple[str, ...]
    dual_screening: bool
    merge_preprints: bool = False  # [dedup]: a preprint and its journal version are one study
    # [screening]: with dual screening, the share of records a second reviewer also screens
    second_review_percent: int = 100
    queue_order: str = "import"  # [screening] order: import, random or ranked
    seed: int = 1  # [screening] seed of the random order
    keys: dict[str, str] = field(default_factory=dict)  # [keys]: binding id -> key(s)
    extraction: ExtractionForm = ExtractionForm()  # [extraction]: the data extraction form


def template(title: str) -> str:
    """The commented protocol.toml written by ``screener init``."""
    text = (Path(__file__).parent / "protocol_template.toml").read_text(encoding="utf-8")
    escaped = title.replace("\\", "\\\\").replace('"', '\\"')
    return text.replace("{{TITLE}}", escaped)


def load(path: Path) -> Protocol:
    """Read and validate ``path``; raises :class:`ProtocolError` listing every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProtocolError(str(path), ["file not found (is this a screener project?)"]) from None
    except UnicodeDecodeError as exc:
        raise ProtocolError(str(path), [f"not UTF-8 text (byte {exc.start})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolError(str(path), [f"not valid TOML: {exc}"]) from None
    return parse(data, str(path))


class _Checker:
    """Collects every problem with its key path instead of stopping at the first one."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{key}: {message}")

    def string(self, data: dict[str, Any], key: str, path: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(path, "missing")
            return ""
        if not isinstance(value, str):
            self.problem(path, f"must be text, not {type(value).__name__}")
            return ""
        if required and not value.strip():
            self.problem(path, "must not be empty")
        return value.strip()

    def boolean(self, data: dict[str, Any], key: str, path: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(path, "must be true or false")
            return default
        return value

    def strings(
        self, data: dict[str, Any], key: str, path: str, unique: bool = False
    ) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problem(path, "must be a list of text items")
            return ()
        items: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.problem(f"{path}[{i}]", "must be non-empty text")
                continue
            if unique and item.strip().casefold() in (x.casefold() for x in items):
                self.problem(f"{path}[{i}]", f"duplicate {item.strip()!r}")
                continue
            items.append(item.strip())
        return tuple(items)

    def table(self, data: dict[str, Any], key: str, path: str) -> dict[str, Any]:
        value = data.get(key)
        if value is None:
            self.problem(path, "missing section")
            return {}
        if not isinstance(value, dict):
            self.problem(path, "must be a section (table)")
            return {}
        return value


def _stage(check: _Checker, data: dict[str, Any], path: str) -> StageRules:
    required = check.boolean(data, "reason_required", f"{path}.reason_required", False)
    raw = data.get("reasons", [])
    reasons: list[Reason] = []
    if not isinstance(raw, list):
        check.problem(f"{path}.reasons", "must be a list of { code = ..., label = ... }")
        raw = []
    for i, item in enumerate(raw):
        where = f"{path}.reasons[{i}]"
        if not isinstance(item, dict):
            check.problem(where, 'must be { code = "...", label = "..." }')
            continue
        code = check.string(item, "code", f"{where}.code")
        label = check.string(item, "label", f"{where}.label")
        if code and not _CODE.match(code):
            check.problem(where, f"code {code!r} must be lower-case letters, digits or _")
        if code and any(r.code == code for r in reasons):
            check.problem(where, f"code {code!r} is used twice")
        for char in ",;":
            if char in label:
                check.problem(where, f"label contains '{char}' (PRISMA2020 files split on it)")
        reasons.append(Reason(code, label))
    if required and not reasons:
        check.problem(f"{path}.reasons", "reason_required is true but no reasons are listed")
    return StageRules(required, tuple(reasons))


def parse(data: dict[str, Any], path: str = "protocol.toml") -> Protocol:
    """Validate parsed TOML; raises :class:`ProtocolError` listing every problem."""
    check = _Checker()
    for key in sorted(set(data) - _TOP_LEVEL):
        check.problem(key, f"unknown setting (known: {', '.join(sorted(_TOP_LEVEL))})")
    title = check.string(data, "title", "title")
    question = check.string(data, "question", "question", required=False)
    dual = check.boolean(data, "dual_screening", "dual_screening", True)
    reviewers = check.strings(data, "reviewers", "reviewers", unique=True)
    criteria = check.table(data, "criteria", "criteria")
    inclusion = check.strings(criteria, "inclusion", "criteria.inclusion")
    exclusion = check.strings(criteria, "exclusion", "criteria.exclusion")

    stages_data = check.table(data, "stages", "stages")
    stages: dict[Stage, StageRules] = {}
    for key in sorted(set(stages_data) - {s.value for s in Stage}):
        check.problem(
            f"stages.{key}", f"unknown stage (known: {', '.join(s.value for s in Stage)})"
        )
    for stage in Stage:
        if isinstance(data.get("stages"), dict):
            section = check.table(stages_data, stage.value, f"stages.{stage.value}")
            stages[stage] = _stage(check, section, f"stages.{stage.value}")

    vocab_data = check.table(data, "vocabularies", "vocabularies")
    vocabularies: dict[str, Vocabulary] = {}
    for name in REQUIRED_VOCABULARIES:
        if isinstance(data.get("vocabularies"), dict) and name not in vocab_data:
            check.problem(
                f"vocabularies.{name}",
                "missing vocabulary (tissue, model and outcome are required)",
            )
    for name, section in vocab_data.items():
        where = f"vocabularies.{name}"
        if not isinstance(section, dict):
            check.problem(where, "must be a section with open = true/false and terms = [...]")
            continue
        for key in sorted(set(section) - {"open", "terms"}):
            check.problem(f"{where}.{key}", "unknown setting (known: open, terms)")
        is_open = check.boolean(section, "open", f"{where}.open", True)
        terms = check.strings(section, "terms", f"{where}.terms", unique=True)
        if not terms and not is_open:
            check.problem(f"{where}.terms", "a closed vocabulary needs at least one term")
        vocabularies[name] = Vocabulary(name, is_open, terms)

    highlights = data.get("highlights", {})
    if not isinstance(highlights, dict):
        check.problem("highlights", "must be a section with include = [...] and exclude = [...]")
        highlights = {}
    lists = {}
    for side in ("include", "exclude"):
        terms = check.strings(highlights, side, f"highlights.{side}")
        for i, term in enumerate(terms):
            if not _HIGHLIGHT.match(term):
                check.problem(
                    f"highlights.{side}[{i}]",
                    f"{term!r}: use words, phrases and * wildcards only",
                )
        lists[side] = terms

    merge_preprints = False
    if "dedup" in data:
        dedup = check.table(data, "dedup", "dedup")
        for key in sorted(set(dedup) - {"merge_preprints"}):
            check.problem(f"dedup.{key}", "unknown setting (known: merge_preprints)")
        merge_preprints = check.boolean(dedup, "merge_preprints", "dedup.merge_preprints", False)

    screening = _screening(check, data)
    keys = _keys(check, data)
    extraction = _extraction(check, data, vocabularies)

    if check.problems:
        raise ProtocolError(path, check.problems)
    return Protocol(
        title=title,
        question=question,
        inclusion=inclusion,
        exclusion=exclusion,
        stages=stages,
        vocabularies=vocabularies,
        highlight_include=lists["include"],
        highlight_exclude=lists["exclude"],
        reviewers=reviewers,
        dual_screening=dual,
        merge_preprints=merge_preprints,
        second_review_percent=screening["second_review_percent"],
        queue_order=screening["order"],
        seed=screening["seed"],
        keys=keys,
        extraction=extraction,
    )


def _screening(check: _Checker, data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"second_review_percent": 100, "order": "import", "seed": 1}
    if "screening" not in data:
        return values
    section = check.table(data, "screening", "screening")
    for key in sorted(set(section) - _SCREENING_KEYS):
        check.problem(
            f"screening.{key}", f"unknown setting (known: {', '.join(sorted(_SCREENING_KEYS))})"
        )
    percent = section.get("second_review_percent", 100)
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        check.problem("screening.second_review_percent", "must be a whole number from 0 to 100")
    else:
        values["second_review_percent"] = percent
    order = section.get("order", "import")
    if order not in QUEUE_ORDERS:
        check.problem("screening.order", f"must be one of {', '.join(QUEUE_ORDERS)}")
    else:
        values["order"] = order
    seed = section.get("seed", 1)
    if isinstance(seed, bool) or not isinstance(seed, int):
        check.problem("screening.seed", "must be a whole number")
    else:
        values["seed"] = seed
    return values


def _keys(check: _Checker, data: dict[str, Any]) -> dict[str, str]:
    """[keys]: binding id = "key" (or "key1,key2"), e.g. include = "y"."""
    if "keys" not in data:
        return {}
    section = check.table(data, "keys", "keys")
    keys: dict[str, str] = {}
    for binding, value in section.items():
        if not isinstance(value, str) or not _KEY.match(value.replace(" ", "")):
            check.problem(
                f"keys.{binding}", 'must be a key name such as "y", "ctrl+y" or "y,right"'
            )
            continue
        keys[binding] = value.replace(" ", "")
    return keys


_FIELD_KEYS = {"type", "label", "help", "vocabulary", "min", "max", "units"}
_FIELD_SETTINGS = {
    FieldType.CHOICE: {"vocabulary"},
    FieldType.MULTI: {"vocabulary"},
    FieldType.TEXT: set(),
    FieldType.NUMBER: {"min", "max"},
    FieldType.NUMBER_UNIT: {"min", "max", "units"},
}


def _extraction(
    check: _Checker, data: dict[str, Any], vocabularies: dict[str, Vocabulary]
) -> ExtractionForm:
    """[extraction]: dual = true/false and [extraction.fields.NAME] tables, in file order."""
    if "extraction" not in data:
        return ExtractionForm()
    section = check.table(data, "extraction", "extraction")
    for key in sorted(set(section) - {"dual", "fields"}):
        check.problem(f"extraction.{key}", "unknown setting (known: dual, fields)")
    dual = check.boolean(section, "dual", "extraction.dual", False)
    tables = check.table(section, "fields", "extraction.fields") if section else {}
    fields = []
    for name, table in tables.items():
        where = f"extraction.fields.{name}"
        if not _CODE.match(name):
            check.problem(where, "a field name must be lower-case letters, digits or _")
        if not isinstance(table, dict):
            check.problem(where, 'must be a section with type = "..." and label = "..."')
            continue
        made = _field(check, name, table, where, vocabularies)
        if made is not None:
            fields.append(made)
    if isinstance(section.get("fields"), dict) and not tables:
        check.problem("extraction.fields", "lists no fields")
    return ExtractionForm(tuple(fields), dual)


def _field(
    check: _Checker,
    name: str,
    table: dict[str, Any],
    where: str,
    vocabularies: dict[str, Vocabulary],
) -> ExtractionField | None:
    known_keys = ", ".join(sorted(_FIELD_KEYS))
    for key in sorted(set(table) - _FIELD_KEYS):
        check.problem(f"{where}.{key}", f"unknown setting (known: {known_keys})")
    raw_type = table.get("type")
    if not isinstance(raw_type, str) or raw_type not in set(FieldType):
        known = ", ".join(t.value for t in FieldType)
        check.problem(f"{where}.type", f"is {raw_type!r}; must be one of {known}")
        return None
    kind = FieldType(raw_type)
    label = check.string(table, "label", f"{where}.label")
    help_text = check.string(table, "help", f"{where}.help", required=False)
    for key in sorted(set(table) & (_FIELD_KEYS - {"type", "label", "help"})):
        if key not in _FIELD_SETTINGS[kind]:
            check.problem(f"{where}.{key}", f"does not apply to a {kind} field")
    vocabulary = ""
    if kind in (FieldType.CHOICE, FieldType.MULTI):
        vocabulary = check.string(table, "vocabulary", f"{where}.vocabulary")
        if vocabulary and vocabulary not in vocabularies:
            known = ", ".join(sorted(vocabularies)) or "none"
            check.problem(f"{where}.vocabulary", f"no [vocabularies.{vocabulary}] (known: {known})")
    bounds: dict[str, float | None] = {"min": None, "max": None}
    for key in ("min", "max"):
        value = table.get(key)
        if value is None or key not in _FIELD_SETTINGS[kind]:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            check.problem(f"{where}.{key}", "must be a number")
        else:
            bounds[key] = float(value)
    low, high = bounds["min"], bounds["max"]
    if low is not None and high is not None and low > high:
        check.problem(f"{where}.max", f"is below min ({low:g})")
    units: tuple[str, ...] = ()
    if kind is FieldType.NUMBER_UNIT:
        units = check.strings(table, "units", f"{where}.units", unique=True)
        if not units and "units" in table and isinstance(table["units"], list):
            check.problem(f"{where}.units", "a number_unit field needs at least one unit")
        elif "units" not in table:
            check.problem(f"{where}.units", 'missing (e.g. units = ["µg", "mg/kg"])')
    return ExtractionField(name, kind, label, help_text, vocabulary, low, high, units)
