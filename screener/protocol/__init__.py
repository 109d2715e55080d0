"""The review protocol (protocol.toml): parsing, validation with key paths, and the template."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from screener.errors import ProtocolError
from screener.models import Stage
from screener.protocol._checker import Checker, did_you_mean

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
# The ids of the terminal UI's key bindings that [keys] may remap (`?` in the TUI lists
# them; tests/test_protocol.py checks this list against the TUI's bindings).
_BINDINGS = """
conflicts-back conflicts-next conflicts-previous conflicts-view dashboard dialog.cancel
exclude extract-back extract-clear extract-compare extract-consensus extract-edit
extract-next-study extract-previous-study help help-back history history-all
history-back history-exclude history-include history-limit history-maybe history-stage
history-view include limit maybe next note open-conflicts open-duplicates open-export
open-extraction open-full-text open-history open-pdf open-screening open-search
pair-different pair-next pair-previous pair-same pair-skip pair-undo pairs-back palette
previous quit reason refresh resolve-exclude resolve-include resolve-note resolve-tags
retrieval scroll-down scroll-up search search-back search-view study.close study.split
tag terms.add terms.done undo view-study
"""
BINDING_IDS = frozenset(_BINDINGS.split())


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
        data = path.read_bytes()
    except FileNotFoundError:
        raise ProtocolError(str(path), ["file not found (is this a screener project?)"]) from None
    except OSError as exc:
        raise ProtocolError(str(path), [f"cannot read: {exc.strerror or exc}"]) from None
    if data.startswith(b"\xef\xbb\xbf"):
        problem = "starts with a byte order mark (BOM); save it as UTF-8 without BOM"
        raise ProtocolError(str(path), [problem])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(str(path), [f"not UTF-8 text (byte {exc.start})"]) from None
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProtocolError(str(path), [f"not valid TOML: {exc}"]) from None
    except RecursionError:
        raise ProtocolError(str(path), ["not valid TOML: nested too deeply"]) from None
    return parse(parsed, str(path))


def _stage(check: Checker, data: dict[str, Any], path: str) -> StageRules:
    check.known(data, ("reason_required", "reasons"), path)
    required = check.boolean(data, "reason_required", f"{path}.reason_required", False)
    raw = data.get("reasons", [])
    reasons: list[Reason] = []
    codes: set[str] = set()
    if not isinstance(raw, list):
        check.problem(f"{path}.reasons", "must be a list of { code = ..., label = ... }")
        raw = []
    for i, item in enumerate(raw):
        where = f"{path}.reasons[{i}]"
        if not isinstance(item, dict):
            check.problem(where, 'must be { code = "...", label = "..." }')
            continue
        check.known(item, ("code", "label"), where)
        code = check.string(item, "code", f"{where}.code")
        label = check.string(item, "label", f"{where}.label")
        if code and not _CODE.match(code):
            check.problem(where, f"code {code!r} must be lower-case letters, digits or _")
        if code and code in codes:
            check.problem(where, f"code {code!r} is used twice")
        codes.add(code)
        for char in ",;":
            if char in label:
                check.problem(where, f"label contains '{char}' (PRISMA2020 files split on it)")
        reasons.append(Reason(code, label))
    if required and not reasons:
        check.problem(f"{path}.reasons", "reason_required is true but no reasons are listed")
    return StageRules(required, tuple(reasons))


def parse(data: dict[str, Any], path: str = "protocol.toml") -> Protocol:
    """Validate parsed TOML; raises :class:`ProtocolError` listing every problem."""
    check = Checker()
    check.known(data, _TOP_LEVEL, "")
    title = check.string(data, "title", "title")
    question = check.string(data, "question", "question", required=False)
    dual = check.boolean(data, "dual_screening", "dual_screening", True)
    reviewers = check.strings(data, "reviewers", "reviewers", unique=True)
    criteria = check.table(data, "criteria", "criteria")
    check.known(criteria, ("inclusion", "exclusion"), "criteria")
    inclusion = check.strings(criteria, "inclusion", "criteria.inclusion")
    exclusion = check.strings(criteria, "exclusion", "criteria.exclusion")
    stages = _stages(check, data)
    vocabularies = _vocabularies(check, data)
    highlights = _highlights(check, data)
    merge_preprints = _dedup(check, data)
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
        highlight_include=highlights["include"],
        highlight_exclude=highlights["exclude"],
        reviewers=reviewers,
        dual_screening=dual,
        merge_preprints=merge_preprints,
        second_review_percent=screening["second_review_percent"],
        queue_order=screening["order"],
        seed=screening["seed"],
        keys=keys,
        extraction=extraction,
    )


def _stages(check: Checker, data: dict[str, Any]) -> dict[Stage, StageRules]:
    """[stages.title_abstract] and [stages.full_text], both required."""
    section = check.table(data, "stages", "stages")
    check.known(section, (s.value for s in Stage), "stages")
    if not isinstance(data.get("stages"), dict):
        return {}
    stages: dict[Stage, StageRules] = {}
    for stage in Stage:
        rules = check.table(section, stage.value, f"stages.{stage.value}")
        stages[stage] = _stage(check, rules, f"stages.{stage.value}")
    return stages


def _vocabularies(check: Checker, data: dict[str, Any]) -> dict[str, Vocabulary]:
    """[vocabularies.NAME] sections; tissue, model and outcome are required."""
    section = check.table(data, "vocabularies", "vocabularies")
    vocabularies: dict[str, Vocabulary] = {}
    for name in REQUIRED_VOCABULARIES:
        if isinstance(data.get("vocabularies"), dict) and name not in section:
            check.problem(
                f"vocabularies.{name}",
                "missing vocabulary (tissue, model and outcome are required)",
            )
    for name, table in section.items():
        where = f"vocabularies.{name}"
        if not isinstance(table, dict):
            check.problem(where, "must be a section with open = true/false and terms = [...]")
            continue
        check.known(table, ("open", "terms"), where)
        is_open = check.boolean(table, "open", f"{where}.open", True)
        terms = check.strings(table, "terms", f"{where}.terms", unique=True)
        if not terms and not is_open:
            check.problem(f"{where}.terms", "a closed vocabulary needs at least one term")
        vocabularies[name] = Vocabulary(name, is_open, terms)
    return vocabularies


def _highlights(check: Checker, data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """[highlights] include and exclude: words, phrases and * wildcards."""
    section = data.get("highlights", {})
    if not isinstance(section, dict):
        check.problem("highlights", "must be a section with include = [...] and exclude = [...]")
        section = {}
    check.known(section, ("include", "exclude"), "highlights")
    lists = {}
    for side in ("include", "exclude"):
        terms = check.strings(section, side, f"highlights.{side}")
        for i, term in enumerate(terms):
            if not _HIGHLIGHT.match(term):
                check.problem(
                    f"highlights.{side}[{i}]",
                    f"{term!r}: use words, phrases and * wildcards only",
                )
            elif not term.replace("*", "").strip():
                check.problem(
                    f"highlights.{side}[{i}]", "has no letters: it would match every word"
                )
        lists[side] = terms
    return lists


def _dedup(check: Checker, data: dict[str, Any]) -> bool:
    """[dedup] merge_preprints (optional)."""
    if "dedup" not in data:
        return False
    section = check.table(data, "dedup", "dedup")
    check.known(section, ("merge_preprints",), "dedup")
    return check.boolean(section, "merge_preprints", "dedup.merge_preprints", False)


def _screening(check: Checker, data: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"second_review_percent": 100, "order": "import", "seed": 1}
    if "screening" not in data:
        return values
    section = check.table(data, "screening", "screening")
    check.known(section, _SCREENING_KEYS, "screening")
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


def _keys(check: Checker, data: dict[str, Any]) -> dict[str, str]:
    """[keys]: binding id = "key" (or "key1,key2"), e.g. include = "y"."""
    if "keys" not in data:
        return {}
    section = check.table(data, "keys", "keys")
    keys: dict[str, str] = {}
    for binding, value in section.items():
        if binding not in BINDING_IDS:
            hint = did_you_mean(binding, BINDING_IDS)
            check.problem(
                f"keys.{binding}", f"unknown binding id{hint} (`?` in the TUI lists them)"
            )
            continue
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
    check: Checker, data: dict[str, Any], vocabularies: dict[str, Vocabulary]
) -> ExtractionForm:
    """[extraction]: dual = true/false and [extraction.fields.NAME] tables, in file order."""
    if "extraction" not in data:
        return ExtractionForm()
    section = check.table(data, "extraction", "extraction")
    check.known(section, ("dual", "fields"), "extraction")
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
    check: Checker,
    name: str,
    table: dict[str, Any],
    where: str,
    vocabularies: dict[str, Vocabulary],
) -> ExtractionField | None:
    check.known(table, _FIELD_KEYS, where)
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
    low, high = _bounds(check, table, where, _FIELD_SETTINGS[kind])
    units: tuple[str, ...] = ()
    if kind is FieldType.NUMBER_UNIT:
        units = _units(check, table, where)
    return ExtractionField(name, kind, label, help_text, vocabulary, low, high, units)


def _bounds(
    check: Checker, table: dict[str, Any], where: str, settings: set[str]
) -> tuple[float | None, float | None]:
    """A number field's min and max: finite numbers, min not above max."""
    bounds: dict[str, float | None] = {"min": None, "max": None}
    for key in ("min", "max"):
        value = table.get(key)
        if value is None or key not in settings:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            check.problem(f"{where}.{key}", "must be a number")
        elif not math.isfinite(value):
            check.problem(f"{where}.{key}", f"must be a finite number, not {value}")
        else:
            bounds[key] = float(value)
    low, high = bounds["min"], bounds["max"]
    if low is not None and high is not None and low > high:
        check.problem(f"{where}.max", f"is below min ({low:g})")
    return low, high


def _units(check: Checker, table: dict[str, Any], where: str) -> tuple[str, ...]:
    units = check.strings(table, "units", f"{where}.units", unique=True)
    if not units and "units" in table and isinstance(table["units"], list):
        check.problem(f"{where}.units", "a number_unit field needs at least one unit")
    elif "units" not in table:
        check.problem(f"{where}.units", 'missing (e.g. units = ["µg", "mg/kg"])')
    return units
