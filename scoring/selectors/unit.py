"""A unit's profile: headline, domains, history, where points were lost, claimed versus granted."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scoring.models import (
    AssessmentYear,
    DomainResult,
    Item,
    Method,
    PublicationDecision,
    Result,
    Score,
)
from scoring.selectors.common import (
    ZERO,
    Chart,
    ChartDataset,
    chart_label,
    domains_by_code,
    framework_items,
    index_options,
    mark_provisional,
    stored_figures,
)
from scoring.selectors.previous import (
    PreviousFigures,
    ShowsRankMove,
    compared_index,
    index_change,
    movement_provisional,
    previous_figures,
    rank_move,
)
from scoring.selectors.provisional import Progress, is_provisional, progress_of
from units.lineage import MERGED, NEW, NONE, RENAMED, SPLIT, Event, Lineage, Reference
from units.models import Unit

#: How a predecessor's figures are labelled in a unit's history, by the kind of reference.
HISTORY_NOTES = {
    MERGED: gettext_lazy("trước hợp nhất"),
    SPLIT: gettext_lazy("trước chia tách"),
    RENAMED: gettext_lazy("tên cũ"),
}


@dataclass
class LostItem:
    code: str
    name: str
    method: str
    max_points: Decimal
    earned: Decimal
    lost: Decimal
    reason: str = ""


@dataclass
class LostDomain:
    code: str
    name: str
    lost: Decimal
    items: list[LostItem]
    # A deduction section whose items' sum is above its cap: the cap is what is deducted.
    cap: Decimal | None = None


@dataclass
class UnscoredDomain:
    """A domain's items not scored yet ("chưa chấm"): how many, and their maximum."""

    code: str
    name: str
    items: int
    max_points: Decimal


@dataclass
class ClaimRow:
    code: str
    name: str
    claimed: Decimal
    granted: Decimal

    @property
    def over(self) -> Decimal:
        return self.claimed - self.granted


@dataclass
class ClaimDomain(ClaimRow):
    items: list[ClaimRow] = field(default_factory=list)


@dataclass
class ClaimYear:
    year: AssessmentYear
    claimed: Decimal
    granted: Decimal
    progress: Progress | None = None  # a year not published: how far its appraisal has gone

    @property
    def over(self) -> Decimal:
        return self.claimed - self.granted

    @property
    def provisional(self) -> bool:
        return is_provisional(self.year)


@dataclass
class HistoryRow:
    """One result in a unit's history: its own, or a predecessor's before a reorganisation."""

    name: str  # the unit's name that year
    result: Result
    own: bool
    note: str = ""  # "trước hợp nhất", "trước chia tách", "tên cũ"
    progress: Progress | None = None  # a year not published: how far its appraisal has gone


@dataclass
class HistoryYear:
    year: AssessmentYear
    rows: list[HistoryRow]
    mean: Decimal | None = None  # after a merge: the predecessors' mean index (the reference)
    mean_label: str = ""

    @property
    def provisional(self) -> bool:
        return is_provisional(self.year)


