"""The related indices beside the PAR index (issue 19): 766, DTI, SIPAS, DDCI, PAPI, PCI, and the
PAR index itself as one kind among them.

An `IndexKind` is data: who publishes it, its scale, its period (year, quarter, month, ISO week),
the unit groups it covers and how its values arrive (imported, entered, or computed: the PAR
index, whose figures are the scoring engine's `Result` rows, read and never copied). Its
component tree has versions (`IndexVersion`, from a period on, like frameworks); its bands are
set per group from a period on (`IndexBand`). A unit's figures of one period are an
`IndexResult` (total, maximum, index on the kind's scale, band, rank in its group, as-of date and
source) with one `IndexValue` per component. The province is a unit of its own group (TINH), so
its national results use the same tables; `IndexDriver` says which departments drive a national
component (a mapping kept as data, for the province's standing page).

Periods are written as text (`2026`, `2026-Q3`, `2026-10`, `2026-W42`) and their arithmetic is
`scoring.calculations` (`parse_period`); `starts_on` keeps the period's first day for ordering.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.names import validate_name
from scoring import calculations as calc
from units.models import Unit, UnitGroup


class PeriodKind(models.TextChoices):
    YEAR = calc.YEAR, _("Năm")
    QUARTER = calc.QUARTER, _("Quý")
    MONTH = calc.MONTH, _("Tháng")
    WEEK = calc.WEEK, _("Tuần (ISO)")


class ValueSource(models.TextChoices):
    IMPORTED = "imported", _("Nhập từ tệp")
    ENTERED = "entered", _("Cán bộ nhập")
    COMPUTED = "computed", _("Tính từ kết quả chấm điểm")


def points_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=8, decimal_places=2, **kwargs)


class IndexKind(models.Model):
    """An index: 766, DTI, SIPAS, DDCI, PAPI, PCI or the PAR index (CCHC). Managed in the admin."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=255, validators=[validate_name])
    publisher = models.CharField(_("cơ quan công bố"), max_length=255, blank=True)
    scale = points_field(
        _("thang điểm"), default=Decimal("100"), help_text=_("100, 1.000, hoặc 100 cho tỷ lệ %.")
    )
    is_percentage = models.BooleanField(_("là tỷ lệ phần trăm"), default=False)
    period = models.CharField(_("kỳ"), max_length=10, choices=PeriodKind.choices)
    source = models.CharField(
        _("nguồn số liệu"), max_length=10, choices=ValueSource.choices, default=ValueSource.IMPORTED
    )
    groups = models.ManyToManyField(
        UnitGroup, related_name="index_kinds", blank=True, verbose_name=_("khối đơn vị áp dụng")
    )
    is_national = models.BooleanField(
        _("chỉ số quốc gia xếp hạng tỉnh"),
        default=False,
        help_text=_("Hiện trên trang vị thế của tỉnh."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("loại chỉ số")
        verbose_name_plural = _("loại chỉ số")
        constraints = [
            models.CheckConstraint(condition=Q(scale__gt=0), name="indexkind_scale_positive")
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def is_computed(self) -> bool:
        return self.source == ValueSource.COMPUTED

    def parse(self, text: str) -> calc.Period:
        """The period `text` in this kind's period (ValueError with the expected form)."""
        return calc.parse_period(text, self.period)


def _check_period(kind: IndexKind, text: str, field: str) -> None:
    try:
        kind.parse(text)
    except ValueError:
        raise ValidationError(
            {field: _("Kỳ “%(period)s” không đúng dạng kỳ của chỉ số.") % {"period": text}}
        ) from None


class IndexVersion(models.Model):
    """A version of an index's component tree, in force from a period on (until the next)."""

    kind = models.ForeignKey(
        IndexKind, on_delete=models.CASCADE, related_name="versions", verbose_name=_("chỉ số")
    )
    from_period = models.CharField(_("áp dụng từ kỳ"), max_length=10)
    starts_on = models.DateField(_("ngày bắt đầu"), editable=False)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        ordering = ["kind", "starts_on"]
        verbose_name = _("phiên bản bộ thành phần")
        verbose_name_plural = _("phiên bản bộ thành phần")
        constraints = [
            models.UniqueConstraint(fields=["kind", "from_period"], name="indexversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind.code} từ {self.from_period}"

    def save(self, *args, **kwargs) -> None:
        self.starts_on = self.kind.parse(self.from_period).start
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.kind_id:
            _check_period(self.kind, self.from_period, "from_period")


class IndexComponent(models.Model):
    """A component of a version: a group (code "1") or a component within it ("1.2").

    Points are given to components without children; a parent's maximum is the sum of its
    children's.
    """

    version = models.ForeignKey(
        IndexVersion,
        on_delete=models.CASCADE,
        related_name="components",
        verbose_name=_("phiên bản"),
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("mã"), max_length=30)
    name = models.CharField(_("tên"), max_length=255, validators=[validate_name])
    max_points = points_field(_("điểm tối đa"))
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    is_leaf = models.BooleanField(_("được cho điểm"), default=True)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("thành phần chỉ số")
        verbose_name_plural = _("thành phần chỉ số")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="indexcomponent_unique"),
            models.CheckConstraint(
                condition=Q(max_points__gte=0), name="indexcomponent_max_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndexBand(models.Model):
    """A band (xếp loại) of an index for one unit group, from a period on (like versions)."""

    kind = models.ForeignKey(
        IndexKind, on_delete=models.CASCADE, related_name="bands", verbose_name=_("chỉ số")
    )
    group = models.ForeignKey(
        UnitGroup, on_delete=models.CASCADE, related_name="index_bands", verbose_name=_("khối")
    )
    from_period = models.CharField(_("áp dụng từ kỳ"), max_length=10)
    starts_on = models.DateField(_("ngày bắt đầu"), editable=False)
    label = models.CharField(_("xếp loại"), max_length=50, validators=[validate_name])
    min_index = points_field(_("chỉ số tối thiểu"), help_text=_("Trên thang điểm của chỉ số."))

    class Meta:
        ordering = ["kind", "group", "starts_on", "-min_index"]
        verbose_name = _("xếp loại chỉ số")
        verbose_name_plural = _("xếp loại chỉ số")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "group", "from_period", "label"], name="indexband_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ≥ {self.min_index}"

    def save(self, *args, **kwargs) -> None:
        self.starts_on = self.kind.parse(self.from_period).start
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.kind_id:
            _check_period(self.kind, self.from_period, "from_period")


class IndexResult(models.Model):
    """A unit's figures in one index and period, computed by `scoring.calculations` when its
    values arrive: total, maximum of the version, index on the kind's scale, band and rank."""

    kind = models.ForeignKey(
        IndexKind, on_delete=models.PROTECT, related_name="results", verbose_name=_("chỉ số")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="index_results", verbose_name=_("đơn vị")
    )
    group = models.ForeignKey(
        UnitGroup, on_delete=models.PROTECT, related_name="index_results", verbose_name=_("khối")
    )
    version = models.ForeignKey(
        IndexVersion, on_delete=models.PROTECT, related_name="results", verbose_name=_("phiên bản")
    )
    period = models.CharField(_("kỳ"), max_length=10)
    starts_on = models.DateField(_("ngày bắt đầu kỳ"))
    total = points_field(_("tổng điểm"))
    max_points = points_field(_("điểm tối đa"))
    index = points_field(_("chỉ số"))
    band_label = models.CharField(_("xếp loại"), max_length=50, blank=True)
    rank = models.PositiveIntegerField(_("xếp hạng"), null=True, blank=True)
    rank_of = models.PositiveIntegerField(_("trên tổng số"), null=True, blank=True)
    as_of = models.DateField(_("số liệu tính đến ngày"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=255, blank=True)
    entered = models.CharField(
        _("cách có số liệu"),
        max_length=10,
        choices=ValueSource.choices,
        default=ValueSource.IMPORTED,
    )
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        ordering = ["kind", "starts_on", "rank", "unit__code"]
        verbose_name = _("kết quả chỉ số")
        verbose_name_plural = _("kết quả chỉ số")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "unit", "period"], name="indexresult_one_per_period"
            )
        ]
        indexes = [models.Index(fields=["kind", "starts_on", "group"], name="indexresult_period")]

    def __str__(self) -> str:
        return f"{self.kind.code} {self.period} · {self.unit}"


class IndexValue(models.Model):
    """The points of one component in a unit's result of one period.

    The link from a rule-scored PAR item (issue 19, part 4) reads one of these:
    `indices.selectors.component_value(unit, kind_code, component_code, period)`.
    """

    result = models.ForeignKey(
        IndexResult, on_delete=models.CASCADE, related_name="values", verbose_name=_("kết quả")
    )
    component = models.ForeignKey(
        IndexComponent,
        on_delete=models.PROTECT,
        related_name="values",
        verbose_name=_("thành phần"),
    )
    points = points_field(_("điểm"))

    class Meta:
        ordering = ["result", "component__order"]
        verbose_name = _("điểm thành phần")
        verbose_name_plural = _("điểm thành phần")
        constraints = [
            models.UniqueConstraint(fields=["result", "component"], name="indexvalue_unique"),
            models.CheckConstraint(condition=Q(points__gte=0), name="indexvalue_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.component.code}: {self.points}"


class IndexDriver(models.Model):
    """Which department's work drives a national index's component (the province's standing
    page names them, so leadership knows whom to ask). Kept as data, edited in the admin."""

    kind = models.ForeignKey(
        IndexKind, on_delete=models.CASCADE, related_name="drivers", verbose_name=_("chỉ số")
    )
    component_code = models.CharField(_("mã thành phần"), max_length=30)
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="index_drivers", verbose_name=_("đơn vị")
    )
    criteria = models.CharField(
        _("tiêu chí liên quan"),
        max_length=255,
        blank=True,
        help_text=_("Các tiêu chí của đơn vị tác động đến thành phần này."),
    )

    class Meta:
        ordering = ["kind", "component_code", "unit__code"]
        verbose_name = _("đơn vị chịu trách nhiệm thành phần")
        verbose_name_plural = _("đơn vị chịu trách nhiệm thành phần")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "component_code", "unit"], name="indexdriver_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind.code} {self.component_code} · {self.unit}"
