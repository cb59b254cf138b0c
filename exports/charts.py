"""Charts for print: the pages' Vega-Lite specs drawn as vector SVG by vl-convert, offline, in the pack's font.

vl-convert holds Python's lock while it draws (about a sixth of a second a chart, mostly measuring label text), so
drawing in a thread stalls everything else the export does. The charts are drawn in worker processes instead
(exports.chart_worker: plain subprocesses, so no host program's main module is re-run), started once and kept, as a
server keeps them; each chart is sent as soon as the pack's content names it, and is drawn on the second core while
the rest of the pack is read and laid out. If a worker cannot start or stops, the chart is drawn here, as before,
and the reason logged.
"""

from __future__ import annotations

import atexit
import base64
import json
import logging
import os
import queue
import subprocess
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

FONT = "DejaVu Sans"
# Applied on top of each spec: the pack's font everywhere (embedded in the PDF), no interactive-only padding.
PRINT_CONFIG = {"font": FONT, "background": "white"}
KEEP = 256  # drawn charts kept: a pack exported twice (PDF, then HTML) draws each chart once
WORKERS = max(1, min(2, os.cpu_count() or 1))
CHART_SECONDS = 120  # a chart the worker has not drawn by then is drawn here, and that worker replaced
ROOT = Path(__file__).resolve().parent.parent

log = logging.getLogger(__name__)
_lock = threading.Lock()
_workers: list[_Worker] = []
_drawn: OrderedDict[str, Future] = OrderedDict()


def draw(spec_json: str) -> str:
    """One chart, drawn in this process: the SVG, pruned for typesetting. ``allowed_base_urls=[]``: a spec can never
    make vl-convert fetch anything."""
    import vl_convert as vlc

    return simplify(vlc.vegalite_to_svg(json.loads(spec_json), config=PRINT_CONFIG, allowed_base_urls=[]))


class WorkerStopped(RuntimeError):
    """The chart worker exited (killed, out of memory) before answering."""


