"""Writes of the survey, each all or nothing in one transaction.

    import_questionnaire(file, year, group)      # questions, options, respondent types
    set_type_weights(year, group, {"nguoi_dan": 60, …})
    import_responses(file, year, user=…)         # ballots from a file, every bad row named
    cast_ballot(questionnaire, unit, type, answers, channel=…, token=…)   # one ballot
    issue_tokens(questionnaire, unit, type, count)
    apply_points(year, group, user=…)            # the computed points, through the one save path

Refusals are `ServiceError` (for the year, the group, the weights) or `tabular.TableError` (a
file's rows, each named).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lib import tabular
from scoring.calculations import UnweightedType
from scoring.models import AssessmentYear, Framework, Item, Method
from scoring.permissions import Account
from scoring.services.errors import ServiceError, ensure_not_published
from scoring.services.survey import save_survey
from survey import selectors
from survey.models import (
    Answer,
    Ballot,
    Channel,
    EntryMismatch,
    InvitationToken,
    Option,
    Question,
    Questionnaire,
    RespondentType,
    SampleTarget,
    TypeWeight,
    new_code,
)
from units.models import Unit, UnitGroup

#: The source recorded in the history of survey points computed from ballots.
SOURCE = "khảo sát"
#: Answers that are not answers: not valid, never counted (besides an empty cell).
NO_ANSWER = frozenset({"không trả lời", "khong tra loi", "ktl", "-"})

QUESTIONNAIRE_REQUIRED = ("code", "item_code", "text", "options")
QUESTIONNAIRE_OPTIONAL = ("respondent_types", "option_texts")
QUESTIONNAIRE_LIMITS = tabular.Limits(rows=2_000, columns=10, cells=10_000)
RESPONSES_REQUIRED = ("ballot", "unit_code", "respondent_type", "question", "answer")
#: A province's whole survey in one file: up to 1,000,000 answers, 50 MB.
RESPONSES_MAX_BYTES = 50 * 1024 * 1024
RESPONSES_LIMITS = tabular.Limits(
    rows=1_000_001, columns=10, cells=5_000_005, part_bytes=400 * 1024 * 1024
)
BATCH = 5_000


#: The respondent types of the national PAR survey and of most provinces' own (the migration
#: `0002_respondent_types` seeds them; `ensure_default_types` restores them, e.g. for the demo
#: after a test database was flushed).
DEFAULT_TYPES = (
    ("nguoi_dan", "Người dân", 1),
    ("doanh_nghiep", "Doanh nghiệp, tổ chức", 2),
    ("cong_chuc", "Công chức, viên chức", 3),
    ("lanh_dao", "Lãnh đạo, quản lý", 4),
)


def ensure_default_types() -> None:
    for code, name, order in DEFAULT_TYPES:
        RespondentType.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def unweighted_message(error: UnweightedType) -> str:
    return _(
        "Đối tượng “%(type)s” có phiếu trả lời nhưng chưa có trọng số của năm và khối này: "
        "hãy đặt trọng số (set_survey_weights) cho mọi đối tượng đã trả lời."
    ) % {"type": error.type_code}


def is_no_answer(text: str) -> bool:
    return text == "" or text.casefold() in NO_ANSWER


def parse_options(text: str) -> list[tuple[str, Decimal]]:
    """ "A=100 B=60 C=20 D=0" → [("A", 100), …]; ValueError with a Vietnamese message."""
    options: list[tuple[str, Decimal]] = []
    seen: set[str] = set()
    for part in text.split():
        code, sep, weight_text = part.partition("=")
        code = code.strip()
        if not sep or not code:
            raise ValueError(
                _("“%(part)s”: cần dạng Mã=tỷ lệ %%, ví dụ “A=100 B=60 C=20 D=0”") % {"part": part}
            )
        try:
            weight = tabular.parse_points(weight_text)
        except tabular.CellError as exc:
            raise ValueError(
                _("phương án %(code)s: %(message)s") % {"code": code, "message": exc.message}
            ) from None
        if weight is None or weight > 100:
            raise ValueError(_("phương án %(code)s: tỷ lệ phải từ 0 đến 100 (%%)") % {"code": code})
        if code.casefold() in seen:
            raise ValueError(_("phương án %(code)s bị lặp lại") % {"code": code})
        if is_no_answer(code):
            raise ValueError(_("“%(code)s” không dùng được làm mã phương án") % {"code": code})
        seen.add(code.casefold())
        options.append((code, weight))
    if len(options) < 2:
        raise ValueError(_("cần ít nhất hai phương án, ví dụ “A=100 B=60 C=20 D=0”"))
    return options


@dataclass(frozen=True)
class QuestionnaireSummary:
    year: int
    group: str
    questions: int
    options: int

    def __str__(self) -> str:
        return _(
            "Đã nhập phiếu khảo sát khối %(group)s năm %(year)s: %(questions)s câu hỏi, "
            "%(options)s phương án."
        ) % {
            "group": self.group,
            "year": self.year,
            "questions": self.questions,
            "options": self.options,
        }


@transaction.atomic
def import_questionnaire(
    data: tabular.Source, year: AssessmentYear, group: UnitGroup
) -> QuestionnaireSummary:
    """Replace the year and group's questionnaire from a file (code, item_code, text, options
    [, respondent_types]). Each question feeds a survey item of the group's framework.

    Refused for a published year, a group without a framework, and once ballots are stored
    (the questions they answered must stay).
    """
    year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    ensure_not_published(year)
    framework = Framework.objects.filter(year=year, group=group).first()
    if framework is None:
        raise ServiceError(
            _("Chưa có bộ chỉ số năm %(year)s cho khối %(group)s.")
            % {"year": year.year, "group": group.code}
        )
    existing = Questionnaire.objects.filter(year=year, group=group).first()
    if existing is not None and existing.ballots.exists():
        raise ServiceError(
            _(
                "Phiếu khảo sát khối %(group)s năm %(year)s đã có phiếu trả lời: không thể thay "
                "câu hỏi."
            )
            % {"group": group.code, "year": year.year}
        )
    rows = tabular.read_table(
        data,
        required=QUESTIONNAIRE_REQUIRED,
        optional=QUESTIONNAIRE_OPTIONAL,
        limits=QUESTIONNAIRE_LIMITS,
    )
    items = {i.code: i for i in Item.objects.filter(framework=framework)}
    types = {t.code: t for t in RespondentType.objects.all()}
    problems = tabular.Problems()
    parsed: list[
        tuple[str, Item, str, list[tuple[str, Decimal]], list[RespondentType], dict[str, str]]
    ] = []
    first_row: dict[str, int] = {}
    for row in rows:
        code = problems.parse(row, "code", tabular.parse_text) or ""
        item_code = problems.parse(row, "item_code", tabular.parse_text) or ""
        text = problems.parse(row, "text", tabular.parse_text) or ""
        options_text = problems.parse(row, "options", tabular.parse_text) or ""
        types_text = problems.parse(row, "respondent_types", tabular.parse_text) or ""
        labels_text = problems.parse(row, "option_texts", tabular.parse_text) or ""
        ok = True
        for column, value in (("code", code), ("item_code", item_code), ("text", text)):
            if not value:
                problems.add(row, column, _("không được để trống"))
                ok = False
        if code and code.casefold() in first_row:
            problems.add(
                row,
                "code",
                _("câu hỏi %(code)s đã có ở dòng %(first)s")
                % {"code": code, "first": first_row[code.casefold()]},
            )
            ok = False
        elif code:
            first_row[code.casefold()] = row.number
        item = items.get(item_code)
        if item_code and (item is None or not item.is_scored or item.method != Method.SURVEY):
            problems.add(
                row,
                "item_code",
                _("“%(code)s” không phải tiêu chí điều tra xã hội học của bộ chỉ số khối %(group)s")
                % {"code": item_code, "group": group.code},
            )
            ok = False
        try:
            options = parse_options(options_text)
        except ValueError as exc:
            problems.add(row, "options", str(exc))
            options = []
            ok = False
        labels: dict[str, str] = {}
        for part in (p.strip() for p in labels_text.split(";")):
            option_code, sep, label = part.partition("=")
            if not part:
                continue
            if not sep or option_code.strip() not in {c for c, _w in options} or not label.strip():
                if options:
                    problems.add(
                        row,
                        "option_texts",
                        _("“%(part)s”: cần dạng Mã=lời phương án với mã có trong options")
                        % {"part": part},
                    )
                ok = False
                continue
            labels[option_code.strip()] = label.strip()[:255]
        chosen = []
        for type_code in types_text.split():
            if type_code not in types:
                problems.add(
                    row,
                    "respondent_types",
                    _("không có đối tượng “%(code)s” (các đối tượng: %(known)s)")
                    % {"code": type_code, "known": ", ".join(types)},
                )
                ok = False
            else:
                chosen.append(types[type_code])
        if ok and item is not None:
            parsed.append((code, item, text, options, chosen, labels))
    if not rows:
        problems.add(None, None, _("Tệp không có dữ liệu"))
    problems.raise_if_any()
    questionnaire = existing or Questionnaire.objects.create(year=year, group=group)
    questionnaire.questions.all().delete()
    option_count = 0
    for order, (code, item, text, options, chosen, labels) in enumerate(parsed, start=1):
        question = Question.objects.create(
            questionnaire=questionnaire, code=code, item=item, text=text, order=order
        )
        question.respondent_types.set(chosen)
        Option.objects.bulk_create(
            Option(question=question, code=c, weight=w, text=labels.get(c, ""), order=i)
            for i, (c, w) in enumerate(options, start=1)
        )
        option_count += len(options)
    return QuestionnaireSummary(year.year, group.code, len(parsed), option_count)


def parse_weights(texts: Sequence[str]) -> dict[str, Decimal]:
    """["nguoi_dan=60", "cong_chuc=40"] → {code: weight}; ServiceError naming each bad one."""
    weights: dict[str, Decimal] = {}
    problems = []
    for text in texts:
        code, sep, value = text.partition("=")
        code = code.strip()
        try:
            weight = tabular.parse_points(value) if sep else None
        except tabular.CellError:
            weight = None
        if not code or weight is None or weight <= 0:
            problems.append(
                _("“%(text)s”: cần dạng đối_tượng=trọng số dương, ví dụ “nguoi_dan=60”.")
                % {"text": text}
            )
        elif code in weights:
            problems.append(_("Đối tượng “%(code)s” bị lặp lại.") % {"code": code})
        else:
            weights[code] = weight
    if problems:
        raise ServiceError(problems)
    return weights


@transaction.atomic
def set_type_weights(
    year: AssessmentYear, group: UnitGroup, weights: Mapping[str, Decimal]
) -> list[TypeWeight]:
    """Replace the year and group's respondent type weights (an empty mapping removes them)."""
    year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    ensure_not_published(year)
    types = {t.code: t for t in RespondentType.objects.filter(code__in=list(weights))}
    unknown = [code for code in weights if code not in types]
    if unknown:
        raise ServiceError(
            [
                _("Không có đối tượng “%(code)s” (các đối tượng: %(known)s).")
                % {
                    "code": code,
                    "known": ", ".join(RespondentType.objects.values_list("code", flat=True)),
                }
                for code in unknown
            ]
        )
    TypeWeight.objects.filter(year=year, group=group).delete()
    return TypeWeight.objects.bulk_create(
        TypeWeight(year=year, group=group, respondent_type=types[code], weight=weight)
        for code, weight in weights.items()
    )


