"""A job's page for its owner: the progress bar (polled by htmx), then the outcome and file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from jobs import progress
from jobs.models import Job


def _own_job(request, token) -> Job:
    """The signed-in person's job (by its token), still kept; anyone else's is not found."""
    job = get_object_or_404(Job, token=token, owner=request.user)
    if job.expires_at < timezone.now():
        raise Http404
    return job


def _context(job: Job) -> dict:
    done, total = progress.progress(job)
    # The page the job was started from (a survey import: the survey page), else the list.
    back = job.params.get("back") or reverse("background_work")
    return {"job": job, "done": done, "total": total, "back": back}


@login_required
def job(request, job):
    return render(request, "jobs/job.html", _context(_own_job(request, job)))


@login_required
def job_progress(request, job):
    """The part of the page htmx replaces each second until the job is finished; the whole
    page when the address is opened otherwise (a bookmark, no script)."""
    template = "jobs/_progress.html" if request.headers.get("HX-Request") else "jobs/job.html"
    return render(request, template, _context(_own_job(request, job)))


@login_required
def job_file(request, job):
    found = _own_job(request, job)
    if not found.result_name:
        raise Http404
    return FileResponse(
        default_storage.open(found.result_name, "rb"),
        as_attachment=True,
        filename=found.result_filename or "ket-qua",
    )
