"""RQ, a real job-queue library, run unchanged against `scalodb serve` (port in $SCALODB_PORT):
jobs are enqueued, a real worker runs them in burst mode (in-process, and the `rq worker` command),
and results, failures, dependencies, scheduled jobs, TTLs and the queue's and registries' counts
are checked through RQ's own API. The job functions are in rq_jobs.py beside this file.

The pinned RQ (see server.mk) needs neither EVAL nor streams. Queue.empty() and Queue.delete()
run a Lua script (in 1.11.1 as in the latest RQ), so this test does not call them."""

import logging
import os
import subprocess
import sys
import time
import unittest
from datetime import datetime, timedelta, timezone

import redis
from rq import Queue, Retry, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import (
    CanceledJobRegistry,
    DeferredJobRegistry,
    FailedJobRegistry,
    FinishedJobRegistry,
    ScheduledJobRegistry,
    StartedJobRegistry,
)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rq_jobs  # noqa: E402

PORT = int(os.environ["SCALODB_PORT"])


def not_deliberate(record):
    """Keeps the worker's log free of the tracebacks of the jobs that fail on purpose."""
    return not (record.exc_info and isinstance(record.exc_info[1], rq_jobs.DeliberateFailure))


logging.getLogger("rq.worker").addFilter(not_deliberate)


def wait_until(moment):
    """Sleeps until the wall clock passes moment (an aware datetime)."""
    delay = (moment - datetime.now(timezone.utc)).total_seconds()
    if delay > 0:
        time.sleep(delay + 0.05)


