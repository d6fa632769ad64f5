"""Long work with a progress bar: the administrators' page starts a job, the worker runs it,
the page follows it (htmx), then shows the outcome and the file, or the error with its row."""

import io
import zipfile
from datetime import timedelta
from decimal import Decimal as D
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job, JobState
from jobs.progress import Runner, delete_expired
from scoring.models import Score, YearState
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import (
    PASSWORD,
    csv_file,
    db_snapshot,
    make_sheet,
    make_unit,
    make_user,
    make_year,
)
from tests.queue import run_jobs
from tests.scoring.services.test_survey import (
    HEADER as SURVEY_HEADER,
)
from tests.scoring.services.test_survey import (
    IMPORT_URL,
    URL,
    SurveyTestCase,
    csv_upload,
)
from units.models import Role

HTMX = {"HX-Request": "true"}  # the request htmx makes for the progress part
HEADER = ["unit_code", "item_code", "self_points", "points", "not_applicable", "note"]
GOOD = [HEADER, ["SNV", "1.1.1", 10, 9.5, "", "Ban hành"], ["STP", "1.2", 7.25, 6, "", ""]]


@pytest.fixture
def province(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    year = make_year(2023, state=YearState.APPRAISAL)
    snv, stp = make_unit("SNV", "Sở Nội vụ"), make_unit("STP", "Sở Tư pháp")
    apply_score_changes(
        make_sheet(snv, year), [ScoreChange("1.1.1", self_points=D("9"))], source="test"
    )
    make_sheet(stp, year)
    return year


def signed_in(username: str, **fields) -> Client:
    from django.contrib.auth import get_user_model

    if username == "admin":
        get_user_model().objects.create_superuser("admin", "admin@example.vn", PASSWORD)
    elif not get_user_model().objects.filter(username=username).exists():
        make_user(username, **fields)
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def upload(client: Client, path: str):
    with open(path, "rb") as handle:
        return client.post(
            reverse("background_work"), {"import-year": "2023", "import-file": handle}
        )


def test_only_administrators_have_the_page(province):
    staff = signed_in("staff", role=Role.APPRAISER, unit=make_unit("SXD", "Sở Xây dựng"))

    assert staff.get(reverse("background_work")).status_code == 403
    assert signed_in("admin").get(reverse("background_work")).status_code == 200


def test_a_score_file_is_imported_by_the_worker_and_the_page_follows_it(province, tmp_path):
    admin = signed_in("admin")

    response = upload(admin, csv_file(tmp_path, GOOD))

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job", args=[job.token])
    waiting = admin.get(reverse("job", args=[job.token])).content.decode()
    assert "Đang chờ" in waiting
    assert f'hx-get="{reverse("job_progress", args=[job.token])}"' in waiting
    assert 'hx-trigger="every 1s"' in waiting
    assert Score.objects.filter(item__code="1.2").count() == 0  # nothing inside the request

    moves = []
    original = Runner.set_progress

    def record(self, done, total, *, force=False):
        moves.append((done, total))
        return original(self, done, total, force=True)

    with mock.patch.object(Runner, "set_progress", record):
        assert run_jobs() == 1

    assert moves[0] == (0, 2) and moves[-1] == (2, 2)  # one step per unit saved
    done = admin.get(reverse("job_progress", args=[job.token]), headers=HTMX).content.decode()
    assert "hx-trigger" not in done  # the polling stops
    assert "Đã nhập 2 dòng điểm của 2 đơn vị năm 2023" in done
    assert Score.objects.get(sheet__unit__code="STP", item__code="1.2").points == D("6.00")


def test_the_progress_address_opened_without_htmx_is_the_whole_page(province):
    admin = signed_in("admin")
    admin.post(reverse("background_work"), {"export-year": "2023", "export-what": "results_report"})
    job = Job.objects.get()

    part = admin.get(reverse("job_progress", args=[job.token]), headers=HTMX).content.decode()
    page = admin.get(reverse("job_progress", args=[job.token])).content.decode()

    assert part.lstrip().startswith('<div id="job-progress"') and "<html" not in part
    assert "<html" in page and 'id="job-progress"' in page


def test_a_refused_row_is_named_and_nothing_is_saved(province, tmp_path):
    admin = signed_in("admin")
    bad = [*GOOD, ["STP", "9.9", 1, "", "", ""]]
    before = db_snapshot()

    upload(admin, csv_file(tmp_path, bad))
    run_jobs()

    job = Job.objects.get()
    assert job.state == JobState.FAILED
    assert "Dòng 4" in job.error and "9.9" in job.error
    page = admin.get(reverse("job_progress", args=[job.token]), headers=HTMX).content.decode()
    assert "Không lưu gì" in page and "9.9" in page
    assert db_snapshot() == before


def test_a_wrong_file_is_refused_by_the_form(province, tmp_path):
    admin = signed_in("admin")
    path = tmp_path / "diem.pdf"
    path.write_bytes(b"%PDF-1.4")

    response = upload(admin, str(path))

    assert response.status_code == 400
    assert "Chỉ nhận tệp .csv hoặc .xlsx." in response.content.decode()
    assert not Job.objects.exists()


def test_a_years_exports_are_kept_for_their_owner_for_a_day(province):
    admin = signed_in("admin")
    for what in ("export_sheets_xlsx", "export_reports_docx", "results_report"):
        admin.post(reverse("background_work"), {"export-year": "2023", "export-what": what})
    run_jobs()

    jobs = {job.kind: job for job in Job.objects.all()}
    assert {job.state for job in jobs.values()} == {JobState.DONE}
    sheets = admin.get(reverse("job_file", args=[jobs["export_sheets_xlsx"].token]))
    assert sheets.status_code == 200
    assert b"".join(sheets.streaming_content)[:2] == b"PK"
    reports = admin.get(reverse("job_file", args=[jobs["export_reports_docx"].token]))
    names = zipfile.ZipFile(io.BytesIO(b"".join(reports.streaming_content))).namelist()
    assert names == ["bao-cao-tu-danh-gia-snv-2023.docx", "bao-cao-tu-danh-gia-stp-2023.docx"]

    other = signed_in("admin2", is_superuser=True, is_staff=True)
    assert other.get(reverse("job_file", args=[jobs["results_report"].token])).status_code == 404

    kept = jobs["export_sheets_xlsx"]
    assert kept.expires_at - kept.finished_at == timedelta(hours=24)
    Job.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert admin.get(reverse("job", args=[kept.token])).status_code == 404
    delete_expired()
    assert not Job.objects.exists()
    assert not default_storage.exists(kept.result_name)


# --------------------------------------------------------------------------- survey file


class TestALargeSurveyFile(SurveyTestCase):
    """Above IMPORT_INLINE_MAX_BYTES the survey page's import runs as a job of its uploader."""

    def test_it_is_imported_by_the_worker_with_the_uploaders_rights(self):
        self.client.force_login(self.people["appraiser"])
        upload = csv_upload([SURVEY_HEADER, ["STP", "3.1", "13,11"], ["SXD", "3.2", "14.5"]])

        with self.settings(IMPORT_INLINE_MAX_BYTES=10):
            response = self.client.post(IMPORT_URL, {"file": upload})

        job = Job.objects.get()
        self.assertRedirects(
            response, reverse("job", args=[job.token]), fetch_redirect_response=False
        )
        self.assertIsNone(self.points("STP", "3.1"))  # not inside the request
        run_jobs()
        page = self.client.get(reverse("job", args=[job.token])).content.decode()
        self.assertIn("Đã nhập 2 điểm điều tra xã hội học của 2 đơn vị năm 2023.", page)
        self.assertIn(f'href="{URL}"', page)  # back to the survey page
        self.assertEqual(self.points("STP", "3.1"), D("13.11"))

    def test_its_problems_are_listed_with_their_rows_and_nothing_is_saved(self):
        self.client.force_login(self.people["admin"])
        upload = csv_upload([SURVEY_HEADER, ["STP", "3.1", "13.11"], ["STP", "3.2", "16"]])
        before = db_snapshot()

        with self.settings(IMPORT_INLINE_MAX_BYTES=10):
            self.client.post(IMPORT_URL, {"file": upload})
        run_jobs()

        job = Job.objects.get()
        self.assertEqual(job.state, JobState.FAILED)
        self.assertEqual(job.error, "Dòng 3: điểm 16,00 vượt điểm tối đa 15,00 của tiêu chí 3.2.")
        self.assertEqual(db_snapshot(), before)
        self.assertIsNone(self.points("STP", "3.1"))

    def test_a_small_file_is_still_imported_in_the_request(self):
        self.client.force_login(self.people["admin"])
        upload = csv_upload([SURVEY_HEADER, ["STP", "3.1", "13.11"]])

        self.client.post(IMPORT_URL, {"file": upload})

        self.assertFalse(Job.objects.exists())
        self.assertEqual(self.points("STP", "3.1"), D("13.11"))
