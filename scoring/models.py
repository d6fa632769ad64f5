"""Assessment years, criteria frameworks, bands, score sheets, scores and stored results.

Scores are what people enter; results are what pages read. Results are written only by
`scoring.services`, from `scoring.calculations`, in the same transaction as the scores they follow.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lib.names import validate_name
from units.models import Unit, UnitGroup

ZERO = Decimal("0")


CENT = Decimal("0.01")


class FigureField(models.DecimalField):
    """A decimal with three places in the database, read back with two when the third is 0.

    Points and indices moved to three places for the years that publish three (a year's
    `decimals`); a year of two decimals reads 92.03, not 92.030, so that its figures, files and
    chart data stay what they were.
    """

    # What django-stubs reads a DecimalField subclass as (a Decimal, as for DecimalField).
    _pyi_private_set_type: Decimal | int | float | str
    _pyi_private_get_type: Decimal

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        # Quantized once (a group's recompute reads 15,000 points through here).
        if isinstance(value, Decimal) and value.is_finite():
            cents = value.quantize(CENT)
            if cents == value:
                return cents
        return value


def points_field(verbose_name, **kwargs) -> models.DecimalField:
    """Points are exact decimals with up to three places (a year shows 2 or 3), never negative."""
    kwargs.setdefault("validators", [MinValueValidator(ZERO)])
    return FigureField(verbose_name, max_digits=7, decimal_places=3, **kwargs)


def index_field(verbose_name, **kwargs) -> models.DecimalField:
    """An index (%), 0–100, with up to three places."""
    return FigureField(verbose_name, max_digits=6, decimal_places=3, **kwargs)


def value_field(verbose_name, **kwargs) -> models.DecimalField:
    """A measured value of a rule item (a percentage, a count, đạt = 1 / không đạt = 0)."""
    kwargs.setdefault("validators", [MinValueValidator(ZERO)])
    return FigureField(verbose_name, max_digits=12, decimal_places=3, **kwargs)


class YearState(models.TextChoices):
    PREPARING = "preparing", _("Chuẩn bị")
    SELF_ASSESSMENT = "self_assessment", _("Đang tự đánh giá")
    APPRAISAL = "appraisal", _("Đang thẩm định")
    PUBLISHED = "published", _("Đã công bố")


class Rounding(models.TextChoices):
    HALF_UP = "half_up", _("Làm tròn (nửa đơn vị cuối trở lên thì lên)")
    TRUNCATE = "truncate", _("Cắt bỏ các chữ số sau số chữ số thập phân của năm")


class Method(models.TextChoices):
    APPRAISAL = "appraisal", _("Thẩm định")
    SURVEY = "survey", _("ĐTXHH")
    BONUS = "bonus", _("Điểm thưởng")
    DEDUCTION = "deduction", _("Điểm trừ")


#: Methods of the bonus and deduction sections: not domains, not part of the applicable maximum.
EXTRA_METHODS = frozenset({Method.BONUS, Method.DEDUCTION})


class Rule(models.TextChoices):
    """How a scored item's points follow from a measured value (`calculations.rule_points`)."""

    NONE = "", _("Nhập điểm")
    THRESHOLD = "threshold", _("Theo ngưỡng")
    PROPORTIONAL = "proportional", _("Tỷ lệ theo chỉ tiêu")
    PER_OCCURRENCE = "per_occurrence", _("Trừ theo số lần")
    YES_NO = "yes_no", _("Đạt/không đạt")


class Decimals(models.IntegerChoices):
    TWO = 2, _("2 chữ số thập phân")
    THREE = 3, _("3 chữ số thập phân")


class AssessmentYearQuerySet(models.QuerySet["AssessmentYear"]):
    def published(self) -> AssessmentYearQuerySet:
        return self.filter(state=YearState.PUBLISHED)