def parse_targets(texts: Sequence[str]) -> dict[str, int]:
    """["nguoi_dan=30", "cong_chuc=12"] → {code: ballots}; ServiceError naming each bad one."""
    targets: dict[str, int] = {}
    problems = []
    for text in texts:
        code, sep, value = text.partition("=")
        code = code.strip()
        if not sep or not code or not value.strip().isdigit():
            problems.append(
                _("“%(text)s”: cần dạng đối_tượng=số phiếu, ví dụ “nguoi_dan=30”.") % {"text": text}
            )
        elif code in targets:
            problems.append(_("Đối tượng “%(code)s” bị lặp lại.") % {"code": code})
        else:
            targets[code] = int(value)
    if problems:
        raise ServiceError(problems)
    return targets


@transaction.atomic
def set_sample_targets(
    year: AssessmentYear,
    group: UnitGroup,
    targets: Mapping[str, int],
    *,
    unit_code: str | None = None,
) -> int:
    """Replace the ballots to collect per respondent type, for every unit of the group in the
    year or for one unit. Returns the targets written."""
    ensure_not_published(year)
    questionnaire = Questionnaire.objects.filter(year=year, group=group).first()
    if questionnaire is None:
        raise ServiceError(
            _("Khối %(group)s năm %(year)s chưa có phiếu khảo sát.")
            % {"group": group.code, "year": year.year}
        )
    types = {t.code: t for t in RespondentType.objects.filter(code__in=list(targets))}
    unknown = [code for code in targets if code not in types]
    if unknown:
        raise ServiceError(
            [
                _("Không có đối tượng “%(code)s” (các đối tượng: %(known)s).")
                % {
                    "code": code,
                    "known": ", ".join(RespondentType.objects.values_list("code", flat=True)),
                }
                for code in unknown
            ]
        )
    units = Unit.objects.existing_in(year.year).filter(group=group)
    if unit_code is not None:
        units = units.filter(code=unit_code)
        if not units.exists():
            raise ServiceError(
                _("Đơn vị %(unit)s không thuộc khối của phiếu khảo sát.") % {"unit": unit_code}
            )
    chosen = list(units)
    SampleTarget.objects.filter(questionnaire=questionnaire, unit__in=chosen).delete()
    created = SampleTarget.objects.bulk_create(
        SampleTarget(questionnaire=questionnaire, unit=unit, respondent_type=types[code], target=n)
        for unit in chosen
        for code, n in targets.items()
        if n > 0
    )
    return len(created)