@dataclass
class UnitProfile(ShowsRankMove):
    unit: Unit
    year: AssessmentYear
    result: Result | None
    previous: PreviousFigures | None  # what the change compares with (the lineage)
    index_change: Decimal | None
    rank_move: int | None
    domains: list[DomainResult]
    history: list[Result]  # the unit's own results
    has_scores: bool
    lost: list[LostDomain]
    lost_total: Decimal
    unscored: list[UnscoredDomain]  # items not scored yet, apart from the points lost
    claims: list[ClaimDomain]
    claim_years: list[ClaimYear]
    show_reasons: bool = False
    lineage_history: list[HistoryYear] = field(default_factory=list)
    fate: str = ""  # what became of the unit after this year ("hợp nhất vào …")
    fate_event: Event | None = None
    publication_note: str = ""  # published with work open: the decision, its author and date
    movement_provisional: bool = False  # the change and rank movement are not final
    progress: Progress | None = None  # the year not published: how far its appraisal has gone
    # Years in progress left out of the history: nothing appraised yet, so no figure to draw.
    pending_years: list[AssessmentYear] = field(default_factory=list)

    @property
    def provisional(self) -> bool:
        """The figures of the year shown are provisional (the year is not published)."""
        return is_provisional(self.year)

    @property
    def has_provisional_history(self) -> bool:
        """A year of the history is not published (its points are drawn dashed)."""
        return any(entry.provisional for entry in self.lineage_history)

    @property
    def last_result(self) -> Result | None:
        """The unit's latest result of the visible years (for a year it has none)."""
        return self.history[-1] if self.history else None

    @property
    def unscored_items(self) -> int:
        return sum(domain.items for domain in self.unscored)

    @property
    def earned_before_bonus(self) -> Decimal | None:
        """The points earned before the bonus: the total without it. A deduction is points lost
        (`UnitFigures.lost`), so the applicable maximum minus the points lost minus the maximum
        of the items not scored yet is this figure."""
        return None if self.result is None else self.result.total - self.result.bonus

    @property
    def unscored_max(self) -> Decimal:
        return sum((domain.max_points for domain in self.unscored), ZERO)

    @property
    def claimed_total(self) -> Decimal:
        return sum((domain.claimed for domain in self.claims), ZERO)

    @property
    def granted_total(self) -> Decimal:
        return sum((domain.granted for domain in self.claims), ZERO)

    @property
    def over_total(self) -> Decimal:
        return sum((domain.over for domain in self.claims), ZERO)

    def domain_chart(self) -> Chart:
        chart: Chart = {
            "labels": [chart_label(f"{d.code}. {d.name}", 26) for d in self.domains],
            "datasets": [
                {"label": _("Điểm đạt"), "data": [str(d.earned) for d in self.domains]},
                {"label": _("Điểm tối đa"), "data": [str(d.max_points) for d in self.domains]},
            ],
            "options": {"horizontal": True},
        }
        return mark_provisional(chart, {0: [self.provisional] * len(self.domains)})

    def domain_index_chart(self) -> Chart:
        chart: Chart = {
            "labels": [chart_label(f"{d.code}. {d.name}", 26) for d in self.domains],
            "datasets": [
                {"label": _("Tỷ lệ đạt (%)"), "data": [str(d.index) for d in self.domains]}
            ],
            "options": index_options([d.index for d in self.domains]),
        }
        return mark_provisional(chart, {0: [self.provisional] * len(self.domains)})

    def history_chart(self) -> Chart:
        """One line per unit of the history (the unit, and its predecessors before a
        reorganisation), over the years of the history; the points of a year not published
        are flagged provisional (drawn dashed). A year in progress with nothing appraised yet
        is not in the history, so it is never drawn as 0."""
        years = [h.year for h in self.lineage_history]
        lines: dict[int, ChartDataset] = {}
        for position, entry in enumerate(self.lineage_history):
            for row in entry.rows:
                line = lines.setdefault(
                    row.result.unit_id, {"label": row.name, "data": [None] * len(years)}
                )
                line["label"] = row.name
                line["data"][position] = str(row.result.index)
        datasets = list(lines.values())
        if len(datasets) == 1:
            datasets[0]["label"] = _("Chỉ số (%)")
        flags = [is_provisional(y) for y in years]
        chart: Chart = {
            "labels": [str(y.year) for y in years],
            "datasets": [{**d, "label": chart_label(d["label"])} for d in datasets],
            "options": index_options(
                Decimal(value) for d in datasets for value in d["data"] if value is not None
            ),
        }
        return mark_provisional(
            chart,
            {
                position: [
                    flag and value is not None for flag, value in zip(flags, d["data"], strict=True)
                ]
                for position, d in enumerate(chart["datasets"])
            },
        )