class AssessmentYear(models.Model):
    """One yearly round (kỳ đánh giá)."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=YearState.choices, default=YearState.PREPARING
    )
    owner_name = models.CharField(
        _("tên tỉnh/thành phố"),
        max_length=200,
        blank=True,
        help_text=_("Tên địa phương tổ chức đánh giá trong năm này, dùng cho tiêu đề và báo cáo."),
    )
    self_assessment_deadline = models.DateTimeField(_("hạn tự đánh giá"), null=True, blank=True)
    appraisal_deadline = models.DateTimeField(_("hạn thẩm định"), null=True, blank=True)
    rounding = models.CharField(
        _("cách làm tròn chỉ số"), max_length=10, choices=Rounding.choices, default=Rounding.HALF_UP
    )
    # How many decimals points are entered with and every figure of the year is rounded to.
    decimals = models.PositiveSmallIntegerField(
        _("số chữ số thập phân"), choices=Decimals.choices, default=Decimals.TWO
    )
    published_at = models.DateTimeField(_("ngày công bố"), null=True, blank=True)
    # Bumped by every recompute: cached pages and fragments are keyed by it.
    results_version = models.PositiveIntegerField(_("phiên bản kết quả"), default=0)

    objects = AssessmentYearQuerySet.as_manager()

    class Meta:
        ordering = ["-year"]
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")
        constraints = [
            models.CheckConstraint(
                condition=Q(decimals__in=[2, 3]), name="year_decimals_two_or_three"
            )
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_published(self) -> bool:
        return self.state == YearState.PUBLISHED


class YearTransition(models.Model):
    """A recorded change of a year's state (publication, reopening with its reason, …)."""

    year = models.ForeignKey(
        AssessmentYear, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("năm")
    )
    from_state = models.CharField(_("từ"), max_length=20, choices=YearState.choices)
    to_state = models.CharField(_("sang"), max_length=20, choices=YearState.choices)
    reason = models.TextField(_("lý do"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("chuyển trạng thái năm")
        verbose_name_plural = _("lịch sử trạng thái năm")

    def __str__(self) -> str:
        return f"{self.year}: {self.from_state} → {self.to_state}"


class PublicationDecisionQuerySet(models.QuerySet["PublicationDecision"]):
    def notes(self, year_id: int, unit_ids: Any) -> dict[int, str]:
        """Unit id → the note its published result carries (`PublicationDecision.note`), for the
        units of one year that have a decision, in one query."""
        return {
            decision.unit_id: decision.note()
            for decision in self.filter(year_id=year_id, unit_id__in=unit_ids).select_related(
                "decided_by"
            )
        }


class PublicationDecision(models.Model):
    """An administrator's decision to publish a unit's result although something was still open
    for it (a sheet not submitted, items not appraised, explanations open, survey points missing,
    nobody to appraise it), with the reason: shown on the unit's result, in exports and open data.

    `open_items` keeps what was open when the decision was recorded, as the readiness check
    described it.
    """

    year = models.ForeignKey(
        AssessmentYear,
        on_delete=models.CASCADE,
        related_name="publication_decisions",
        verbose_name=_("năm"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="publication_decisions",
        verbose_name=_("đơn vị"),
    )
    reason = models.TextField(_("lý do"))
    open_items = models.TextField(_("việc còn mở khi quyết định"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người quyết định"),
    )
    decided_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    objects = PublicationDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["year", "unit__code"]
        verbose_name = _("quyết định công bố")
        verbose_name_plural = _("quyết định công bố")
        constraints = [
            models.UniqueConstraint(fields=["year", "unit"], name="decision_one_per_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year}"

    def note(self) -> str:
        """What the unit's published result says: the reason, who decided and when."""
        author = self.decided_by
        name = (author.get_full_name() or author.get_username()) if author else _("không rõ")
        return _("Công bố theo quyết định: %(reason)s (%(author)s, %(date)s)") % {
            "reason": self.reason,
            "author": name,
            "date": date_format(timezone.localtime(self.decided_at), "d/m/Y"),
        }


class FrameworkQuerySet(models.QuerySet["Framework"]):
    def scored_on(self, unit: Unit, year: AssessmentYear) -> Framework | None:
        """The framework a unit is scored on in a year, or None.

        That is the framework its sheet has scores on, else its result's group's, else its
        group's: `Unit.group` is today's group and a unit may have moved since it was scored.
        """
        # From the unit's sheet to one of its scores, unordered: a join from the frameworks,
        # sorted for .first(), took ~0.1 s per unit on PostgreSQL (a 100-unit import: 20 s).
        scored = list(
            Score.objects.filter(
                sheet__unit=unit,
                sheet__year=year,
                item__framework__year=year,
                item__framework__active=True,
            )
            .order_by()
            .values_list("item__framework_id", flat=True)[:1]
        )
        if scored:
            return self.select_related("group").get(pk=scored[0])
        result_group = (
            Result.objects.filter(unit=unit, year=year).values_list("group_id", flat=True).first()
        )
        return (
            self.filter(year=year, group_id=result_group or unit.group_id)
            .select_related("group")
            .first()
        )

    def scored_on_many(
        self, units: Iterable[Unit], year: AssessmentYear
    ) -> dict[int, Framework | None]:
        """`scored_on` for many units (unit id → framework), in three queries whatever their
        number (importers: two queries a unit made a 100-unit file's first second)."""
        units = list(units)
        ids = [unit.id for unit in units]
        scored: dict[int, int] = {}
        for unit_id, framework_id in (
            Score.objects.filter(
                sheet__unit_id__in=ids,
                sheet__year=year,
                item__framework__year=year,
                item__framework__active=True,
            )
            .order_by()
            .values_list("sheet__unit_id", "item__framework_id")
            .distinct()
        ):
            scored.setdefault(unit_id, framework_id)
        result_groups = dict(
            Result.objects.filter(unit_id__in=ids, year=year).values_list("unit_id", "group_id")
        )
        frameworks = list(self.filter(year=year).select_related("group"))
        by_id = {framework.pk: framework for framework in frameworks}
        by_group: dict[int, Framework] = {}
        for framework in frameworks:
            by_group.setdefault(framework.group_id, framework)
        return {
            unit.id: by_id.get(scored[unit.id])
            if unit.id in scored
            else by_group.get(result_groups.get(unit.id) or unit.group_id)
            for unit in units
        }


class ActiveFrameworkManager(models.Manager["Framework"]):
    """Only the version in force: every page, export, command and computation reads this one."""

    def get_queryset(self) -> FrameworkQuerySet:
        return FrameworkQuerySet(self.model, using=self._db).filter(active=True)

    def scored_on(self, unit: Unit, year: AssessmentYear) -> Framework | None:
        return self.get_queryset().scored_on(unit, year)

    def scored_on_many(
        self, units: Iterable[Unit], year: AssessmentYear
    ) -> dict[int, Framework | None]:
        return self.get_queryset().scored_on_many(units, year)


class Framework(models.Model):
    """The criteria framework (bộ chỉ số) of one year for one unit group.

    A year and group may have several versions when the province re-issued its framework during
    the year (`services.replacement`); exactly one is `active`, the others stay readable with
    their items and the scores they had (`SheetReplacement.old_scores`). `objects` lists the
    active versions only, `versions` every one.
    """

    year = models.ForeignKey(
        AssessmentYear, on_delete=models.CASCADE, related_name="frameworks", verbose_name=_("năm")
    )
    group = models.ForeignKey(
        UnitGroup, on_delete=models.PROTECT, related_name="frameworks", verbose_name=_("khối")
    )
    name = models.CharField(_("tên"), max_length=255, blank=True)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    decision = models.CharField(
        _("văn bản ban hành"),
        max_length=255,
        blank=True,
        help_text=_("Số, ký hiệu và cơ quan ban hành, ví dụ QĐ 2712/QĐ-UBND."),
    )
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    active = models.BooleanField(_("đang áp dụng"), default=True)
    replaced_at = models.DateTimeField(_("bị thay lúc"), null=True, blank=True)

    objects = ActiveFrameworkManager()
    versions = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["-year__year", "group__order", "-version"]
        base_manager_name = "versions"
        verbose_name = _("bộ chỉ số")
        verbose_name_plural = _("bộ chỉ số")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "group", "version"], name="framework_version_unique"
            ),
            models.UniqueConstraint(
                fields=["year", "group"],
                condition=Q(active=True),
                name="framework_one_active_per_year_group",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="framework_version_from_one"),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.group} {self.year}"


class ActiveItemManager(models.Manager["Item"]):
    def get_queryset(self) -> models.QuerySet[Item]:
        return super().get_queryset().filter(framework__active=True)


def code_sort_key(code: str) -> str:
    """'1.10.2' sorts after '1.9.2': each segment zero-padded to five places."""
    return ".".join(part.zfill(5) if part.isdigit() else part for part in code.split("."))


class Item(models.Model):
    """A node of a framework: domain (lĩnh vực) → criterion → sub-criterion.

    Leaves are the scored items. A parent's maximum is the sum of its children's (the importer and
    the services keep it so); a parent's method is set when all its scored items share it. The
    one exception: the top node of a bonus or deduction section may have a maximum below the sum
    of its items, which then caps the section's sum.

    A scored item with a `rule` is scored from a measured value; `rule_params` holds the rule's
    figures as strings of decimals: threshold {"bounds": [["80", "1"], ["50", "0.5"], ["0", "0"]]}
    (lower bound, points), proportional {"target": "100"}, per_occurrence {"k": "0.25"}, yes_no {}.
    `scoring.specs.rule_spec` turns them into the calculations' `RuleSpec`.
    """

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="items", verbose_name=_("bộ chỉ số")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("thuộc"),
    )
    code = models.CharField(_("mã"), max_length=30)
    sort_key = models.CharField(max_length=120, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(_("cấp"), default=1, editable=False)
    name = models.TextField(_("tên"), validators=[validate_name])
    max_points = points_field(_("điểm tối đa"))
    method = models.CharField(_("phương pháp"), max_length=10, choices=Method.choices, blank=True)
    is_scored = models.BooleanField(_("được chấm điểm"), default=False)
    guidance = models.TextField(_("hướng dẫn chấm"), blank=True)
    na_allowed = models.BooleanField(_("được chọn không áp dụng"), default=False)
    evidence_required = models.BooleanField(_("cần tài liệu kiểm chứng"), default=False)
    rule = models.CharField(
        _("quy tắc chấm"), max_length=20, choices=Rule.choices, blank=True, default=Rule.NONE
    )
    rule_params = models.JSONField(_("tham số quy tắc"), default=dict, blank=True)
    # A rule item may take its measured value from a related index's component for a period
    # (issue 19): kind code "766", component "5", period "2026-12"; all empty for no link.
    source_kind = models.CharField(_("chỉ số nguồn"), max_length=20, blank=True)
    source_component = models.CharField(_("thành phần nguồn"), max_length=30, blank=True)
    source_period = models.CharField(_("kỳ nguồn"), max_length=12, blank=True)

    # Items of the versions in force only (`Framework.active`); `all_versions` also reads the
    # items of a replaced version, which keep their scores on split, merged and dropped items.
    all_versions = models.Manager()
    objects = ActiveItemManager()

    class Meta:
        base_manager_name = "all_versions"
        default_manager_name = "objects"
        ordering = ["framework", "sort_key"]
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="item_code_unique"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="item_max_not_negative"),
            models.CheckConstraint(
                condition=Q(is_scored=False) | ~Q(method=""), name="item_scored_has_method"
            ),
            models.CheckConstraint(
                condition=Q(rule="") | Q(is_scored=True), name="item_rule_only_when_scored"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived from the code, which is the item's identity within its framework.
        self.sort_key = code_sort_key(self.code)
        self.depth = self.code.count(".") + 1
        super().save(*args, **kwargs)

    @property
    def domain_code(self) -> str:
        return self.code.split(".", 1)[0]

    @property
    def has_rule(self) -> bool:
        return bool(self.rule)

    @property
    def has_source(self) -> bool:
        return bool(self.source_kind)


class ItemCrosswalk(models.Model):
    """An item of one year matched to an item of another (renumbered, split or merged items)."""

    from_item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="crosswalk_to", verbose_name=_("tiêu chí cũ")
    )
    to_item = models.ForeignKey(
        Item,
        on_delete=models.CASCADE,
        related_name="crosswalk_from",
        verbose_name=_("tiêu chí mới"),
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("đối chiếu tiêu chí")
        verbose_name_plural = _("đối chiếu tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["from_item", "to_item"], name="crosswalk_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.from_item.code} → {self.to_item.code}"


class Band(models.Model):
    """A classification band (xếp loại): holds from its minimum index up to the next band's."""

    year = models.ForeignKey(
        AssessmentYear, on_delete=models.CASCADE, related_name="bands", verbose_name=_("năm")
    )
    group = models.ForeignKey(
        UnitGroup, on_delete=models.PROTECT, related_name="bands", verbose_name=_("khối")
    )
    label = models.CharField(_("xếp loại"), max_length=50, validators=[validate_name])
    min_index = models.DecimalField(
        _("chỉ số tối thiểu"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO)],
    )

    class Meta:
        ordering = ["year", "group", "-min_index"]
        verbose_name = _("mức xếp loại")
        verbose_name_plural = _("mức xếp loại")
        constraints = [
            models.UniqueConstraint(fields=["year", "group", "label"], name="band_label_unique"),
            models.UniqueConstraint(fields=["year", "group", "min_index"], name="band_min_unique"),
            models.CheckConstraint(
                condition=Q(min_index__gte=0) & Q(min_index__lte=100), name="band_min_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} (≥ {self.min_index})"


class CapKind(models.TextChoices):
    ITEM_ABOVE_ZERO = "item_above_zero", _("Tiêu chí có điểm (lớn hơn 0)")
    ITEM_ZERO = "item_zero", _("Tiêu chí đạt 0 điểm")
    DOMAIN_BELOW = "domain_below", _("Chỉ số lĩnh vực dưới mức")


class BandCap(models.Model):
    """A cap on classification (year × group): "not above band `band_label` if …".

    item_above_zero: the item `code` has points above 0 (a deduction happened); item_zero: the
    item `code` has 0 points (N/A or not scored yet never fire it); domain_below: the index of
    domain `code` is below `figure`. The band is named by its label (bands are replaced as a set
    by `set_bands`; a cap whose label is gone is refused there).
    """

    year = models.ForeignKey(
        AssessmentYear, on_delete=models.CASCADE, related_name="band_caps", verbose_name=_("năm")
    )
    group = models.ForeignKey(
        UnitGroup, on_delete=models.PROTECT, related_name="band_caps", verbose_name=_("khối")
    )
    band_label = models.CharField(_("xếp loại tối đa"), max_length=50)
    kind = models.CharField(_("điều kiện"), max_length=20, choices=CapKind.choices)
    code = models.CharField(_("mã tiêu chí hoặc lĩnh vực"), max_length=30)
    figure = index_field(_("mức chỉ số"), null=True, blank=True)

    class Meta:
        ordering = ["year", "group", "id"]
        verbose_name = _("giới hạn xếp loại")
        verbose_name_plural = _("giới hạn xếp loại")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="domain_below") & Q(figure__isnull=False))
                | (~Q(kind="domain_below") & Q(figure__isnull=True)),
                name="bandcap_figure_only_for_domain",
            )
        ]

    def __str__(self) -> str:
        return f"{self.band_label}: {self.kind} {self.code}"


