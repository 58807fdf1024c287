"""Run the build's jobs: in this process, or in worker processes (`--jobs N`), reporting each job's state.

Requires only the standard library (concurrent.futures); writers import
their engines inside the worker that runs them. Guarantees: each task
(which carries its book's context and staging area, so the jobs of
several books run together) runs exactly once, stages its files itself (bcbook.jobs.Staging, so no
output travels between processes or waits in memory) and comes back as
{final path: sha256} with the seconds it took; `report(state, task, seconds)` is called in this process,
in order, with "running" and "done" for each task (the caller reports
"skipped" and "queued"); a task starts only when the tasks named in its `after` (those whose
by-products it reads, such as the US Letter page map) have finished; the first error stops the build and is raised
unchanged, after the other workers stop; each job runs in a process of its own (forked from a server
that has loaded the writers' libraries), so no job's memory adds to another's; with one worker nothing is
started in another process, so a writer's own progress (the speech
counter) still shows. With a `scheduler` address the tasks go to that
Dask cluster (dask.distributed, imported only then) as futures; its
workers must see the project at the same path, since they read its
lexicons, and the outputs either in a shared folder at the same path or
in a store named by URL (bcbook.store), where they stage their files.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import multiprocessing.forkserver
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .halves import cpus


@dataclass(frozen=True)
class Task:
    job: object  # bcbook.jobs.Job
    book: object
    date_time: tuple
    context: object  # bcbook.context.Context: the book's project and output folder
    staging: object  # bcbook.jobs.Staging of that output folder
    label: str = ""  # "<book folder>/" when several books build together
    after: tuple[str, ...] = ()  # names of tasks in the same run whose by-products it reads (build.READS_FROM)

    @property
    def name(self) -> str:  # "<lang>/<format>", after the label
        return f"{self.label}{self.job.name}"

    def quiet(self) -> "Task":
        """The task as sent to another process: callbacks stay in this one."""
        return replace(self, context=replace(self.context, progress=None, notice=_notice))

    @property
    def format(self) -> str:
        return self.job.format


def default_workers() -> int:
    """The CPUs this process may use."""
    return cpus()


def _run(task: Task, *_after) -> tuple[dict[Path, str], float]:
    """Render one job and stage its files (bcbook.jobs.Staging); {final path: sha256}, seconds. `_after`:
    the results of the tasks it runs after (on a cluster, Dask holds it back until they are done)."""
    from .build import WRITERS
    from .lang import use_project
    from . import diskcache
    context = task.context
    use_project(context.project.source)  # a worker process knows the project's own language rows too
    diskcache.use(context.out_dir / "cache",  # font subsets and page maps kept between jobs and builds
                  context.store.under("cache/derived") if context.store else None)
    start = time.perf_counter()
    with task.staging.scratch() as scratch:  # large outputs come back as files in it, moved in by store
        files = WRITERS[task.format](task.book, task.date_time, replace(context, scratch=scratch), task.job.part)
        hashes = task.staging.store(task.job, {context.out_dir / task.book.lang / name: data
                                               for name, data in files.items()})
    return hashes, time.perf_counter() - start


# what the writers import, loaded once in the fork server, so a job's fresh process starts with them; not
# SciPy (1.3 s of the server's 2.6 s, measured), which only the audio jobs that master a chapter import, so
# that the first jobs of an edit (its PDFs) start that much sooner
_PRELOAD = ["bcbook.build", "numpy", "soundfile", "lameenc", "lxml.etree", "pikepdf", "weasyprint"]


def _fresh_processes():
    """Worker processes forked from a server that has loaded _PRELOAD: each job gets a process of its own
    (max_tasks_per_child=1), so one job's memory never adds to the next one's (measured: the zh-Hans and ar
    audio jobs in one process peaked at 654 MB, each alone at about 500 MB), at the cost of a fork."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


