"""Parse uploaded files in worker processes with a memory and a time limit, so no file can take the server down.

The cell readers are native code: when a file makes one allocate far too much, the process aborts (there is no
exception to catch), and a runaway parse holds a CPU. So every parse runs in a separate process started with
``subprocess`` (a fresh interpreter: a threaded server is never forked), its address space capped with
RLIMIT_AS and its answer awaited for a bounded time. A worker that aborts, runs out of memory or takes too long
is killed and replaced, and the caller gets a ``ReadError`` sentence instead; the server keeps serving.

Workers stay alive between files (a warm pool), so an ordinary upload pays for a pipe round trip, not for
starting Python. A worker imports only the reading modules (``loaders.read``, ``loaders.extent``), not the
whole ``loaders`` package, and retires after a parse that left it large, giving the memory back.

Settings (environment): DASHBOARD_PARSE_MEMORY_MB (default 1024) per worker, DASHBOARD_PARSE_SECONDS
(default 60) per file, DASHBOARD_PARSE_WORKERS (default 2) parses at once.
"""

from __future__ import annotations

import atexit
import io
import logging
import os
import pickle
import select
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MEMORY_MB = int(os.environ.get("DASHBOARD_PARSE_MEMORY_MB", "1024"))
SECONDS = float(os.environ.get("DASHBOARD_PARSE_SECONDS", "60"))
WORKERS = max(1, int(os.environ.get("DASHBOARD_PARSE_WORKERS", "2")))
RETIRE_RSS_MB = 256  # a worker whose peak memory passed this is replaced after its answer
_HEADER = 8

# The jobs a worker runs, by name: a worker unpickles data, never code references sent by the parent.
JOBS = {"read": ("loaders.read", "parse_here"), "styles": ("loaders.read", "styles_here")}

# Run by `python -c` in the worker: a stand-in `loaders` package, so that importing loaders.read does not
# run loaders/__init__.py (the importer, the database layer: a second of imports the parse never needs).
_BOOT = """
import os, resource, sys, types
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
out = os.fdopen(os.dup(1), "wb", buffering=0)
os.dup2(2, 1)  # a stray print must not corrupt the answers on stdout
package = types.ModuleType("loaders")
package.__path__ = [sys.argv[1]]
sys.modules["loaders"] = package
from loaders.sandbox import serve
serve(sys.stdin.buffer, out)
"""


class Unsafe(Exception):
    """The worker could not finish: it died, ran out of memory or time. ``reason`` is a phrase for the lead."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Answer:
    status: str  # ok, refused (a ReadError's message), failed (an unexpected exception's text), memory
    value: object


def serve(inp, out) -> None:
    """The worker's loop: read a job, run it, write the answer; until the parent closes the pipe."""
    import importlib
    import resource

    from loaders.read import ReadError

    while True:
        header = _read_exactly(inp, _HEADER)
        if header is None:
            return
        payload = _read_exactly(inp, int.from_bytes(header, "big"))
        if payload is None:
            return
        try:
            job, args = pickle.loads(payload)
            module, name = JOBS[job]
            result = ("ok", getattr(importlib.import_module(module), name)(*args))
        except ReadError as exc:
            result = ("refused", str(exc))
        except MemoryError:
            result = ("memory", "")
        except BaseException as exc:
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            result = ("failed", f"{type(exc).__name__}: {text}"[:200] if text else type(exc).__name__)
        try:
            blob = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            result, blob = ("memory", ""), pickle.dumps(("memory", ""))
        del result
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        retire = peak_mb > RETIRE_RSS_MB
        out.write(len(blob).to_bytes(_HEADER, "big") + bytes([retire]) + blob)
        del blob
        if retire:
            return


def _read_exactly(stream, n: int) -> bytes | None:
    chunks = []
    while n:
        chunk = stream.read(n)
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