class _Worker:
    """One ``python -m exports.chart_worker`` process: a JSON line in per chart, a JSON line back, in any order."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen([sys.executable, "-m", "exports.chart_worker"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, encoding="utf-8", env=env, cwd=ROOT)
        self.pending: dict[int, Future] = {}
        self.next_id = 0
        self.write_lock = threading.Lock()
        self.alive = True
        # Requests go out through a queue and a writer thread: a worker reads its next chart only once it has drawn
        # the last, so writing straight into its pipe would stall the export as soon as the pipe filled.
        self.outbox: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        threading.Thread(target=self._read, name="chart-worker-reader", daemon=True).start()
        threading.Thread(target=self._write, name="chart-worker-writer", daemon=True).start()

    def submit(self, key: str) -> Future:
        future: Future = Future()
        with self.write_lock:
            if not self.alive:
                raise WorkerStopped("the chart worker has stopped")
            self.next_id += 1
            self.pending[self.next_id] = future
            self.outbox.put(json.dumps({"id": self.next_id, "spec": key}) + "\n")
        return future

    def _write(self) -> None:
        while (request := self.outbox.get()) is not None:
            try:
                self.process.stdin.write(request)
                self.process.stdin.flush()
            except (OSError, ValueError):  # the worker has gone: the reader fails what is pending
                self.process.kill()
                return
        try:
            self.process.stdin.close()  # the worker exits at the end of its input
        except OSError:
            pass

    def _read(self) -> None:
        for line in self.process.stdout:
            try:
                answer = json.loads(line)
            except ValueError:
                log.warning("The chart worker wrote something that is not an answer: %r", line[:200])
                continue
            with self.write_lock:
                future = self.pending.pop(answer["id"], None)
            if future is None:
                continue
            if "svg" in answer:
                future.set_result(answer["svg"])
            else:
                future.set_exception(RuntimeError(answer.get("error", "the chart could not be drawn")))
        with self.write_lock:
            self.alive = False
            stranded, self.pending = self.pending, {}
        for future in stranded.values():
            future.set_exception(WorkerStopped(f"the chart worker exited ({self.process.wait()})"))

    def stop(self) -> None:
        with self.write_lock:
            self.alive = False
        self.outbox.put(None)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _worker() -> _Worker | None:
    """The live worker with the least waiting (started here when there are fewer than WORKERS), or None."""
    global _workers
    _workers = [w for w in _workers if w.alive]
    if len(_workers) < WORKERS:
        try:
            _workers.append(_Worker())
        except OSError as error:
            log.warning("Charts are drawn in the export's own process: no chart worker could start (%s).", error)
    return min(_workers, key=lambda w: len(w.pending), default=None)


@atexit.register
def _stop_all() -> None:
    for worker in _workers:
        worker.stop()


def start(specs: Iterable[dict]) -> None:
    """Begin drawing ``specs`` in the workers, without waiting; ``svg`` later collects each one."""
    with _lock:
        for spec in specs:
            key = _key(spec)
            if key in _drawn:
                _drawn.move_to_end(key)
                continue
            worker = _worker()
            try:
                _drawn[key] = worker.submit(key) if worker is not None else _here(key)
            except WorkerStopped:
                _drawn[key] = _here(key)
            while len(_drawn) > KEEP:
                _drawn.popitem(last=False)


def svg(spec: dict) -> str:
    """The chart as an SVG document: from a worker when ``start`` sent it there, else drawn now."""
    key = _key(spec)
    start([spec])
    with _lock:
        future = _drawn[key] if key in _drawn else _here(key)
    try:
        return future.result(timeout=CHART_SECONDS)
    except (WorkerStopped, FutureTimeout) as error:  # that worker is replaced; this chart is drawn here
        log.warning("A chart worker did not answer (%s); the chart is drawn in the export's own process.",
                    error or "no answer in time")
        with _lock:
            for worker in [w for w in _workers if future in w.pending.values()]:
                worker.stop()
            _drawn[key] = future = _here(key)
        return future.result()


def _here(key: str) -> Future:
    done: Future = Future()
    try:
        done.set_result(draw(key))
    except Exception as error:  # kept in the future; ``svg`` raises it to the export, as drawing would
        done.set_exception(error)
    return done


def warm() -> None:
    """Start every worker and its JavaScript engine now, so the first pack does not wait for them."""
    with _lock:
        while len([w for w in _workers if w.alive]) < WORKERS:
            before = len(_workers)
            _worker()
            if len(_workers) == before:
                break
        waiting = [w.submit(_key({"mark": "point", "title": f"warm {i}"})) for i, w in enumerate(_workers) if w.alive]
    for future in waiting:
        future.result(timeout=CHART_SECONDS)


def worker_pids() -> list[int]:
    """The chart workers' process ids (the benchmark counts their CPU time and memory with the export's own)."""
    return [w.process.pid for w in _workers if w.alive]


def forget() -> None:
    """Drop every drawn chart (the benchmark measures a pack drawn from nothing)."""
    with _lock:
        _drawn.clear()


def _key(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True, default=str)


SVG_NS, XLINK_NS = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
QUIET = frozenset({"class", "role", "aria-roledescription", "aria-label", "aria-hidden", "pointer-events"})
EMPTY_PATHS = frozenset({"", "M0,0h0v0h0Z"})  # Vega's zero-sized axis backgrounds and unused foregrounds


def simplify(svg_text: str) -> str:
    """The same drawing with less for WeasyPrint to walk (it draws an SVG node by node, in Python, and a chart from
    Vega is half empty groups): elements not displayed and zero-sized paths are dropped, groups that carry nothing
    but names for interactive use are dissolved into their parent, and those names (class, role, aria-*, pointer
    events: the PDF names each chart by its alt text) are left out. Nothing drawn changes."""
    from xml.etree import ElementTree as ET

    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(svg_text)

    def clean(element) -> None:
        kept = []
        for child in list(element):
            tag = child.tag.rsplit("}", 1)[-1]
            if child.get("display") == "none" or (tag == "path" and child.get("d", "").strip() in EMPTY_PATHS):
                continue
            clean(child)
            if tag == "g" and not set(child.attrib) - QUIET and not (child.text or "").strip():
                kept.extend(child)
            else:
                kept.append(child)
        element[:] = kept
        for name in QUIET & set(element.attrib):
            del element.attrib[name]

    clean(root)
    return ET.tostring(root, encoding="unicode")


def data_uri(spec: dict) -> str:
    """The SVG as a data: URI, so the HTML pack is one file and WeasyPrint reads the image without fetching."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(spec).encode()).decode("ascii")