def warm_up(workers: int, scheduler: str | None) -> None:
    """Start the fork server now, when jobs will run here in worker processes: it loads the writers'
    libraries (about 1 s) while this process gathers and plans, instead of after. For a build likely to
    run jobs (a first build, --force, a file of the book or of bcbook newer than the last build): should
    nothing run after all, the server ends by itself once it has loaded them."""
    if workers > 1 and not scheduler:
        _fresh_processes()
        multiprocessing.forkserver.ensure_running()


def _notice(text: str) -> None:
    import sys
    print(f"note: {text}", file=sys.stderr, flush=True)


def ready(waiting: list[Task], done: set[str]) -> Task | None:
    """The first waiting task (they come longest first) whose `after` tasks have all finished."""
    return next((task for task in waiting if all(name in done for name in task.after)), None)


def _stuck(waiting: list[Task]) -> RuntimeError:
    return RuntimeError("tasks wait for each other: " + ", ".join(task.name for task in waiting))


def in_dependency_order(tasks: list[Task]) -> list[Task]:
    """The tasks as `ready` would start them one at a time: each after the tasks it reads from."""
    waiting, ordered = list(tasks), []
    while waiting:
        task = ready(waiting, {t.name for t in ordered})
        if task is None:
            raise _stuck(waiting)
        waiting.remove(task)
        ordered.append(task)
    return ordered


def run(tasks: list[Task], workers: int, report: Callable,
        scheduler: str | None = None) -> dict[str, dict[Path, str]]:
    """{task name: {final path: sha256} of its staged files}, every task run, each after the tasks named in its
    `after`, in `workers` processes (1: here), or on the Dask cluster whose scheduler address is given."""
    results: dict[str, dict[Path, str]] = {}
    if scheduler and tasks:
        return _run_on_cluster(tasks, scheduler, report)
    if workers <= 1 or len(tasks) <= 1:
        for task in in_dependency_order(tasks):
            report("running", task, 0.0)
            results[task.name], seconds = _run(task)
            report("done", task, seconds)
        return results
    pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=_fresh_processes(), max_tasks_per_child=1)
    with pool:
        running: dict[concurrent.futures.Future, Task] = {}
        try:
            _run_in_pool(pool, workers, list(tasks), running, results, report)
        except BaseException:
            for future in running:
                future.cancel()
            raise
    return results


def _run_in_pool(pool, workers: int, waiting: list[Task], running: dict, results: dict, report: Callable) -> None:
    """Keep `workers` tasks running, each started when the tasks it reads from are done, until none is left."""
    while waiting or running:
        while len(running) < workers and (task := ready(waiting, set(results))):
            waiting.remove(task)
            report("running", task, 0.0)
            running[pool.submit(_run, task.quiet())] = task
        if not running:
            raise _stuck(waiting)
        finished, _ = concurrent.futures.wait(running, return_when=concurrent.futures.FIRST_COMPLETED)
        for future in finished:
            task = running.pop(future)
            results[task.name], seconds = future.result()
            report("done", task, seconds)


def _run_on_cluster(tasks: list[Task], scheduler: str, report: Callable) -> dict[str, dict[Path, str]]:
    """The same tasks as Dask futures: each worker renders and stages its job in the shared output folder."""
    from distributed import Client, as_completed
    results: dict[str, dict[Path, str]] = {}
    with Client(scheduler) as client:
        submitted: dict[str, object] = {}
        for task in in_dependency_order(tasks):  # a task's `after` futures are its arguments, so Dask holds it
            submitted[task.name] = client.submit(_run, task.quiet(), *(submitted[name] for name in task.after),
                                                 key=f"bcbook-{task.name}-{task.job.key}", pure=False)
        futures = {submitted[task.name]: task for task in tasks}
        for task in tasks:
            report("running", task, 0.0)
        for future in as_completed(futures):
            task = futures[future]
            results[task.name], seconds = future.result()
            report("done", task, seconds)
    return results
