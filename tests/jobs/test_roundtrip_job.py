"""A large file of the Excel round trip: read and checked by the worker, previewed on the
page, confirmed as usual (nothing saved before)."""

import io
from decimal import Decimal as D

import pytest
from django.urls import reverse

from jobs.models import Job
from tests.factories import db_snapshot
from tests.queue import run_jobs
from tests.scoring.exchange.test_roundtrip import ROW, edit, scores

pytestmark = pytest.mark.django_db


ROUNDTRIP = "/nhap-excel/tu-danh-gia/SNV/2024/"


def post_file(client, data: bytes, name="phieu.xlsx"):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(ROUNDTRIP, {"file": upload})


class TestALargeRoundTripFile:
    """Above IMPORT_INLINE_MAX_BYTES the round trip's file is read by the worker; the job's
    page leads to the preview, which is confirmed as usual."""

    def test_the_preview_is_made_by_the_worker_and_confirmed_on_the_page(
        self, client, settings, sheet, people
    ):
        settings.IMPORT_INLINE_MAX_BYTES = 100
        client.force_login(people["staff_a"])
        data = client.get(ROUNDTRIP + "tep-mau.xlsx").content
        before = db_snapshot()

        response = post_file(client, edit(data, {(ROW["1.2"], 6): 7}))

        job = Job.objects.get()
        assert response["Location"] == reverse("job", args=[job.token])
        run_jobs()
        assert db_snapshot() == before  # read and checked: nothing saved
        page = client.get(reverse("job", args=[job.token])).content.decode()
        assert "Tệp thay đổi 1 ô. Chưa có gì được lưu" in page
        assert f'href="{ROUNDTRIP}?viec={job.token}"' in page

        preview = client.get(f"{ROUNDTRIP}?viec={job.token}")
        assert preview.status_code == 200
        assert "Tệp thay đổi 1 ô" in preview.content.decode()
        nonce = preview.context["nonce"]
        confirmed = client.post(ROUNDTRIP + "xac-nhan/", {"nonce": nonce})
        assert confirmed["Location"] == "/phieu/SNV/2024/"
        assert scores(sheet)["1.2"][0] == D("7")

    def test_a_refused_file_is_named_on_the_jobs_page_and_nobody_elses_preview_opens(
        self, client, settings, sheet, people
    ):
        settings.IMPORT_INLINE_MAX_BYTES = 100
        client.force_login(people["staff_a"])
        data = client.get(ROUNDTRIP + "tep-mau.xlsx").content
        post_file(client, edit(data, {(ROW["1.2"], 6): 12}))
        post_file(client, edit(data, {(ROW["1.2"], 6): 5}))
        run_jobs()

        refused, accepted = Job.objects.order_by("created_at")
        assert refused.error == "Dòng 12, cột Điểm tự đánh giá: 12,00 vượt điểm tối đa 10,00."
        client.force_login(people["leader_a"])  # same unit, another person
        assert client.get(f"{ROUNDTRIP}?viec={accepted.token}").status_code == 404
        assert client.get(f"{ROUNDTRIP}?viec=not-a-token").status_code == 404
