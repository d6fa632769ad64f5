"""Units (đơn vị), the groups they are ranked in, users' memberships in them, and their lineage.

A unit exists over a range of years (first_year–last_year, open at either end). It may be renamed
(`UnitName` keeps the name it had from each year on), merged into another, split or ended: each
such change is a `LineageEvent` of a year, the first assessment year of the new structure. The
rules that read them (names by year, which figures a comparison uses) live in `units.lineage`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.names import validate_name


def years_in_order(name: str) -> models.CheckConstraint:
    """first_year ≤ last_year where both are set (either end may be open)."""
    return models.CheckConstraint(
        condition=Q(first_year__isnull=True)
        | Q(last_year__isnull=True)
        | Q(last_year__gte=models.F("first_year")),
        name=name,
    )


class InYears:
    """Something that exists from `first_year` to `last_year` (None: open at that end)."""

    first_year: int | None
    last_year: int | None

    def exists_in(self, year: int) -> bool:
        return (self.first_year is None or self.first_year <= year) and (
            self.last_year is None or year <= self.last_year
        )


class UnitGroup(InYears, models.Model):
    """A group of units scored on one framework and ranked together (SO, HUYEN, XA, NGANHDOC…)."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=200, validators=[validate_name])
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    first_year = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("khối đơn vị")
        verbose_name_plural = _("khối đơn vị")
        constraints = [years_in_order("unitgroup_years_in_order")]

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(models.QuerySet["Unit"]):
    def existing_in(self, year: int) -> "UnitQuerySet":
        """Units that exist (and so are assessed) in the given year."""
        return self.filter(
            Q(first_year__isnull=True) | Q(first_year__lte=year),
            Q(last_year__isnull=True) | Q(last_year__gte=year),
        )


class Unit(InYears, models.Model):
    """A unit assessed every year: a department, a district, a commune, a central agency."""

    code = models.CharField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=255, validators=[validate_name])
    group = models.ForeignKey(
        UnitGroup, on_delete=models.PROTECT, related_name="units", verbose_name=_("khối")
    )
    first_year = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    is_sample = models.BooleanField(_("dữ liệu mẫu"), default=False)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["group__order", "code"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [years_in_order("unit_years_in_order")]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    STAFF = "staff", _("Cán bộ đơn vị")
    LEADER = "leader", _("Lãnh đạo đơn vị")
    APPRAISER = "appraiser", _("Thẩm định viên")
    LEADERSHIP = "leadership", _("Lãnh đạo tỉnh")
    ADMIN = "admin", _("Quản trị")


class Membership(models.Model):
    """A user's role in a unit. Appraisers list the domain codes they appraise (empty = all)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("người dùng"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("đơn vị")
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    domains = models.JSONField(
        _("lĩnh vực thẩm định"),
        default=list,
        blank=True,
        help_text=_('Mã các lĩnh vực được giao thẩm định, ví dụ ["1", "3"]; để trống là tất cả.'),
    )

    class Meta:
        ordering = ["unit__code", "role"]
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class UnitName(models.Model):
    """The name a unit had from a year on (until the year of its next name).

    Pages of a year show `lineage.name_in(unit, year)`. Years before a unit's first recorded name
    show that first name; from its latest recorded year on, the unit has `Unit.name` (today's).
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="names", verbose_name=_("đơn vị")
    )
    from_year = models.PositiveSmallIntegerField(_("từ năm"))
    name = models.CharField(_("tên"), max_length=255, validators=[validate_name])

    class Meta:
        ordering = ["unit", "from_year"]
        verbose_name = _("tên theo năm")
        verbose_name_plural = _("tên theo năm")
        constraints = [
            models.UniqueConstraint(fields=["unit", "from_year"], name="unitname_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.from_year})"


class LineageKind(models.TextChoices):
    RENAME = "rename", _("Đổi tên")
    MERGE = "merge", _("Hợp nhất")
    SPLIT = "split", _("Chia tách")
    END = "end", _("Kết thúc")


class LineageEvent(models.Model):
    """A change of the structure: units before (predecessors) → units after (successors).

    `year` is the first assessment year of the new structure. A merge has one successor, which
    may be one of its predecessors (the 2025 Sở Nội vụ continues the 2024 one and absorbs Sở
    LĐ-TB&XH); a split has one predecessor and several successors; an end has no successor; a
    rename has one predecessor, and either no successor (the same unit) or the unit that
    continues it, and the new name.
    """

    year = models.PositiveSmallIntegerField(
        _("năm"), help_text=_("Năm đánh giá đầu tiên của cơ cấu mới.")
    )
    kind = models.CharField(_("loại"), max_length=10, choices=LineageKind.choices)
    predecessors = models.ManyToManyField(
        Unit, related_name="lineage_as_predecessor", verbose_name=_("đơn vị trước")
    )
    successors = models.ManyToManyField(
        Unit, related_name="lineage_as_successor", blank=True, verbose_name=_("đơn vị sau")
    )
    new_name = models.CharField(
        _("tên mới"), max_length=255, blank=True, validators=[validate_name]
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["year", "kind", "id"]
        verbose_name = _("thay đổi đơn vị")
        verbose_name_plural = _("thay đổi đơn vị (sáp nhập, chia tách, đổi tên)")

    def __str__(self) -> str:
        return f"{self.year} · {self.get_kind_display()}"
