"""Find and revisit: a reviewer's queue and history filtered by their own verdict, tag,
reason or the words of the citation, and each study's status for the viewing reviewer (for
search results: :func:`screener.lookup.find_studies` finds them). Filters read only the
viewer's own decisions: blind screening holds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from screener.models import Decision, Stage, Verdict
from screener.project import Project
from screener.screening.decisions import check_reviewer
from screener.screening.state import StudyStatus
from screener.screening.studies import history, my_decisions, review_state, study_lookup

NOT_DECIDED = None  # in DecisionFilter.verdicts: studies the reviewer has not decided
_BLIND = (StudyStatus.UNSCREENED, StudyStatus.AWAITING)


@dataclass(frozen=True, slots=True)
class DecisionFilter:
    """What to keep, every part optional (all given parts must match): the reviewer's
    verdict (``NOT_DECIDED`` for studies they have not decided), a tag (vocabulary, term;
    the term "" for any term of the vocabulary), an exclusion reason code, and words that
    the citation contains (title, abstract, authors, journal, year; as in search)."""

    verdicts: frozenset[Verdict | None] = frozenset()
    tag: tuple[str, str] | None = None
    reason: str = ""
    text: str = ""

    def keeps(self, decision: Decision | None) -> bool:
        """Whether the reviewer's decision (None: not decided) passes every part but the
        text."""
        if self.verdicts and (decision.verdict if decision else NOT_DECIDED) not in self.verdicts:
            return False
        if self.reason and (decision is None or self.reason not in decision.reasons):
            return False
        if self.tag is not None:
            vocabulary, term = self.tag
            terms = decision.tags.get(vocabulary, ()) if decision else ()
            wanted = term.casefold()
            if not terms or (wanted and wanted not in {t.casefold() for t in terms}):
                return False
        return True


def matching_studies(project: Project, text: str) -> set[int]:
    """The studies one of whose records contains every word of ``text`` (see
    :meth:`screener.store.search.Search.find`); the search index is brought up to date
    first."""
    store = project.store
    store.search.refresh()
    lookup = study_lookup(project)
    return {lookup(record) for record in store.search.find(text, limit=-1)}


def filter_queue(
    project: Project, reviewer: str, stage: Stage, studies: Sequence[int], wanted: DecisionFilter
) -> list[int]:
    """The studies of a screening queue (as :func:`screener.screening.queue.screening_queue`
    gives it) that pass ``wanted``, in queue order."""
    mine = my_decisions(project, check_reviewer(project, reviewer), stage)
    found = matching_studies(project, wanted.text) if wanted.text.strip() else None
    return [
        study
        for study in studies
        if wanted.keeps(mine.get(study)) and (found is None or study in found)
    ]


def filter_history(
    project: Project, reviewer: str, wanted: DecisionFilter, stage: Stage | None = None
) -> list[Decision]:
    """The reviewer's decisions in force (newest first, of one stage or both) that pass
    ``wanted``; asking for ``NOT_DECIDED`` alone finds nothing here (see the queue)."""
    made = history(project, check_reviewer(project, reviewer), stage)
    found = matching_studies(project, wanted.text) if wanted.text.strip() else None
    return [d for d in made if wanted.keeps(d) and (found is None or d.record_id in found)]


@dataclass(frozen=True, slots=True)
class StageView:
    """A study at one stage for one reviewer: their own decision in force and the study's
    outcome (None while the stage is blind: fewer reviewers than it needs have decided)."""

    stage: Stage
    mine: Verdict | None
    outcome: StudyStatus | None


@dataclass(frozen=True, slots=True)
class ViewerStatus:
    """Where a study stands for one reviewer: title/abstract, then full text once the study
    has reached it."""

    stages: tuple[StageView, ...]

    @property
    def latest(self) -> StageView:
        return self.stages[-1]


def viewer_statuses(
    project: Project, viewer: str, studies: Iterable[int]
) -> dict[int, ViewerStatus]:
    """Each study's status for ``viewer`` (search results, lists), reading only those
    studies' events."""
    name = check_reviewer(project, viewer)
    wanted = list(dict.fromkeys(studies))
    state = review_state(project, wanted)
    found = {}
    for study in wanted:
        views = []
        for stage in Stage:
            at = state.states[stage].get(study)
            if at is None:
                continue
            mine = state.decisions.get((study, stage, name))
            outcome = None if at.status in _BLIND else at.status
            views.append(StageView(stage, mine.verdict if mine else None, outcome))
        found[study] = ViewerStatus(tuple(views))
    return found
