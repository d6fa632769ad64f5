"""Tests run queued work through django-q2's own worker and monitor (jobs.worker.run_queued)."""

from contextlib import contextmanager

from jobs.worker import run_queued


def run_jobs(*, schedules: bool = False) -> int:
    """Run every task waiting in the queue (and those they queue), as a worker would."""
    return run_queued(schedules=schedules)


@contextmanager
def then_run_jobs():
    """Run the queue once the block is done (its change committed, in production terms)."""
    yield
    run_jobs()