def unit_profile(
    unit: Unit,
    year: AssessmentYear,
    years: list[AssessmentYear],
    *,
    show_reasons: bool = False,
    published_only_previous: bool = True,
) -> UnitProfile:
    """A unit's figures in one year and across the visible `years` (10 queries; 11 when a
    visible year is not published, with the appraisal progress of its results).

    The history follows the lineage: before a reorganisation, the figures of the units it
    continues (`_lineage_history`). The unit is given the name it had in `year`. A year not
    published is provisional: its results carry their progress, and one with nothing
    appraised yet is left out of the history (`pending_years`) rather than shown as 0.

    Points lost and claims are the stored scores run through `calculations.compute_unit`, so
    they add up to the stored result: its maximum minus the points lost minus the maximum of the
    items not scored yet ("chưa chấm", listed apart) is its points before the bonus (a
    deduction counts as points lost: `earned_before_bonus`).
    Reasons are the appraisers' and are filled in only with `show_reasons`.
    """
    year_ids = [y.id for y in years]
    lineage = Lineage.load()
    references = {
        y.id: lineage.reference_for(unit, year.year, y.year) for y in years if y.year < year.year
    }
    wanted = {unit.id} | {u.pk for ref in references.values() for u in ref.units}
    everything = list(
        Result.objects.filter(unit_id__in=wanted, year_id__in=year_ids)
        .select_related("year", "band", "group")
        .order_by("year__year")
    )
    history = [r for r in everything if r.unit_id == unit.id]
    result = next((r for r in history if r.year_id == year.id), None)
    previous = previous_figures(
        [unit], year, published_only=published_only_previous, lineage=lineage
    ).get(unit.id)
    progress = progress_of(everything)
    lineage_history = _lineage_history(unit, year, years, references, everything, lineage, progress)
    pending_years = _pending_years(everything, progress, lineage_history)
    # What became of it: after this year, or after its last year for a unit that had ended.
    after = min(year.year, unit.last_year) if unit.last_year is not None else year.year
    fate_event = lineage.next_event(unit, after)
    fate = lineage.fate(unit, after)
    # The page shows the unit under the name it had in the year shown.
    unit.name = lineage.name_in(unit, year.year)
    domains = list(result.domains.all()) if result else []
    items = framework_items((r.year_id, r.group_id) for r in history)
    scores: dict[int, list[Score]] = defaultdict(list)
    # Each score's year read with it (not a sheet instance built with each of 1 500 scores).
    for score in Score.objects.filter(sheet__unit=unit, sheet__year_id__in=year_ids).annotate(
        sheet_year=F("sheet__year_id")
    ):
        scores[score.sheet_year].append(score)

    lost: list[LostDomain] = []
    unscored: list[UnscoredDomain] = []
    claims: list[ClaimDomain] = []
    claim_years: list[ClaimYear] = []
    current_scores = scores.get(year.id, [])
    if result is not None and current_scores:
        year_items = items.get((year.id, result.group_id), [])
        lost, unscored = _lost_by_domain(
            year_items, current_scores, year.rounding, show_reasons, year.decimals
        )
        claims = _claims_by_domain(year_items, current_scores, year.rounding, year.decimals)
    for r in history:
        if r.pk in progress and not progress[r.pk].started:
            continue  # nothing appraised yet: no granted points to set against the claims
        year_claims = _claims_by_domain(
            items.get((r.year_id, r.group_id), []),
            scores.get(r.year_id, []),
            r.year.rounding,
            r.year.decimals,
        )
        if year_claims:
            claim_years.append(
                ClaimYear(
                    r.year,
                    sum((d.claimed for d in year_claims), ZERO),
                    sum((d.granted for d in year_claims), ZERO),
                    progress.get(r.pk),
                )
            )
    return UnitProfile(
        unit=unit,
        year=year,
        result=result,
        previous=previous,
        index_change=index_change(result, previous),
        rank_move=rank_move(result, previous),
        domains=domains,
        history=history,
        has_scores=bool(current_scores),
        lost=lost,
        lost_total=sum((domain.lost for domain in lost), ZERO),
        unscored=unscored,
        claims=claims,
        claim_years=claim_years,
        show_reasons=show_reasons,
        lineage_history=lineage_history,
        fate=fate,
        fate_event=fate_event,
        publication_note=PublicationDecision.objects.notes(year.pk, [unit.pk]).get(unit.pk, ""),
        movement_provisional=movement_provisional(year, previous),
        progress=progress.get(result.pk) if result is not None else None,
        pending_years=pending_years,
    )


