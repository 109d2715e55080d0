"""The PRISMA 2020 counts as frozen values, and the JSON object they print as."""

from __future__ import annotations

from dataclasses import dataclass

from screener.models import SourceMethod

DATABASE_METHODS = (SourceMethod.DATABASE, SourceMethod.REGISTER)


@dataclass(frozen=True, slots=True)
class ColumnCounts:
    """One column of the diagram from screening on: reports (deduplicated records)."""

    records_screened: int = 0
    records_excluded: int = 0
    records_awaiting_screening: int = 0
    reports_sought: int = 0
    reports_not_retrieved: int = 0
    reports_awaiting_retrieval: int = 0
    reports_assessed: int = 0
    reports_awaiting_assessment: int = 0
    reports_excluded: tuple[tuple[str, int], ...] = ()  # (reason label, reports)
    reports_included: int = 0
    # Why records or reports are still awaiting, by their study's status at that stage
    # (unscreened, awaiting a reviewer, conflict): title/abstract, then full text.
    screening_pending: tuple[tuple[str, int], ...] = ()
    assessment_pending: tuple[tuple[str, int], ...] = ()

    @property
    def reports_excluded_total(self) -> int:
        return sum(n for _, n in self.reports_excluded)

    def as_dict(self) -> dict[str, object]:
        return {
            "records_screened": self.records_screened,
            "records_excluded": self.records_excluded,
            "records_awaiting_screening": self.records_awaiting_screening,
            "reports_sought": self.reports_sought,
            "reports_not_retrieved": self.reports_not_retrieved,
            "reports_awaiting_retrieval": self.reports_awaiting_retrieval,
            "reports_assessed": self.reports_assessed,
            "reports_awaiting_assessment": self.reports_awaiting_assessment,
            "reports_excluded": self.reports_excluded_total,
            "reports_excluded_by_reason": dict(self.reports_excluded),
            "reports_included": self.reports_included,
            "records_awaiting_screening_by_status": dict(self.screening_pending),
            "reports_awaiting_by_status": dict(self.assessment_pending),
        }


@dataclass(frozen=True, slots=True)
class PrismaCounts:
    """The PRISMA 2020 flow: identification per source kind, then each column's flow."""

    databases: tuple[tuple[str, int], ...]  # (database name, records identified)
    registers: tuple[tuple[str, int], ...]
    websites: int
    organisations: int
    citations: int
    duplicates: int  # databases and registers
    excluded_automatic: int  # no automation tool excludes records here: always 0
    excluded_other: int  # records skipped at import: nothing to screen
    main: ColumnCounts  # databases and registers
    other: ColumnCounts  # other methods only
    other_records: int  # records identified by other methods (stored and skipped)
    other_duplicates: int  # other-methods records that are duplicates of another record
    other_skipped: int
    studies_included: int
    reports_of_included_studies: int
    methods: frozenset[SourceMethod]  # how the project's files were found

    @property
    def has_other_methods(self) -> bool:
        return not self.methods <= set(DATABASE_METHODS)

    @property
    def has_registers(self) -> bool:
        return SourceMethod.REGISTER in self.methods

    @property
    def database_results(self) -> int:
        return sum(n for _, n in self.databases)

    @property
    def register_results(self) -> int:
        return sum(n for _, n in self.registers)

    @property
    def identified(self) -> int:
        return self.database_results + self.register_results

    @property
    def removed_before_screening(self) -> int:
        return self.duplicates + self.excluded_automatic + self.excluded_other

    def as_dict(self) -> dict[str, object]:
        """The object `screener status --json` prints under "prisma" (keys in docs/cli.md)."""
        return {
            "identification": {
                "databases": dict(self.databases),
                "registers": dict(self.registers),
                "database_results": self.database_results,
                "register_results": self.register_results,
                "websites": self.websites,
                "organisations": self.organisations,
                "citations": self.citations,
            },
            "removed_before_screening": {
                "duplicates": self.duplicates,
                "excluded_automatic": self.excluded_automatic,
                "excluded_other": self.excluded_other,
            },
            "databases_and_registers": self.main.as_dict(),
            "other_methods": {
                "records": self.other_records,
                "duplicates": self.other_duplicates,
                "excluded_other": self.other_skipped,
                **self.other.as_dict(),
            },
            "studies_included": self.studies_included,
            "reports_of_included_studies": self.reports_of_included_studies,
        }