# --------------------------------------------------------------------------- ballots


@dataclass
class _Form:
    """A questionnaire loaded for checking answers: questions by code, options by code."""

    questionnaire: Questionnaire
    questions: dict[str, Question]
    options: dict[int, dict[str, Option]]  # question id → option code (casefolded) → option
    allowed: dict[int, set[int]]  # question id → respondent type ids (empty: everyone)
    positions: dict[int, int]  # question id → its bit in a ballot's answered questions

    @classmethod
    def load(cls, questionnaire: Questionnaire) -> _Form:
        questions = {
            q.code: q
            for q in questionnaire.questions.prefetch_related("options", "respondent_types")
        }
        return cls(
            questionnaire,
            questions,
            {q.pk: {o.code.casefold(): o for o in q.options.all()} for q in questions.values()},
            {q.pk: {t.pk for t in q.respondent_types.all()} for q in questions.values()},
            {q.pk: i for i, q in enumerate(questions.values())},
        )

    def answers_for(self, rtype: RespondentType) -> list[Question]:
        return [
            q
            for q in self.questions.values()
            if not self.allowed[q.pk] or rtype.pk in self.allowed[q.pk]
        ]

    def check(
        self, rtype: RespondentType, question_code: str, answer: str
    ) -> tuple[Question | None, Option | None, str | None]:
        """(question, option or None for no answer, problem or None)."""
        question = self.questions.get(question_code)
        if question is None:
            return (
                None,
                None,
                _("không có câu hỏi “%(code)s” trong phiếu khảo sát") % {"code": question_code},
            )
        if self.allowed[question.pk] and rtype.pk not in self.allowed[question.pk]:
            return (
                None,
                None,
                _("câu hỏi %(code)s không dành cho đối tượng %(type)s")
                % {
                    "code": question_code,
                    "type": rtype.code,
                },
            )
        if is_no_answer(answer):
            return question, None, None
        option = self.options[question.pk].get(answer.casefold())
        if option is None:
            return (
                None,
                None,
                _("“%(answer)s” không phải phương án của câu %(code)s (các phương án: %(known)s)")
                % {
                    "answer": answer,
                    "code": question_code,
                    "known": " ".join(o.code for o in question.options.all()),
                },
            )
        return question, option, None


