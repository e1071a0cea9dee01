"""Work on many files on every core, where a file that kills its process costs only that file.

:func:`run` calls ``function(item)`` for each item in worker processes and yields a :class:`Done` per item, in the
order of the items. A worker that dies (python-calamine aborts the whole process on some damaged workbooks, and a
Rust panic arrives as a ``BaseException``), runs out of its memory limit or takes longer than the time limit is
replaced, and its item comes back as :attr:`Done.died`, a Swedish reason: the run goes on. An exception raised by
``function`` comes back as :attr:`Done.error`.

Each worker handles one item at a time, so the item in a worker that died is known exactly. At most a few items
more than there are workers are sent ahead of the first one not yet yielded, so memory stays flat however many
items there are. Data travels through pipes between the processes, never through files; workers ignore Ctrl-C,
which the parent handles (it stops them all), and end by themselves when the parent is killed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

A = TypeVar("A")
R = TypeVar("R")

#: a worker may hold this much memory (address space) before an allocation fails; the largest workbook samrehab
#: accepts needs a few hundred MB while it is read
MEMORY_LIMIT = 1024 * 1024 * 1024
#: how often (seconds) an idle worker checks that its parent is still there: a pipe's end held by a sibling forked
#: later keeps it open, so a killed parent is not always an end of file
_ORPHAN_CHECK = 0.5


@dataclass(frozen=True)
class Done(Generic[A, R]):
    """What became of one item: its ``value``, the ``error`` ``function`` raised, or why its worker ``died``."""

    item: A
    value: R | None = None
    error: BaseException | None = None
    died: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.died is None


def workers_for(count: int) -> int:
    """How many workers ``count`` items are worth: one per core, never more than the items, none for one item."""
    if count <= 1:
        return 0
    return max(1, min(count, os.cpu_count() or 1))


def run(function: Callable[[A], R], items: Iterable[A], *, workers: int, timeout: float | None = None,
        memory_limit: int | None = MEMORY_LIMIT, prepare: Callable[[A], A] | None = None,
        nesting: bool = False) -> Iterator[Done[A, R]]:
    """``function(item)`` for every item, in worker processes (``workers`` of them; 0 runs them here, one after
    another, with no protection against a dying process). ``function`` must be importable by name: a worker may be
    a fresh interpreter (Windows). ``prepare`` turns an item into what is sent, at the moment it is sent, so that it
    can use what earlier items taught (the :class:`Done` carries the item as prepared). Workers are daemonic (ended
    at exit whatever happened) unless ``nesting``: Python lets no daemonic process start one of its own, and a worker
    that runs a pool (a merge under the fuzz suite) must.
    """
    todo = list(items)
    ready = prepare or (lambda item: item)
    if workers <= 0:
        for item in map(ready, todo):
            try:
                yield Done(item, value=function(item))
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # a Rust panic from a reader is a BaseException
                yield Done(item, error=exc)
        return
    yield from _Pool(function, todo, workers, timeout, memory_limit, ready, not nesting).results()


class _Worker:
    __slots__ = ("process", "conn", "task", "started")

    def __init__(self, process: Any, conn: Connection) -> None:
        self.process, self.conn = process, conn
        self.task: int | None = None  # the index of the item it is working on
        self.started = 0.0


class _Pool(Generic[A, R]):
    def __init__(self, function: Callable[[A], R], items: Sequence[A], size: int, timeout: float | None,
                 memory_limit: int | None, prepare: Callable[[A], A], daemon: bool) -> None:
        self.function, self.items, self.size = function, list(items), min(size, len(items))
        self.daemon = daemon
        self.prepare = prepare
        self.timeout, self.memory_limit = timeout, memory_limit
        self.context: Any = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        self.workers: list[_Worker] = []
        self.done: dict[int, Done[A, R]] = {}
        self.sent = 0  # items 0 … sent-1 have been given to a worker
        self.window = 2 * self.size  # how far ahead of the first item not yet yielded work may be sent

    def results(self) -> Iterator[Done[A, R]]:
        following = 0
        try:
            while following < len(self.items):
                if following in self.done:
                    yield self.done.pop(following)
                    following += 1
                    continue
                self._dispatch(following)
                self._collect()
        finally:
            self._stop()

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(child, self.function, self.memory_limit, os.getpid()),
                                       daemon=self.daemon)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self.workers.append(worker)
        return worker

    def _dispatch(self, following: int) -> None:
        while self.sent < len(self.items) and self.sent < following + self.window:
            idle = next((w for w in self.workers if w.task is None), None)
            if idle is None:
                if len(self.workers) >= self.size:
                    return
                idle = self._start()
            self.items[self.sent] = self.prepare(self.items[self.sent])
            try:
                idle.conn.send((self.sent, self.items[self.sent]))
            except (BrokenPipeError, ConnectionResetError, EOFError):  # it died while idle: replace it, send again
                self._retire(idle)
                continue
            idle.task, idle.started = self.sent, time.monotonic()
            self.sent += 1

    def _collect(self) -> None:
        busy = [w for w in self.workers if w.task is not None]
        if not busy:
            return
        waits = [self.timeout - (time.monotonic() - w.started) for w in busy] if self.timeout else []
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                     timeout=max(0.0, min(waits)) if waits else None)
        for worker in busy:
            if worker.conn in ready:
                try:
                    index, outcome, payload = worker.conn.recv()
                except (EOFError, OSError):  # it died while answering
                    self._lost(worker, _death(worker.process))
                    continue
                item = self.items[index]
                self.done[index] = Done(item, value=payload) if outcome == "value" else Done(item, error=payload)
                worker.task = None
            elif worker.process.sentinel in ready:
                self._lost(worker, _death(worker.process))
            elif self.timeout and time.monotonic() - worker.started >= self.timeout:
                self._lost(worker, f"tog längre tid än {self.timeout:g} sekunder")

    def _lost(self, worker: _Worker, reason: str) -> None:
        if worker.task is not None:
            self.done[worker.task] = Done(self.items[worker.task], died=reason)
            worker.task = None
        self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        with contextlib.suppress(OSError, ValueError):
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        self.workers.remove(worker)

    def _stop(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
        deadline = time.monotonic() + 2
        for worker in list(self.workers):
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(5)
            worker.conn.close()
        self.workers.clear()


def _death(process: Any) -> str:
    """Why a worker ended, in Swedish, from its exit code."""
    process.join(5)
    code = process.exitcode
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return f"läsningen avbröts av signalen {signal.Signals(-code).name}"
    return f"läsningen avbröts (slutkod {code})"


def _serve(conn: Connection, function: Callable[[Any], Any], memory_limit: int | None, parent: int) -> None:
    """A worker: take (index, item) from the pipe, send back (index, "value" or "error", payload), until None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _quiet()
    if memory_limit is not None:
        _limit_memory(memory_limit)
    _end_with_parent()
    while True:
        try:
            while not conn.poll(_ORPHAN_CHECK):
                if os.getppid() != parent:  # the parent was killed (SIGKILL gives it no time to stop us): go too
                    return
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, item = task
        try:
            answer: tuple[int, str, Any] = (index, "value", function(item))
        except BaseException as exc:  # every failure of one item is that item's: a Rust panic is a BaseException
            answer = (index, "error", exc)
        try:
            conn.send(answer)
        except Exception as exc:  # the answer could not be pickled: say so rather than die
            conn.send((index, "error", RuntimeError(f"{type(exc).__name__}: {exc}")))


def _end_with_parent() -> None:
    """On Linux the kernel ends the worker when its parent dies, also in the middle of an item or of sending a large
    answer (``PR_SET_PDEATHSIG``); elsewhere an idle worker notices it within :data:`_ORPHAN_CHECK`."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG


def _quiet() -> None:
    """What a dying reader writes (a Rust backtrace, a fault handler's dump) would land on the user's screen: a
    worker's standard error goes nowhere, and its failures come back through the pipe instead."""
    import faulthandler

    faulthandler.disable()
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        # new stream objects: a lock the parent's threads (a progress bar) held at the fork is not inherited
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115  # open for the worker's whole life


def _limit_memory(limit: int) -> None:
    """Let the worker grow by ``limit`` bytes of address space beyond what it inherited from the parent (which may
    hold a large register when it forks): an allocation past that fails, as a MemoryError or an abort of the reader,
    and costs only the item."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        with open("/proc/self/statm") as statm:
            inherited = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = inherited + limit
        resource.setrlimit(resource.RLIMIT_AS, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))