class _AnswerUnpickler(pickle.Unpickler):
    """Answers are built from untrusted files: only the reader's own types and cell values may come back, so even
    a worker taken over through a flaw in a native reader cannot make the server run code."""

    ALLOWED = {("loaders.read", "Workbook"), ("loaders.read", "Sheet"), ("datetime", "datetime"),
               ("datetime", "date"), ("datetime", "time"), ("datetime", "timedelta"), ("datetime", "timezone")}

    def find_class(self, module: str, name: str):
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"a parse worker answered with {module}.{name}")
        return super().find_class(module, name)


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        self.stderr = tempfile.TemporaryFile()
        loaders_dir = str(Path(__file__).resolve().parent)
        env = {**os.environ, "RUST_BACKTRACE": "0", "PYTHONDONTWRITEBYTECODE": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _BOOT, loaders_dir, str(memory_mb * 1024 * 1024)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, env=env, close_fds=True,
        )

    def call(self, job: str, args: tuple, seconds: float) -> tuple[str, object, bool]:
        request = pickle.dumps((job, args), protocol=pickle.HIGHEST_PROTOCOL)
        deadline = time.monotonic() + seconds
        try:
            self.proc.stdin.write(len(request).to_bytes(_HEADER, "big") + request)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise Unsafe(self._death()) from None
        del request
        fd = self.proc.stdout.fileno()
        head = self._read(fd, _HEADER + 1, deadline)
        size, retire = int.from_bytes(head[:_HEADER], "big"), bool(head[_HEADER])
        status, value = _AnswerUnpickler(io.BytesIO(self._read(fd, size, deadline))).load()
        return status, value, retire

    def _read(self, fd: int, n: int, deadline: float) -> bytes:
        parts: list[bytes] = []
        while n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(fd, min(n, 1 << 20))
            if not chunk:
                raise Unsafe(self._death())
            parts.append(chunk)
            n -= len(chunk)
        return b"".join(parts)

    def _death(self) -> str:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.proc.returncode
        self.stderr.seek(0, os.SEEK_END)
        self.stderr.seek(max(0, self.stderr.tell() - 4000))
        tail = self.stderr.read().decode("utf-8", "replace")
        log.warning("A parse worker stopped (exit code %s): %s", code, tail.strip()[-1000:])
        if "memory allocation" in tail or "MemoryError" in tail or code == -9:
            return "memory"
        return f"exit code {code}"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            log.warning("A parse worker (pid %s) did not stop when killed", self.proc.pid)
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self.stderr.close()


class Pool:
    """A few warm workers; ``run`` gives a job to an idle one (starting one if none is) and waits for it."""

    def __init__(self, *, workers: int | None = None, memory_mb: int | None = None,
                 seconds: float | None = None) -> None:
        self.memory_mb = memory_mb or MEMORY_MB
        self.seconds = seconds or SECONDS
        self.workers = workers or WORKERS
        self._slots = threading.BoundedSemaphore(self.workers)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False

    def run(self, job: str, args: tuple) -> Answer:
        """The job's answer, or ``Unsafe`` when the worker died, ran out of memory or of time (it is replaced)."""
        if not self._slots.acquire(timeout=self.seconds):
            raise Unsafe("busy")
        try:
            worker = self._take()
            try:
                status, value, retire = worker.call(job, args, self.seconds)
            except TimeoutError:
                worker.kill()
                raise Unsafe("time") from None
            except Unsafe:
                worker.kill()
                raise
            except Exception as exc:  # a broken answer: treat the worker as lost
                worker.kill()
                raise Unsafe(f"{type(exc).__name__}") from exc
            if retire or status in ("memory", "failed"):
                worker.kill()
                self._replace_soon()
            else:
                self._give_back(worker)
        finally:
            self._slots.release()
        return Answer(status, value)

    def warm_up(self) -> None:
        """Start one idle worker now, so the first upload does not wait for it."""
        with self._lock:
            if self._closed or self._idle:
                return
            self._idle.append(_Worker(self.memory_mb))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive():
                    return worker
                worker.kill()
        return _Worker(self.memory_mb)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < self.workers:
                self._idle.append(worker)
                return
        worker.kill()

    def _replace_soon(self) -> None:
        threading.Thread(target=self._start_spare, daemon=True, name="parse-worker-spare").start()

    def _start_spare(self) -> None:
        try:
            self.warm_up()
        except OSError as exc:
            log.warning("Could not start a spare parse worker: %s", exc)


_default: Pool | None = None
_default_lock = threading.Lock()


def default_pool() -> Pool:
    """The process's pool, made on first use from the environment's settings."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Pool()
        return _default


def shutdown() -> None:
    """Stop the workers; the next parse starts a new pool (reading the settings again)."""
    global _default, MEMORY_MB, SECONDS, WORKERS
    with _default_lock:
        pool, _default = _default, None
        MEMORY_MB = int(os.environ.get("DASHBOARD_PARSE_MEMORY_MB", "1024"))
        SECONDS = float(os.environ.get("DASHBOARD_PARSE_SECONDS", "60"))
        WORKERS = max(1, int(os.environ.get("DASHBOARD_PARSE_WORKERS", "2")))
    if pool is not None:
        pool.close()


atexit.register(shutdown)
