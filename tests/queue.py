"""Tests run queued work through django-q2's own worker and monitor (jobs.worker.run_queued)."""

import importlib
from contextlib import contextmanager

from django.apps import apps

from jobs.worker import run_queued


def ensure_schedules() -> None:
    """The schedules of jobs/migrations/0002_schedules.py, due now: a test database flushed by
    a transactional test (the browser tests) has lost the migration's rows."""
    importlib.import_module("jobs.migrations.0002_schedules").create(apps, None)


def run_jobs(*, schedules: bool = False) -> int:
    """Run every task waiting in the queue (and those they queue), as a worker would; with
    `schedules`, the due schedules first (as the cluster's scheduler, a minute later)."""
    if schedules:
        ensure_schedules()
    return run_queued(schedules=schedules)


@contextmanager
def then_run_jobs():
    """Run the queue once the block is done (its change committed, in production terms)."""
    yield
    run_jobs()


def clear_queue() -> None:
    """Forget every queued task and outbox mail: for fixtures whose data outlives a test (a
    module's demo province), whose notifications would otherwise wait for the next test's
    worker."""
    from django_q.models import OrmQ, Task

    from jobs.models import Mail

    OrmQ.objects.all().delete()
    Task.objects.all().delete()
    Mail.objects.all().delete()