class SheetState(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")


#: A score is settled (an appraisal item appraised, a survey item given its points) once it has
#: points that count or is marked not applicable: the one rule of the readiness check, the
#: tracker and the progress shown beside provisional figures.
SETTLED = Q(points__isnull=False) | Q(not_applicable=True)


def count_per(queryset: models.QuerySet[Any], key: str = "sheet_id") -> dict[int, int]:
    """`key` value → number of distinct rows, counted by the database."""
    return dict(
        queryset.values(key).annotate(n=models.Count("id", distinct=True)).values_list(key, "n")
    )


class SheetQuerySet(models.QuerySet["Sheet"]):
    def claim_counts(self, year: AssessmentYear) -> dict[int, tuple[int, int]]:
        """Sheet id → (appraisal items the unit has answered, appraisal items of its framework),
        in two queries however many sheets: what the tracker shows and the reminders say.

        Answered means self points given or the item marked not applicable.
        """
        sheets = list(self.filter(year=year).values_list("id", "unit__group_id"))
        items = Item.objects.filter(framework__year=year, is_scored=True, method=Method.APPRAISAL)
        totals = count_per(items, "framework__group_id")
        answered = count_per(
            Score.objects.filter(sheet_id__in=[pk for pk, _group in sheets], item__in=items).filter(
                Q(self_points__isnull=False) | Q(not_applicable=True)
            )
        )
        return {pk: (answered.get(pk, 0), totals.get(group, 0)) for pk, group in sheets}

    def settled_counts(self, year: AssessmentYear, method: str) -> dict[int, tuple[int, int]]:
        """Sheet id → (items of `method` whose points are set or marked not applicable, items of
        `method` in its framework), in two queries however many sheets: how far the appraisal
        (or the survey) of each unit has come.
        """
        sheets = list(self.filter(year=year).values_list("id", "unit__group_id"))
        items = Item.objects.filter(framework__year=year, is_scored=True, method=method)
        totals = count_per(items, "framework__group_id")
        settled = count_per(
            Score.objects.filter(sheet_id__in=[pk for pk, _group in sheets], item__in=items).filter(
                SETTLED
            )
        )
        return {pk: (settled.get(pk, 0), totals.get(group, 0)) for pk, group in sheets}

    def claimed_extra_counts(self, year: AssessmentYear) -> dict[int, tuple[int, int]]:
        """Sheet id → (bonus and deduction items the unit claimed points on whose appraisal points
        are set or that are marked not applicable, bonus and deduction items it claimed points
        on), in one query: a claim waits for the appraisers like any item; an item nobody
        claimed has nothing to appraise (the appraisers may still set points on it)."""
        claimed = Score.objects.filter(
            sheet__in=self.filter(year=year),
            item__is_scored=True,
            item__method__in=EXTRA_METHODS,
            self_points__gt=0,
        )
        totals = count_per(claimed, "sheet_id")
        settled = count_per(claimed.filter(SETTLED), "sheet_id")
        return {pk: (settled.get(pk, 0), total) for pk, total in totals.items()}


class Sheet(models.Model):
    """A unit's score sheet for one year (phiếu tự đánh giá và thẩm định)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("đơn vị")
    )
    year = models.ForeignKey(
        AssessmentYear, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("năm")
    )
    state = models.CharField(
        _("trạng thái"), max_length=20, choices=SheetState.choices, default=SheetState.DRAFT
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người gửi"),
    )
    difficulties = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    proposals = models.TextField(_("đề xuất, kiến nghị"), blank=True)
    # Optimistic locking: every accepted save increments it; a save from an older version is refused.
    version = models.PositiveIntegerField(_("phiên bản"), default=0)
    reminded_for = models.DateTimeField(_("đã nhắc cho hạn"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    objects = SheetQuerySet.as_manager()

    # Who submitted, withdrew or rewrote the report texts, and when (the version is bumped with
    # QuerySet.update, which history does not see, so only these deliberate saves are recorded).
    history = HistoricalRecords(
        verbose_name=_("lịch sử phiếu"),
        excluded_fields=["version", "reminded_for", "updated_at"],
        cascade_delete_history=True,
    )

    class Meta:
        ordering = ["year", "unit__code"]
        verbose_name = _("phiếu chấm điểm")
        verbose_name_plural = _("phiếu chấm điểm")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="sheet_one_per_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year}"


class ActiveScoreManager(models.Manager["Score"]):
    def get_queryset(self) -> models.QuerySet[Score]:
        return super().get_queryset().filter(item__framework__active=True)


class Score(models.Model):
    """The points of one unit on one scored item in one year.

    `self_points` is the unit's claim (appraisal items only); `points` are the points that count:
    set by appraisers for appraisal items, from the survey for survey items.
    """

    sheet = models.ForeignKey(
        Sheet, on_delete=models.CASCADE, related_name="scores", verbose_name=_("phiếu")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="scores", verbose_name=_("tiêu chí")
    )
    self_points = points_field(_("điểm tự đánh giá"), null=True, blank=True)
    points = points_field(_("điểm đạt"), null=True, blank=True)
    # Rule items: the measured values; the points above follow from them (services.scores).
    self_value = value_field(_("giá trị tự đánh giá"), null=True, blank=True)
    value = value_field(_("giá trị thẩm định"), null=True, blank=True)
    not_applicable = models.BooleanField(_("không áp dụng"), default=False)
    note = models.TextField(_("ghi chú của đơn vị"), blank=True)
    reason = models.TextField(_("lý do thẩm định"), blank=True)
    # A linked rule item (Item.source_kind): the index's value as it came in, where from and as
    # of when; the unit's or the appraisers' override of it, each with its reason (an
    # override is never overwritten by the index; clearing it restores the index's value).
    source_value = value_field(_("giá trị theo chỉ số"), null=True, blank=True)
    source_text = models.CharField(_("nguồn giá trị"), max_length=200, blank=True)
    source_as_of = models.DateField(_("ngày cập nhật giá trị"), null=True, blank=True)
    self_value_override = models.TextField(_("lý do đơn vị sửa giá trị"), blank=True)
    value_override = models.TextField(_("lý do thẩm định sửa giá trị"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người cập nhật"),
    )

    history = HistoricalRecords(
        verbose_name=_("lịch sử điểm"), excluded_fields=["updated_at"], cascade_delete_history=True
    )

    # Scores on the items of the versions in force only; a replaced version keeps the scores of
    # its split, merged and dropped items (`all_versions`), shown beside the new inputs.
    all_versions = models.Manager()
    objects = ActiveScoreManager()

    class Meta:
        base_manager_name = "all_versions"
        default_manager_name = "objects"
        ordering = ["sheet", "item__sort_key"]
        verbose_name = _("điểm")
        verbose_name_plural = _("điểm")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "item"], name="score_one_per_sheet_item"),
            models.CheckConstraint(
                condition=Q(self_points__isnull=True) | Q(self_points__gte=0),
                name="score_self_points_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0),
                name="score_points_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(self_value__isnull=True) | Q(self_value__gte=0),
                name="score_self_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="score_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sheet} · {self.item.code}"


class ExplanationState(models.TextChoices):
    OPEN = "open", _("Chờ giải trình")
    ANSWERED = "answered", _("Đã giải trình")
    CLOSED = "closed", _("Đã xử lý")


class ExplanationRequest(models.Model):
    """Appraisers question a score; the unit answers (giải trình); a later round settles it."""

    score = models.ForeignKey(
        Score, on_delete=models.CASCADE, related_name="explanations", verbose_name=_("điểm")
    )
    round = models.PositiveSmallIntegerField(_("vòng"), default=1)
    question = models.TextField(_("nội dung yêu cầu"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người yêu cầu"),
    )
    requested_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    answer = models.TextField(_("nội dung giải trình"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người giải trình"),
    )
    answered_at = models.DateTimeField(_("giải trình lúc"), null=True, blank=True)
    state = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=ExplanationState.choices,
        default=ExplanationState.OPEN,
    )

    history = HistoricalRecords(verbose_name=_("lịch sử giải trình"))

    # The answer's documents, given by the appraisal page's selector (selectors.sheets); not a field.
    attachments: list[Evidence]

    class Meta:
        ordering = ["score", "round", "requested_at"]
        verbose_name = _("yêu cầu giải trình")
        verbose_name_plural = _("yêu cầu giải trình")

    def __str__(self) -> str:
        return f"{self.score} · {self.get_state_display()}"


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    # The stored name is never the user's: only the extension survives (sanitised by the service).
    return f"evidence/{instance.score.sheet.year_id}/{instance.score.sheet.unit_id}/{filename}"


class Evidence(models.Model):
    """An evidence document (tài liệu kiểm chứng) attached to a score, or to an explanation."""

    score = models.ForeignKey(
        Score, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("điểm")
    )
    explanation = models.ForeignKey(
        ExplanationRequest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("giải trình"),
    )
    file = models.FileField(_("tệp"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        ordering = ["score", "uploaded_at"]
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")

    def __str__(self) -> str:
        return self.original_name


class ResultSource(models.TextChoices):
    COMPUTED = "computed", _("Tính từ điểm")
    IMPORTED = "imported", _("Nhập từ tệp")


class ResultQuerySet(models.QuerySet["Result"]):
    def for_table(self) -> ResultQuerySet:
        return self.select_related("unit", "group", "band").order_by(
            "group__order", "rank", "unit__code"
        )


class Result(models.Model):
    """A unit's figures for one year: what every page, export and command reads.

    Written only by `services.recompute_*` from `calculations`, in the same transaction as the
    scores, or by the results importer (source = imported; never recomputed).
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="results", verbose_name=_("đơn vị")
    )
    year = models.ForeignKey(
        AssessmentYear, on_delete=models.CASCADE, related_name="results", verbose_name=_("năm")
    )
    group = models.ForeignKey(
        UnitGroup, on_delete=models.PROTECT, related_name="results", verbose_name=_("khối")
    )
    appraisal = points_field(_("điểm thẩm định"), default=ZERO)
    appraisal_max = points_field(_("tối đa thẩm định"), default=ZERO)
    survey = points_field(_("điểm ĐTXHH"), default=ZERO)
    survey_max = points_field(_("tối đa ĐTXHH"), default=ZERO)
    bonus = points_field(_("điểm thưởng"), default=ZERO)
    deduction = points_field(_("điểm trừ"), default=ZERO)
    total = points_field(_("tổng điểm"), default=ZERO)
    max_points = points_field(_("điểm tối đa áp dụng"), default=ZERO)
    index = FigureField(_("chỉ số (%)"), max_digits=6, decimal_places=3, default=ZERO)
    band = models.ForeignKey(
        Band,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="results",
        verbose_name=_("xếp loại"),
    )
    band_label = models.CharField(_("xếp loại"), max_length=50, blank=True)
    # A cap on classification lowered the band: the band the index alone reaches, and why not.
    uncapped_label = models.CharField(_("xếp loại theo chỉ số"), max_length=50, blank=True)
    cap_reason = models.TextField(_("lý do giới hạn xếp loại"), blank=True)
    rank = models.PositiveIntegerField(_("xếp hạng"), null=True, blank=True)
    rank_of = models.PositiveIntegerField(_("trên tổng số"), null=True, blank=True)
    source = models.CharField(
        _("nguồn"), max_length=10, choices=ResultSource.choices, default=ResultSource.COMPUTED
    )
    computed_at = models.DateTimeField(_("tính lúc"), auto_now=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["year", "group__order", "rank", "unit__code"]
        verbose_name = _("kết quả")
        verbose_name_plural = _("kết quả")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="result_one_per_unit_year"),
            models.CheckConstraint(
                condition=Q(index__gte=0) & Q(index__lte=100), name="result_index_in_range"
            ),
        ]
        indexes = [models.Index(fields=["year", "group", "rank"], name="result_year_group_rank")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.year}: {self.index}"