@dataclass(frozen=True)
class ResponsesSummary:
    year: int
    ballots: int
    answers: int

    def __str__(self) -> str:
        return _("Đã nhập %(ballots)s phiếu (%(answers)s câu trả lời) năm %(year)s.") % {
            "ballots": self.ballots,
            "answers": self.answers,
            "year": self.year,
        }


@dataclass(slots=True)
class _SeenBallot:
    """A ballot met in the file: what its later rows must agree with, the questions it answered
    (a bit per question of its form) and, once written, its id. Small: a million-row file has
    a hundred thousand of them."""

    row: int
    unit: Unit
    rtype: RespondentType
    form: _Form
    answered: int = 0
    pk: int | None = None


def _written(seen: _SeenBallot) -> int:
    if seen.pk is None:  # its ballot is always written in this batch or an earlier one
        raise RuntimeError("an answer of a ballot not written")
    return seen.pk


class _BallotWriter:
    """Writes checked ballots and answers in batches as the file is read (inside the import's
    transaction: a problem found later rolls every batch back). Once a problem is found nothing
    more is written; the rest of the file is still checked, to name every bad row."""

    def __init__(self, *, channel: str, user: Account | None) -> None:
        self.channel, self.user = channel, user
        self.ballots: list[tuple[str, _SeenBallot]] = []
        self.answers: list[tuple[_SeenBallot, int, Option | None]] = []

    def add(
        self, reference: str, seen: _SeenBallot, question_id: int, option: Option | None, new: bool
    ) -> None:
        if new:
            self.ballots.append((reference, seen))
        self.answers.append((seen, question_id, option))
        if len(self.answers) >= BATCH:
            self.flush()

    def flush(self) -> None:
        created = Ballot.objects.bulk_create(
            Ballot(
                questionnaire=seen.form.questionnaire,
                reference=reference,
                unit=seen.unit,
                respondent_type=seen.rtype,
                channel=self.channel,
                entered_by=self.user,
            )
            for reference, seen in self.ballots
        )
        for ballot, (_reference, seen) in zip(created, self.ballots, strict=True):
            seen.pk = ballot.pk
        Answer.objects.bulk_create(
            Answer(ballot_id=_written(seen), question_id=question_id, option=option)
            for seen, question_id, option in self.answers
        )
        self.ballots, self.answers = [], []


