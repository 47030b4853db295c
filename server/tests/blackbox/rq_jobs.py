"""Job functions for test_job_queue.py. RQ's worker imports a job's function by its dotted name
(`rq_jobs.add`), so they live in a module of their own, importable from this folder."""

from rq import get_current_job
from rq.registry import StartedJobRegistry


class DeliberateFailure(Exception):
    """What fail() raises: test_job_queue.py keeps the worker from logging these as errors."""


def add(a, b):
    return a + b


def fail(message):
    raise DeliberateFailure(message)


def record(key, value):
    """Appends value to the list at key (through the worker's own connection), so a test can see
    the order in which jobs ran."""
    get_current_job().connection.rpush(key, value)
    return value


def started_count(queue_name):
    """The number of jobs in the queue's StartedJobRegistry while this job runs (itself included)."""
    job = get_current_job()
    return StartedJobRegistry(queue_name, connection=job.connection).count
