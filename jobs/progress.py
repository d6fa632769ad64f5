"""Long jobs: started from a page, run by the worker, followed by a progress bar.

`start` stores the upload (if any) under jobs/<token>/ in the default storage, writes the `Job`
row and the queue's task row in one transaction, and returns the job; the page then polls
`/viec-nen/<token>/` (htmx) until it is done. The worker runs the named function with a
`Runner`: the function reports its progress through `runner.track(items)` and returns its
outcome, a `Result` (a message, and a file kept for the owner), or raises `JobError` with the
Vietnamese message that the page shows (rows named by the importer).

Progress is written to the "progress" cache (Redis when REDIS_URL is set, else files on this
machine) rather than to the `Job` row: an import runs in one transaction (all or nothing), and
rows written inside it are invisible to the page until it ends. The row holds the state.

The upload and the result are deleted after JOB_FILE_HOURS (24 by default) by a scheduled task
(`delete_expired`, each hour); the page offers the file to its owner alone until then.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from jobs.models import Job, JobState

logger = logging.getLogger(__name__)
T = TypeVar("T")
RUN = "jobs.progress.run"


class JobError(Exception):
    """What the owner reads when the job fails (Vietnamese, the rows named)."""

    def __init__(self, messages: str | Sequence[str]) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("\n".join(self.messages))


@dataclass
class Result:
    """A job's outcome: its message, a file kept for the owner, data for the page that
    continues the work (`data`, kept in the job's params as "result") and that page's address
    (`next_url`, offered on the job's page)."""

    message: str
    content: bytes | None = None
    filename: str = ""
    data: dict[str, Any] | None = None
    next_url: str = ""


def _folder(job: Job) -> str:
    return f"jobs/{job.token}/"


def _progress_key(job: Job) -> str:
    return f"job-progress:{job.token}"


def start(
    owner: Any,
    kind: str,
    title: str,
    function: str,
    params: dict[str, Any],
    upload: UploadedFile | None = None,
) -> Job:
    """Queue `function` (a dotted path taking a Runner) for `owner`; the upload is stored."""
    with transaction.atomic():
        job = Job.objects.create(
            owner=owner,
            kind=kind,
            title=title,
            params={**params, "function": function},
            expires_at=timezone.now() + timedelta(hours=int(settings.JOB_FILE_HOURS)),
        )
        if upload is not None:
            name = default_storage.save(_folder(job) + "upload", upload)
            job.upload_name = name
            job.params["upload_filename"] = upload.name or ""
            job.save(update_fields=["upload_name", "params"])
        async_task(RUN, job.pk, task_name=f"job {job.pk}", group="job")
    return job


class Runner:
    """What a job's function receives: its parameters, its upload, and the progress bar."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.params = job.params
        self._last = 0.0

    def upload(self) -> bytes:
        with default_storage.open(self.job.upload_name, "rb") as handle:
            data: bytes = handle.read()
        return data

    def set_progress(self, done: int, total: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last >= 0.3:
            self._last = now
            caches["progress"].set(_progress_key(self.job), (done, total), 3600)

    def track(self, items: Iterable[T], total: int | None = None) -> Iterator[T]:
        """Yield the items, moving the progress bar as each is done."""
        if total is None:
            items = list(items)
            total = len(items)
        self.set_progress(0, total, force=True)
        for done, item in enumerate(items, start=1):
            yield item
            self.set_progress(done, total, force=done == total)

    def wrap(self) -> Callable[[Iterable[T]], Iterable[T]]:
        """The `progress=` argument of the importers and exports (as tqdm is for a command)."""
        return lambda items: self.track(items)


def progress(job: Job) -> tuple[int, int]:
    """(done, total) of a running job, as the worker last reported it."""
    if job.finished:
        return (
            (job.total or 1, job.total or 1)
            if job.state == JobState.DONE
            else (job.done, job.total)
        )
    value = caches["progress"].get(_progress_key(job))
    return (int(value[0]), int(value[1])) if value else (0, 0)


def run(pk: int) -> str:
    """The worker's task: run the job's function once, record its outcome."""
    claimed = Job.objects.filter(pk=pk, state=JobState.WAITING).update(state=JobState.RUNNING)
    if not claimed:
        return "skipped"  # done already (a task offered again after a worker died)
    job = Job.objects.get(pk=pk)
    runner = Runner(job)
    function: Callable[[Runner], Result] = import_string(job.params["function"])
    try:
        outcome = function(runner)
    except JobError as exc:
        _finish(job, runner, error="\n".join(exc.messages))
        return "refused"
    except Exception as exc:
        logger.exception("Việc nền %s lỗi", job.pk)
        _finish(job, runner, error=_("Có lỗi ngoài dự kiến; quản trị viên đã được ghi nhận."))
        raise exc
    _finish(job, runner, outcome=outcome)
    return "done"


def _finish(job: Job, runner: Runner, *, outcome: Result | None = None, error: str = "") -> None:
    value = caches["progress"].get(_progress_key(job)) or (0, 0)
    job.done, job.total = value
    job.finished_at = timezone.now()
    job.expires_at = job.finished_at + timedelta(hours=int(settings.JOB_FILE_HOURS))
    if outcome is not None:
        job.state = JobState.DONE
        job.message = outcome.message
        if outcome.data is not None:
            job.params["result"] = outcome.data
        if outcome.next_url:
            job.params["next"] = outcome.next_url
        if outcome.content is not None:
            job.result_name = default_storage.save(
                _folder(job) + "result", ContentFile(outcome.content)
            )
            job.result_filename = outcome.filename
    else:
        job.state = JobState.FAILED
        job.error = error
    job.save()
    caches["progress"].delete(_progress_key(job))


def delete_expired() -> str:
    """Delete the uploads and results kept past their day (a scheduled task, each hour)."""
    count = 0
    for job in Job.objects.filter(expires_at__lt=timezone.now()):
        for name in (job.upload_name, job.result_name):
            if name and default_storage.exists(name):
                default_storage.delete(name)
        job.delete()
        count += 1
    return f"deleted {count}"