DEFAULT_MAPPING = {name: name for name in RESPONSES_REQUIRED}


@transaction.atomic
def import_responses(
    data: tabular.Source,
    year: AssessmentYear,
    *,
    user: Account | None = None,
    channel: str = Channel.FILE,
    rows: Iterable[tabular.Row] | None = None,
) -> ResponsesSummary:
    """Store ballots from a file with one row per answer (ballot, unit_code, respondent_type,
    question, answer), all or nothing, every bad row named.

    A ballot belongs to one unit and respondent type; its answers are checked against the
    questionnaire of the unit's group (question codes, the types a question is for, option
    codes; empty or "không trả lời" is kept as no answer). A ballot id already stored in the
    year is refused. Up to 1,000,000 rows and 50 MB, read as a stream (`tabular.stream_table`)
    and written in batches of `BATCH` answers as they are checked, in this one transaction.
    `rows` are already read rows (a mapped KoboToolbox or Google Forms export).
    """
    year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    ensure_not_published(year)
    stream = None
    if rows is None:
        stream = tabular.stream_table(
            data,
            required=RESPONSES_REQUIRED,
            max_bytes=RESPONSES_MAX_BYTES,
            limits=RESPONSES_LIMITS,
        )
        rows = stream
    questionnaires = {
        q.group_id: q for q in Questionnaire.objects.filter(year=year).select_related("group")
    }
    forms: dict[int, _Form] = {}
    units = {
        u.code: u
        for u in Unit.objects.existing_in(year.year).filter(group_id__in=list(questionnaires))
    }
    types = {t.code: t for t in RespondentType.objects.all()}
    stored = set(
        Ballot.objects.filter(questionnaire__year=year).values_list("reference", flat=True)
    )
    problems = tabular.Problems()
    writer = _BallotWriter(channel=channel, user=user)
    ballots: dict[str, _SeenBallot] = {}
    answers = read = 0
    for row in rows:
        read += 1
        reference = problems.parse(row, "ballot", tabular.parse_text) or ""
        unit_code = problems.parse(row, "unit_code", tabular.parse_text) or ""
        type_code = problems.parse(row, "respondent_type", tabular.parse_text) or ""
        question_code = problems.parse(row, "question", tabular.parse_text) or ""
        answer = problems.parse(row, "answer", tabular.parse_text) or ""
        missing = [
            column
            for column, value in (
                ("ballot", reference),
                ("unit_code", unit_code),
                ("respondent_type", type_code),
                ("question", question_code),
            )
            if not value
        ]
        for column in missing:
            problems.add(row, column, _("không được để trống"))
        if missing:
            continue
        if reference in stored:
            problems.add(
                row, "ballot", _("phiếu %(ballot)s đã được lưu trước đây") % {"ballot": reference}
            )
            continue
        seen = ballots.get(reference)
        new = seen is None
        if seen is None:
            unit = units.get(unit_code)
            rtype = types.get(type_code)
            if unit is None:
                problems.add(
                    row,
                    "unit_code",
                    _("không có đơn vị “%(code)s” có phiếu khảo sát năm %(year)s")
                    % {"code": unit_code, "year": year.year},
                )
                continue
            if rtype is None:
                problems.add(
                    row,
                    "respondent_type",
                    _("không có đối tượng “%(code)s” (các đối tượng: %(known)s)")
                    % {"code": type_code, "known": ", ".join(types)},
                )
                continue
            if unit.group_id not in forms:
                forms[unit.group_id] = _Form.load(questionnaires[unit.group_id])
            seen = _SeenBallot(row.number, unit, rtype, forms[unit.group_id])
            ballots[reference] = seen
        elif seen.unit.code != unit_code or seen.rtype.code != type_code:
            problems.add(
                row,
                None,
                _(
                    "phiếu %(ballot)s đã ghi đơn vị %(unit)s, đối tượng %(type)s ở dòng "
                    "%(first)s: một phiếu thuộc một đơn vị và một đối tượng"
                )
                % {
                    "ballot": reference,
                    "unit": seen.unit.code,
                    "type": seen.rtype.code,
                    "first": seen.row,
                },
            )
            continue
        question, option, problem = seen.form.check(seen.rtype, question_code, answer)
        if problem is not None or question is None:
            problems.add(row, None, problem or "")
            continue
        bit = 1 << seen.form.positions[question.pk]
        if seen.answered & bit:
            problems.add(
                row,
                "question",
                _("phiếu %(ballot)s đã trả lời câu %(code)s")
                % {"ballot": reference, "code": question_code},
            )
            continue
        seen.answered |= bit
        answers += 1
        if not problems:
            writer.add(reference, seen, question.pk, option, new)
    if stream is not None:
        problems.extend(stream.problems)
    if not read:
        problems.add(None, None, _("Tệp không có dữ liệu"))
    problems.raise_if_any()
    writer.flush()
    return ResponsesSummary(year.year, len(ballots), answers)