class JobQueueTest(unittest.TestCase):
    def setUp(self):
        # RQ keeps pickled job data in its hashes: the connection must not decode replies.
        self.r = redis.Redis(host="127.0.0.1", port=PORT)
        self.r.flushdb()
        self.q = Queue("jq", connection=self.r)

    def work(self, queues=None, with_scheduler=False):
        """Runs a real (forking) RQ worker in burst mode; returns it and whether it ran any job."""
        worker = Worker(queues or [self.q], connection=self.r)
        ran = worker.work(burst=True, with_scheduler=with_scheduler, logging_level="WARNING")
        # The work horse (a forked child) counted the jobs in the worker's hash: read them back.
        worker.refresh()
        return worker, ran

    def test_results_are_stored_and_fetched(self):
        job = self.q.enqueue(rq_jobs.add, 2, 3)
        other = self.q.enqueue(rq_jobs.add, a="x", b="y", job_id="named-job", description="kw")
        self.assertEqual(len(self.q), 2)
        self.assertEqual(self.q.job_ids, [job.id, "named-job"])
        self.assertEqual(job.get_status(), JobStatus.QUEUED)
        self.assertEqual(Queue.all(connection=self.r), [self.q])

        worker, ran = self.work()
        self.assertTrue(ran)
        self.assertEqual(worker.successful_job_count, 2)
        self.assertEqual(worker.failed_job_count, 0)
        self.assertEqual(len(self.q), 0)

        self.assertEqual(job.get_status(), JobStatus.FINISHED)
        self.assertEqual(job.result, 5)
        fetched = Job.fetch(job.id, connection=self.r)
        self.assertEqual(fetched.result, 5)
        self.assertEqual(fetched.func_name, "rq_jobs.add")
        self.assertEqual(fetched.args, (2, 3))
        self.assertEqual(fetched.origin, "jq")
        self.assertIsNotNone(fetched.ended_at)
        self.assertEqual(self.q.fetch_job("named-job").result, "xy")
        self.assertEqual(Job.fetch_many([job.id, "named-job", "nosuch"], connection=self.r)[2], None)
        self.assertEqual(other.id, "named-job")
        finished = FinishedJobRegistry(queue=self.q)
        self.assertEqual(finished.count, 2)
        self.assertEqual(sorted(finished.get_job_ids()), sorted([job.id, "named-job"]))
        self.assertEqual(StartedJobRegistry(queue=self.q).count, 0)

        # The worker's own registration: its hash is kept for 60 s after its death, and it has
        # left the set of live workers.
        self.assertEqual(Worker.count(connection=self.r), 0)
        self.assertEqual(Worker.all(connection=self.r), [])
        self.assertTrue(self.r.hexists(worker.key, "death"))
        self.assertTrue(0 < self.r.ttl(worker.key) <= 60)

    def test_started_registry_while_a_job_runs(self):
        job = self.q.enqueue(rq_jobs.started_count, "jq")
        self.work()
        self.assertEqual(job.get_status(), JobStatus.FINISHED)
        self.assertEqual(job.result, 1)
        self.assertEqual(StartedJobRegistry(queue=self.q).count, 0)

    def test_failed_job_lands_in_failed_registry(self):
        job = self.q.enqueue(rq_jobs.fail, "boom", failure_ttl=300)
        good = self.q.enqueue(rq_jobs.add, 1, 1)
        worker, _ = self.work()
        self.assertEqual(worker.failed_job_count, 1)
        self.assertEqual(worker.successful_job_count, 1)

        self.assertEqual(job.get_status(), JobStatus.FAILED)
        self.assertTrue(job.is_failed)
        fetched = Job.fetch(job.id, connection=self.r)
        self.assertIn("DeliberateFailure: boom", fetched.exc_info)
        self.assertIn("Traceback", fetched.exc_info)
        self.assertIsNone(fetched.result)
        self.assertEqual(good.result, 2)
        self.assertTrue(0 < self.r.ttl(job.key) <= 300)

        failed = FailedJobRegistry(queue=self.q)
        self.assertEqual(failed.count, 1)
        self.assertEqual(failed.get_job_ids(), [job.id])
        self.assertIn(job, failed)
        self.assertEqual(FinishedJobRegistry(queue=self.q).count, 1)

        # Requeued from the registry, it fails again and comes back.
        failed.requeue(job.id)
        self.assertEqual(failed.count, 0)
        self.assertEqual(self.q.job_ids, [job.id])
        self.assertEqual(job.get_status(), JobStatus.QUEUED)
        self.work()
        self.assertEqual(failed.get_job_ids(), [job.id])
        self.assertEqual(len(self.q), 0)

    def test_retries_before_failing(self):
        job = self.q.enqueue(rq_jobs.fail, "again", retry=Retry(max=2))
        worker, _ = self.work()
        job.refresh()
        self.assertEqual(worker.failed_job_count, 3)
        self.assertEqual(job.retries_left, 0)
        self.assertEqual(job.get_status(), JobStatus.FAILED)
        self.assertEqual(FailedJobRegistry(queue=self.q).get_job_ids(), [job.id])

    def test_dependencies_run_in_order(self):
        a = self.q.enqueue(rq_jobs.record, "order", "a")
        b = self.q.enqueue(rq_jobs.record, "order", "b", depends_on=a)
        c = self.q.enqueue(rq_jobs.record, "order", "c", depends_on=[b])
        z = self.q.enqueue(rq_jobs.record, "order", "z")
        # b and c wait in the DeferredJobRegistry until what they depend on has finished.
        self.assertEqual(self.q.job_ids, [a.id, z.id])
        self.assertEqual(b.get_status(), JobStatus.DEFERRED)
        self.assertEqual(c.get_status(), JobStatus.DEFERRED)
        deferred = DeferredJobRegistry(queue=self.q)
        self.assertEqual(deferred.count, 2)
        self.assertEqual(sorted(deferred.get_job_ids()), sorted([b.id, c.id]))
        self.assertEqual(b.dependency.id, a.id)
        self.assertEqual(a.dependent_ids, [b.id])

        self.work()
        # a's dependents are pushed behind z, which was queued already.
        self.assertEqual(self.r.lrange("order", 0, -1), [b"a", b"z", b"b", b"c"])
        self.assertEqual(deferred.count, 0)
        self.assertEqual(c.result, "c")

        # A dependent of a failed job never runs.
        bad = self.q.enqueue(rq_jobs.fail, "dependency")
        stuck = self.q.enqueue(rq_jobs.record, "order", "never", depends_on=bad)
        self.work()
        self.assertEqual(stuck.get_status(), JobStatus.DEFERRED)
        self.assertEqual(deferred.get_job_ids(), [stuck.id])
        self.assertEqual(self.r.llen("order"), 4)

    def test_scheduled_jobs(self):
        later = self.q.enqueue_in(timedelta(seconds=2), rq_jobs.record, "sched", "in")
        # RQ scores scheduled jobs by whole seconds: 1.5 s apart, the two always fall in different
        # seconds, so the registry's order (and the order they run in) is theirs, not the ids'.
        at = datetime.now(timezone.utc) + timedelta(seconds=3.5)
        at_job = self.q.enqueue_at(at, rq_jobs.record, "sched", "at")
        self.q.enqueue(rq_jobs.record, "sched", "now")
        scheduled = ScheduledJobRegistry(queue=self.q)
        self.assertEqual(scheduled.count, 2)
        self.assertEqual(scheduled.get_job_ids(), [later.id, at_job.id])
        self.assertEqual(later.get_status(), JobStatus.SCHEDULED)
        self.assertEqual(len(self.q), 1)
        self.assertEqual(scheduled.get_scheduled_time(at_job).timestamp(), int(at.timestamp()))

        # Before they are due, a worker with the scheduler runs only the job already queued.
        self.work(with_scheduler=True)
        self.assertEqual(self.r.lrange("sched", 0, -1), [b"now"])
        self.assertEqual(scheduled.count, 2)
        # The scheduler's lock was taken (SET NX EX) and given back.
        self.assertEqual(self.r.keys("rq:scheduler-lock:*"), [])

        wait_until(at)
        self.work(with_scheduler=True)
        self.assertEqual(self.r.lrange("sched", 0, -1), [b"now", b"in", b"at"])
        self.assertEqual(scheduled.count, 0)
        self.assertEqual(at_job.get_status(), JobStatus.FINISHED)

    def test_ttls_expire(self):
        # A queued job whose ttl passes before a worker gets to it is gone: the worker skips it.
        expired = self.q.enqueue(rq_jobs.record, "ttl", "expired", ttl=1)
        self.assertTrue(0 < self.r.pttl(expired.key) <= 1000)
        # result_ttl: kept 3 s after it ran; 0: not kept at all; -1: kept forever.
        short = self.q.enqueue(rq_jobs.add, 1, 2, result_ttl=3)
        gone = self.q.enqueue(rq_jobs.add, 3, 4, result_ttl=0)
        forever = self.q.enqueue(rq_jobs.add, 5, 6, result_ttl=-1)
        time.sleep(1.2)
        self.assertFalse(self.r.exists(expired.key))
        self.assertEqual(len(self.q), 4)  # ids stay in the queue's list until dequeued

        worker, _ = self.work()
        self.assertEqual(worker.successful_job_count, 3)
        self.assertEqual(self.r.llen("ttl"), 0)
        self.assertEqual(len(self.q), 0)
        self.assertFalse(self.r.exists(gone.key))
        self.assertEqual(self.r.ttl(forever.key), -1)
        self.assertEqual(Job.fetch(forever.id, connection=self.r).result, 11)
        left = self.r.pttl(short.key)
        self.assertTrue(0 < left <= 3000)
        self.assertEqual(Job.fetch(short.id, connection=self.r).result, 3)
        finished = FinishedJobRegistry(queue=self.q)
        self.assertEqual(finished.count, 2)

        time.sleep(left / 1000 + 0.2)
        self.assertFalse(self.r.exists(short.key))
        with self.assertRaises(NoSuchJobError):
            Job.fetch(short.id, connection=self.r)
        # The registry's entry for it expired with it (its score is its expiry time).
        self.assertEqual(finished.get_job_ids(), [forever.id])

    def test_counts_across_queues(self):
        other = Queue("other", connection=self.r)
        jobs = [self.q.enqueue(rq_jobs.add, i, i) for i in range(5)]
        others = [other.enqueue(rq_jobs.add, i, 100) for i in range(2)]
        first = self.q.enqueue(rq_jobs.add, 0, -1, at_front=True)
        self.assertEqual(len(self.q), 6)
        self.assertEqual(self.q.count, 6)
        self.assertEqual(other.count, 2)
        self.assertEqual(self.q.job_ids[0], first.id)
        self.assertEqual(sorted(q.name for q in Queue.all(connection=self.r)), ["jq", "other"])

        jobs[1].cancel()
        self.q.remove(jobs[2])
        self.assertEqual(len(self.q), 4)
        self.assertEqual(CanceledJobRegistry(queue=self.q).get_job_ids(), [jobs[1].id])
        self.assertEqual(jobs[1].get_status(), JobStatus.CANCELED)

        worker, _ = self.work([self.q, other])
        self.assertEqual(worker.successful_job_count, 6)
        self.assertEqual((len(self.q), len(other)), (0, 0))
        self.assertEqual(FinishedJobRegistry(queue=self.q).count, 4)
        self.assertEqual(FinishedJobRegistry(queue=other).count, 2)
        self.assertEqual(FailedJobRegistry(queue=self.q).count, 0)
        self.assertEqual([j.result for j in others], [100, 101])
        self.assertEqual(first.result, -1)
        self.assertIsNone(Job.fetch(jobs[2].id, connection=self.r).result)

    def test_rq_command_line(self):
        """The `rq` command's worker (a process of its own, importing rq_jobs through PYTHONPATH)
        and its `info` report."""
        jobs = [self.q.enqueue(rq_jobs.record, "cli", str(i)) for i in range(3)]
        failing = self.q.enqueue(rq_jobs.fail, "cli")
        due = datetime.now(timezone.utc) + timedelta(seconds=1)
        self.q.enqueue_at(due, rq_jobs.record, "cli", "later")
        rq_cmd = os.path.join(os.path.dirname(sys.executable), "rq")
        url = f"redis://127.0.0.1:{PORT}"
        env = dict(os.environ, PYTHONPATH=HERE)
        info = subprocess.run([rq_cmd, "info", "--url", url, "jq"], env=env, capture_output=True,
                              text=True, timeout=60)
        self.assertEqual(info.returncode, 0, info.stderr)
        self.assertRegex(info.stdout, r"jq\s+\|\S*\s+4")

        wait_until(due)
        run = subprocess.run([rq_cmd, "worker", "--burst", "--with-scheduler", "--url", url, "jq"],
                             env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(run.returncode, 0, run.stdout + run.stderr)
        self.assertEqual(self.r.lrange("cli", 0, -1), [b"0", b"1", b"2", b"later"])
        self.assertEqual([j.get_status() for j in jobs], [JobStatus.FINISHED] * 3)
        self.assertEqual(FailedJobRegistry(queue=self.q).get_job_ids(), [failing.id])
        self.assertEqual(FinishedJobRegistry(queue=self.q).count, 4)
        self.assertEqual(len(self.q), 0)


if __name__ == "__main__":
    unittest.main(verbosity=1)
