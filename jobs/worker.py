"""Run what waits in the queue, in this process, through django-q2's own worker code.

The cluster (`manage.py qcluster`, README) runs three kinds of process: a pusher takes task rows
from the ORM broker, workers run them (`django_q.worker.worker`), a monitor saves the outcome and
acknowledges the row (`django_q.monitor.monitor`). `run_queued` does the same in one process:
it dequeues the committed rows exactly as the pusher does, then hands them to the same `worker`
and `monitor` functions. Tests use it (a task's row must be committed first, as in production;
unlike django-q2's `sync` mode, which runs a task inside the caller's transaction), and so does
`manage.py run_jobs` for a machine without a resident worker.
"""

from __future__ import annotations

from contextlib import nullcontext
from multiprocessing import Queue, Value
from typing import Any
from unittest import mock

from django.db import connection
from django_q import monitor as django_q_monitor
from django_q import scheduler as django_q_scheduler
from django_q import worker as django_q_worker
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.monitor import monitor
from django_q.scheduler import scheduler
from django_q.signing import SignedPackage
from django_q.worker import worker


def run_queued(*, rounds: int = 20, schedules: bool = False) -> int:
    """Run the waiting tasks (and those they queue) until none is left or `rounds` passes are
    done; with `schedules`, first turn due schedules into tasks, as the cluster's scheduler
    does. Returns the number of tasks run."""
    broker = get_broker()
    if schedules:
        with _keep_connection(django_q_scheduler):
            scheduler(broker=broker)
    count = 0
    for _round in range(rounds):
        if not broker.queue_size():  # (dequeue sleeps a poll interval on an empty queue)
            break
        tasks: list[tuple[Any, Any]] = broker.dequeue() or []
        if not tasks:
            break
        task_queue: Queue = Queue()
        result_queue: Queue = Queue()
        for ack_id, payload in tasks:
            task = SignedPackage.loads(payload)
            task["cluster"] = Conf.CLUSTER_NAME
            task["ack_id"] = ack_id
            task_queue.put(task)
            count += 1
        task_queue.put("STOP")
        with _keep_connection(django_q_worker):
            worker(task_queue, result_queue, Value("f", -1))
        result_queue.put("STOP")
        with _keep_connection(django_q_monitor):
            monitor(result_queue, broker)
        for queue in (task_queue, result_queue):
            queue.close()
            queue.join_thread()
    return count


def _keep_connection(module: Any) -> Any:
    """The worker and the scheduler close stale connections first; inside a test's transaction
    (Django's TestCase) that would end the test's transaction, so it is kept open there."""
    if connection.in_atomic_block:
        return mock.patch.object(module, "close_old_django_connections", lambda: None)
    return nullcontext()