# --------------------------------------------------------------------------- other tools' exports


@dataclass(frozen=True)
class ColumnMapping:
    """How a KoboToolbox or Google Forms export (one row per respondent, one column per question)
    maps to the questionnaire's codes; written once as JSON and reused for every export:

        {"questions": {"Câu 1. Thông tin…": "C01", "q2": "C02"},
         "answers": {"Rất hài lòng": "A", "Hài lòng": "B", "Chưa hài lòng": "C"},
         "ballot": "_uuid",                 # or "prefix": "GF-2026-" (with the row's number)
         "unit_code": "don_vi",             # or {"fixed": "SO-TP"}
         "respondent_type": {"fixed": "nguoi_dan"}}

    Answers not listed are taken as typed (an option code, empty or "không trả lời"); columns
    not named are ignored (the tools' metadata).
    """

    questions: dict[str, str]
    answers: dict[str, str]
    ballot: str | None = None
    prefix: str = ""
    unit_column: str | None = None
    unit: str = ""
    type_column: str | None = None
    rtype: str = ""

    @property
    def columns(self) -> list[str]:
        named = [self.ballot, self.unit_column, self.type_column]
        return [c for c in named if c] + list(self.questions)


def parse_mapping(text: str) -> ColumnMapping:
    """A column mapping from its JSON; ServiceError naming what is wrong."""
    import json

    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise ServiceError(
            _("Tệp ánh xạ cột không phải JSON hợp lệ: %(error)s") % {"error": exc}
        ) from None
    problems = []
    if not isinstance(raw, dict):
        raise ServiceError(_("Tệp ánh xạ cột phải là một đối tượng JSON."))
    questions = raw.get("questions")
    answers = raw.get("answers", {})
    if (
        not isinstance(questions, dict)
        or not questions
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in questions.items())
    ):
        problems.append(_("“questions”: cần {tên cột: mã câu hỏi}, ít nhất một câu."))
        questions = {}
    if not isinstance(answers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in answers.items()
    ):
        problems.append(_("“answers”: cần {câu trả lời trong tệp: mã phương án}."))
        answers = {}

    def column_or_fixed(key: str) -> tuple[str | None, str]:
        value = raw.get(key)
        if isinstance(value, str) and value:
            return value, ""
        if isinstance(value, dict) and isinstance(value.get("fixed"), str) and value["fixed"]:
            return None, value["fixed"]
        problems.append(_('“%(key)s”: cần tên cột hoặc {"fixed": giá trị}.') % {"key": key})
        return None, ""

    unit_column, unit = column_or_fixed("unit_code")
    type_column, rtype = column_or_fixed("respondent_type")
    ballot = raw.get("ballot")
    prefix = raw.get("prefix", "")
    if not (isinstance(ballot, str) and ballot) and not (isinstance(prefix, str) and prefix):
        problems.append(
            _("Cần “ballot” (cột mã phiếu) hoặc “prefix” (tiền tố mã phiếu, kèm số dòng).")
        )
    if problems:
        raise ServiceError(problems)
    return ColumnMapping(
        questions=dict(questions),
        answers={k.strip().casefold(): v for k, v in answers.items()},
        ballot=ballot if isinstance(ballot, str) and ballot else None,
        prefix=prefix if isinstance(prefix, str) else "",
        unit_column=unit_column,
        unit=unit,
        type_column=type_column,
        rtype=rtype,
    )


#: One row per respondent in another tool's export.
MAPPED_LIMITS = tabular.Limits(
    rows=200_001, columns=500, cells=5_000_000, part_bytes=400 * 1024 * 1024
)