class DomainResult(models.Model):
    """A unit's figures for one domain (lĩnh vực) of its framework in one year."""

    result = models.ForeignKey(
        Result, on_delete=models.CASCADE, related_name="domains", verbose_name=_("kết quả")
    )
    item = models.ForeignKey(
        Item,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lĩnh vực"),
    )
    code = models.CharField(_("mã"), max_length=30)
    name = models.TextField(_("tên"))
    earned = points_field(_("điểm đạt"), default=ZERO)
    max_points = points_field(_("điểm tối đa áp dụng"), default=ZERO)
    index = FigureField(_("chỉ số (%)"), max_digits=6, decimal_places=3, default=ZERO)
    sort_key = models.CharField(max_length=120)

    class Meta:
        ordering = ["result", "sort_key"]
        verbose_name = _("kết quả lĩnh vực")
        verbose_name_plural = _("kết quả lĩnh vực")
        constraints = [
            models.UniqueConstraint(fields=["result", "code"], name="domainresult_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.result} · {self.code}"


class Mapping(models.TextChoices):
    """How an item of a replaced framework version leads to the version that replaced it."""

    SAME = "same", _("Chuyển nguyên")
    SPLIT = "split", _("Tách")
    MERGE = "merge", _("Gộp")
    NEW = "new", _("Mới")
    DROPPED = "dropped", _("Bỏ")


class ItemReplacement(models.Model):
    """One line of a replacement's map within a year: an old item (none for a new item) to a new
    item (none for a dropped one). Written by `services.replacement`, read by the sheet to show
    the old values beside the inputs to re-enter."""

    framework = models.ForeignKey(
        Framework,
        on_delete=models.CASCADE,
        related_name="replacements",
        verbose_name=_("phiên bản mới"),
    )
    from_item = models.ForeignKey(
        Item,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("tiêu chí cũ"),
    )
    to_item = models.ForeignKey(
        Item,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("tiêu chí mới"),
    )
    kind = models.CharField(_("cách chuyển"), max_length=10, choices=Mapping.choices)

    class Meta:
        verbose_name = _("chuyển tiêu chí giữa hai phiên bản")
        verbose_name_plural = _("chuyển tiêu chí giữa hai phiên bản")
        constraints = [
            models.CheckConstraint(
                condition=Q(from_item__isnull=False) | Q(to_item__isnull=False),
                name="itemreplacement_names_an_item",
            )
        ]

    def __str__(self) -> str:
        old = self.from_item.code if self.from_item else "–"
        new = self.to_item.code if self.to_item else "–"
        return f"{old} → {new} ({self.kind})"


class SheetReplacement(models.Model):
    """What a framework replacement did to one unit's sheet: the sheet as it was under the old
    version (`old_scores`, one dict per scored item, shown as it was), what the unit must look
    at again (`to_review`: points that no longer fit, items to re-enter) and whether the sheet
    went back to draft, with the reason."""

    sheet = models.ForeignKey(
        Sheet, on_delete=models.CASCADE, related_name="replacements", verbose_name=_("phiếu")
    )
    old_framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="+", verbose_name=_("phiên bản cũ")
    )
    new_framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="+", verbose_name=_("phiên bản mới")
    )
    old_scores = models.JSONField(_("phiếu theo phiên bản cũ"), default=list)
    to_review = models.JSONField(_("việc đơn vị cần xem lại"), default=list)
    sent_back = models.BooleanField(_("trả về đang soạn"), default=False)
    decision = models.TextField(_("quyết định"), blank=True)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("phiếu khi thay bộ chỉ số")
        verbose_name_plural = _("phiếu khi thay bộ chỉ số")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "new_framework"], name="sheetreplacement_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sheet} · v{self.new_framework.version}"