def _lineage_history(
    unit: Unit,
    year: AssessmentYear,
    years: list[AssessmentYear],
    references: dict[int, Reference],
    results: list[Result],
    lineage: Lineage,
    progress: dict[int, Progress],
) -> list[HistoryYear]:
    """The unit's figures over the years; before a reorganisation, those of the units it
    continues, each with its own figure and labelled as such (and, after a merge, their mean:
    the figure the unit is compared with). A provisional result with nothing appraised yet is
    left out: it has no figure, only zeros."""
    by_key = {
        (r.year_id, r.unit_id): r for r in results if r.pk not in progress or progress[r.pk].started
    }
    entries = []
    for y in sorted(years, key=lambda y: y.year):
        ref = references.get(y.id)
        if ref is None or ref.kind == "same":
            own = by_key.get((y.id, unit.id))
            rows = (
                [HistoryRow(lineage.name_in(unit, y.year), own, True, "", progress.get(own.pk))]
                if own
                else []
            )
            entries.append(HistoryYear(y, rows))
            continue
        if ref.kind in (NEW, NONE):
            continue
        note = str(HISTORY_NOTES.get(ref.kind, ""))
        rows = [
            HistoryRow(
                lineage.name_in(u, y.year),
                by_key[(y.id, u.pk)],
                u.pk == unit.pk,
                note,
                progress.get(by_key[(y.id, u.pk)].pk),
            )
            for u in ref.units
            if (y.id, u.pk) in by_key
        ]
        entry = HistoryYear(y, rows)
        if ref.is_mean:
            entry.mean = compared_index(ref, [row.result for row in rows])
        if entry.mean is not None:
            entry.mean_label = _("Trung bình %(count)s đơn vị trước hợp nhất") % {
                "count": len(rows)
            }
        entries.append(entry)
    return [entry for entry in entries if entry.rows]


def _pending_years(
    results: list[Result], progress: dict[int, Progress], history: list[HistoryYear]
) -> list[AssessmentYear]:
    """The years in progress whose results were left out of the history, nothing appraised."""
    shown = {entry.year.pk for entry in history}
    pending = {
        r.year.pk: r.year
        for r in results
        if r.pk in progress and not progress[r.pk].started and r.year.pk not in shown
    }
    return sorted(pending.values(), key=lambda y: y.year)


def _lost_by_domain(
    items: list[Item],
    scores: list[Score],
    rounding: str,
    show_reasons: bool,
    decimals: int = 2,
) -> tuple[list[LostDomain], list[UnscoredDomain]]:
    """Every scored item that lost points (`NodeFigures.lost`), by domain, domains and items by
    points lost; and apart, each domain's items not scored yet."""
    figures = stored_figures(items, scores, rounding, decimals)
    reasons = {s.item_id: s.reason for s in scores} if show_reasons else {}
    domains = domains_by_code(items)
    by_domain: dict[str, list[LostItem]] = defaultdict(list)
    for item in items:
        if not item.is_scored:
            continue
        node = figures.nodes[item.code]
        if node.lost > ZERO:
            by_domain[item.domain_code].append(
                LostItem(
                    code=item.code,
                    name=item.name,
                    method=item.method,
                    max_points=node.max_points,
                    earned=node.earned,
                    lost=node.lost,
                    reason=reasons.get(item.id, ""),
                )
            )
    lost = []
    for code, entries in by_domain.items():
        summed = sum((entry.lost for entry in entries), ZERO)
        section = figures.nodes[code]
        # A deduction section takes off its capped sum (`compute_unit`), not its items' sum.
        capped = code in figures.extra_codes and section.earned < summed
        lost.append(
            LostDomain(
                code=code,
                name=domains[code].name,
                lost=section.earned if capped else summed,
                items=sorted(entries, key=lambda entry: -entry.lost),
                cap=section.earned if capped else None,
            )
        )
    unscored = [
        UnscoredDomain(node.code, domains[node.code].name, node.unscored, node.unscored_max)
        for node in figures.domains
        if node.unscored
    ]
    return sorted(lost, key=lambda domain: -domain.lost), unscored


def _claims_by_domain(
    items: list[Item], scores: list[Score], rounding: str, decimals: int = 2
) -> list[ClaimDomain]:
    """Self points against appraised points, by domain, on the applicable appraisal items the
    unit scored itself (an item without a claim is left out on both sides, so the domains'
    differences add up to the total)."""
    granted = stored_figures(items, scores, rounding, decimals)
    claimed = stored_figures(items, scores, rounding, decimals, claimed=True)
    self_scored = {s.item_id for s in scores if not s.not_applicable and s.self_points is not None}
    domains = domains_by_code(items)
    by_domain: dict[str, ClaimDomain] = {}
    for item in items:
        if not item.is_scored or item.method != Method.APPRAISAL or item.id not in self_scored:
            continue
        domain = by_domain.get(item.domain_code)
        if domain is None:
            head = domains[item.domain_code]
            domain = by_domain[item.domain_code] = ClaimDomain(head.code, head.name, ZERO, ZERO)
        row = ClaimRow(
            item.code, item.name, claimed.nodes[item.code].earned, granted.nodes[item.code].earned
        )
        domain.items.append(row)
        domain.claimed += row.claimed
        domain.granted += row.granted
    return list(by_domain.values())