def import_mapped_responses(
    data: tabular.Source, year: AssessmentYear, mapping: ColumnMapping, *, user: Account | None
) -> ResponsesSummary:
    """A KoboToolbox or Google Forms export through the mapping, then `import_responses`' own
    checks (every bad row named by its row in the export, all or nothing)."""
    rows = tabular.read_table(
        data,
        required=mapping.columns,
        max_bytes=RESPONSES_MAX_BYTES,
        limits=MAPPED_LIMITS,
        ignore_unknown=True,
    )
    present = frozenset(RESPONSES_REQUIRED)
    answers: list[tabular.Row] = []
    for row in rows:

        def cell(column: str | None, fixed: str = "", row: tabular.Row = row) -> str:
            if column is None:
                return fixed
            try:
                return tabular.parse_text(row.get(column))
            except tabular.CellError:
                return ""

        ballot = mapping.prefix + (cell(mapping.ballot) if mapping.ballot else str(row.number))
        for column, question in mapping.questions.items():
            typed = cell(column)
            values = {
                "ballot": ballot,
                "unit_code": cell(mapping.unit_column, mapping.unit),
                "respondent_type": cell(mapping.type_column, mapping.rtype),
                "question": question,
                "answer": mapping.answers.get(typed.casefold(), typed),
            }
            labels = {
                "ballot": mapping.ballot or "ballot",
                "unit_code": mapping.unit_column or "unit_code",
                "respondent_type": mapping.type_column or "respondent_type",
                "question": column,
                "answer": column,
            }
            answers.append(tabular.Row(row.number, values, present, labels))
    return import_responses(b"", year, user=user, channel=Channel.FILE, rows=answers)


def _refused_ballot() -> ServiceError:
    return ServiceError(_("Mã mời không hợp lệ hoặc đã được dùng: mỗi mã chỉ gửi được một phiếu."))


@transaction.atomic
def cast_ballot(
    questionnaire: Questionnaire,
    unit: Unit,
    rtype: RespondentType,
    answers: Mapping[str, str],
    *,
    channel: str,
    token: InvitationToken | None = None,
    user: Account | None = None,
    reference: str | None = None,
) -> Ballot:
    """Store one ballot ({question code: option code, "" for no answer}), never to change.

    With a token: the token is locked, refused if used, and marked used with the ballot. Every
    question meant for the respondent type must be present (possibly as no answer).
    """
    ensure_not_published(questionnaire.year)
    if token is not None:
        locked = InvitationToken.objects.select_for_update().filter(pk=token.pk).first()
        if locked is None or locked.used_at is not None:
            raise _refused_ballot()
        token = locked
    form = _Form.load(questionnaire)
    problems = []
    chosen: dict[int, Option | None] = {}
    for question in form.answers_for(rtype):
        if question.code not in answers:
            problems.append(_("Câu %(code)s: chưa chọn.") % {"code": question.code})
            continue
        found, option, problem = form.check(rtype, question.code, answers[question.code].strip())
        if problem is not None or found is None:
            problems.append(
                _("Câu %(code)s: %(problem)s.") % {"code": question.code, "problem": problem}
            )
            continue
        chosen[found.pk] = option
    extra = set(answers) - {q.code for q in form.answers_for(rtype)}
    problems += [_("Câu %(code)s: không có trong phiếu.") % {"code": c} for c in sorted(extra)]
    if problems:
        raise ServiceError(problems)
    try:
        with transaction.atomic():
            ballot = Ballot.objects.create(
                questionnaire=questionnaire,
                reference=reference or f"{channel[0].upper()}-{new_code()}{new_code()}",
                unit=unit,
                respondent_type=rtype,
                channel=channel,
                token=token,
                entered_by=user,
            )
    except IntegrityError:
        # The same token (OneToOne) or ballot id stored meanwhile by a concurrent request.
        if token is not None:
            raise _refused_ballot() from None
        raise ServiceError(
            _("Phiếu %(ballot)s đã được lưu trước đây.") % {"ballot": reference}
        ) from None
    Answer.objects.bulk_create(
        Answer(ballot=ballot, question_id=qid, option=option) for qid, option in chosen.items()
    )
    if token is not None:
        InvitationToken.objects.filter(pk=token.pk).update(used_at=timezone.now())
    return ballot


def stored_answers(ballot: Ballot) -> dict[str, str]:
    """A ballot's answers as {question code: option code, "" for no answer}."""
    return {
        code: option or ""
        for code, option in ballot.answers.values_list("question__code", "option__code")
    }


def _typed(form: _Form, rtype: RespondentType, answers: Mapping[str, str]) -> dict[str, str]:
    """Typed answers checked like a ballot's and written the stored way (option codes as stored,
    "" for no answer); ServiceError naming every bad one."""
    problems = []
    result = {}
    for question in form.answers_for(rtype):
        found, option, problem = form.check(
            rtype, question.code, answers.get(question.code, "").strip()
        )
        if problem is not None or found is None:
            problems.append(
                _("Câu %(code)s: %(problem)s.") % {"code": question.code, "problem": problem}
            )
            continue
        result[question.code] = option.code if option else ""
    if problems:
        raise ServiceError(problems)
    return result


@transaction.atomic
def verify_paper_ballot(
    questionnaire: Questionnaire,
    unit: Unit,
    rtype: RespondentType,
    reference: str,
    answers: Mapping[str, str],
    *,
    user: Account,
) -> EntryMismatch | None:
    """The second entry of a paper ballot, by another clerk: the same answers verify the ballot;
    different ones are recorded for a third look (returned). The first entry stays as it is."""
    ensure_not_published(questionnaire.year)
    ballot = (
        Ballot.objects.select_for_update()
        .filter(questionnaire=questionnaire, reference=reference, channel=Channel.PAPER)
        .first()
    )
    if ballot is None or ballot.unit_id != unit.pk or ballot.respondent_type_id != rtype.pk:
        raise ServiceError(
            _("Chưa có phiếu giấy %(ballot)s của đơn vị và đối tượng này để đối chiếu.")
            % {"ballot": reference}
        )
    if ballot.entered_by_id == user.pk:
        raise ServiceError(_("Lần nhập thứ hai phải do người khác nhập."))
    if ballot.verified_by_id is not None:
        raise ServiceError(_("Phiếu %(ballot)s đã được đối chiếu.") % {"ballot": reference})
    typed = _typed(_Form.load(questionnaire), rtype, answers)
    if typed == stored_answers(ballot):
        Ballot.objects.filter(pk=ballot.pk).update(verified_by=user)
        return None
    return EntryMismatch.objects.create(ballot=ballot, entered_by=user, answers=typed)


@transaction.atomic
def settle_mismatch(mismatch: EntryMismatch, answers: Mapping[str, str], *, user: Account) -> None:
    """The third look: the answers read on the paper replace the stored ones; settled."""
    mismatch = (
        EntryMismatch.objects.select_for_update()
        .select_related("ballot__questionnaire__year", "ballot__respondent_type")
        .get(pk=mismatch.pk)
    )
    ballot = mismatch.ballot
    ensure_not_published(ballot.questionnaire.year)
    if mismatch.settled_at is not None:
        raise ServiceError(_("Phiếu %(ballot)s đã được xử lý.") % {"ballot": ballot.reference})
    form = _Form.load(ballot.questionnaire)
    typed = _typed(form, ballot.respondent_type, answers)
    ballot.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(
            ballot=ballot,
            question=form.questions[code],
            option=form.options[form.questions[code].pk].get(option.casefold()) if option else None,
        )
        for code, option in typed.items()
    )
    Ballot.objects.filter(pk=ballot.pk).update(verified_by=user)
    EntryMismatch.objects.filter(pk=mismatch.pk).update(settled_by=user, settled_at=timezone.now())


@transaction.atomic
def issue_tokens(
    questionnaire: Questionnaire, unit: Unit, rtype: RespondentType, count: int
) -> list[InvitationToken]:
    """`count` new invitation tokens (one ballot each) for a unit and respondent type."""
    ensure_not_published(questionnaire.year)
    if not 1 <= count <= 2_000:
        raise ServiceError(_("Số mã mời mỗi lần từ 1 đến 2.000."))
    if unit.group_id != questionnaire.group_id or not unit.exists_in(questionnaire.year.year):
        raise ServiceError(
            _("Đơn vị %(unit)s không thuộc khối của phiếu khảo sát.") % {"unit": unit.code}
        )
    return InvitationToken.objects.bulk_create(
        InvitationToken(questionnaire=questionnaire, unit=unit, respondent_type=rtype)
        for _i in range(count)
    )


# --------------------------------------------------------------------------- survey points


@dataclass(frozen=True)
class ApplySummary:
    written: int
    without_answers: list[tuple[str, str]]  # (unit code, item code) left alone


@transaction.atomic
def apply_points(
    year: AssessmentYear, group: UnitGroup, *, user: Account | None = None
) -> ApplySummary:
    """Write the survey points computed from the ballots through the one save path
    (`scoring.services.survey.save_survey`, history source "khảo sát"); items without a valid
    answer are left alone and listed. Refused once the year is published."""
    year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    ensure_not_published(year)
    try:
        rows = selectors.computed_points(year, group)
    except UnweightedType as exc:
        raise ServiceError(unweighted_message(exc)) from None
    values: dict[str, dict[str, Decimal | None]] = {}
    missing = []
    for row in rows:
        if row.points is None:
            missing.append((row.unit.code, row.item.code))
        else:
            values.setdefault(row.unit.code, {})[row.item.code] = row.points
    written = (
        save_survey(year, values, user=user, allowed_units=None, source=SOURCE) if values else 0
    )
    return ApplySummary(written, missing)
