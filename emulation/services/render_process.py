"""The render process: certificates are rendered in a child process with limits.

Rules:
- Each worker thread has one child process (``python -m emulation.services.render_child``,
  a fresh interpreter, never a fork of a threaded worker), which keeps its renderers — one
  FontConfiguration and the parsed CSS per design × mode — across chunks. Jobs and answers
  travel as length-prefixed pickles over its stdin and stdout.
- The child's address space is capped at ``CERTIFICATE_MEMORY_MB`` (RLIMIT_AS) and it dies
  with its parent (PR_SET_PDEATHSIG on Linux); a chunk taking longer than
  ``CERTIFICATE_TIME_LIMIT_SECONDS`` has its process killed. Either way the caller gets a
  :class:`RenderFailure` with a Vietnamese reason, and the next chunk starts a new process.
- A killed child is always waited for (no zombie left behind).
"""
from __future__ import annotations

import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

from ..config import PROJECT_ROOT
from ..domain.certificate_text import CertificateText
from . import issuing

HEADER = struct.Struct(">Q")


class RenderFailure(Exception):
    """A chunk could not be rendered; the message says why, in Vietnamese."""


def _read_exactly(fd: int, size: int, deadline: float) -> bytes:
    """``size`` bytes from ``fd`` before ``deadline`` (TimeoutError), or EOFError if it closes."""
    chunks, left = [], size
    while left:
        wait = deadline - time.monotonic()
        if wait <= 0 or not select.select([fd], [], [], wait)[0]:
            raise TimeoutError
        data = os.read(fd, min(left, 1 << 20))
        if not data:
            raise EOFError
        chunks.append(data)
        left -= len(data)
    return b"".join(chunks)


class RenderProcess:
    """One child process rendering chunks, under the module's limits."""

    def __init__(self, memory_mb: int, time_limit: float) -> None:
        self.memory_mb, self.time_limit = memory_mb, time_limit
        self.child: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")]))
        return subprocess.Popen([sys.executable, "-m", "emulation.services.render_child", str(self.memory_mb)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=PROJECT_ROOT)

    def pdf(self, design: str, mode: str, texts: Sequence[CertificateText]) -> bytes:
        """One PDF of ``texts`` (one page each) in ``design`` and ``mode``."""
        if self.child is None or self.child.poll() is not None:
            self.close()
            self.child = self._start()
        job = pickle.dumps((design, mode, list(texts)), protocol=pickle.HIGHEST_PROTOCOL)
        deadline = time.monotonic() + self.time_limit
        try:
            self.child.stdin.write(HEADER.pack(len(job)) + job)
            self.child.stdin.flush()
            fd = self.child.stdout.fileno()
            size = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline))[0]
            status, payload = pickle.loads(_read_exactly(fd, size, deadline))
        except TimeoutError:
            self.close()
            raise RenderFailure(f"Quá thời gian kết xuất cho phép ({self.time_limit:g} giây cho một phần "
                                f"{len(texts)} bằng).") from None
        except (EOFError, BrokenPipeError, OSError):
            self.close()
            raise RenderFailure(f"Tiến trình kết xuất vượt giới hạn bộ nhớ ({self.memory_mb} MB) hoặc bị dừng.") \
                from None
        if status == "memory":
            self.close()
            raise RenderFailure(f"Tiến trình kết xuất vượt giới hạn bộ nhớ ({self.memory_mb} MB).")
        if status != "ok":                   # the renderer's own refusal (e.g. a page overflow)
            raise RenderFailure(f"Không kết xuất được: {payload}")
        return payload

    def __del__(self) -> None:
        """A render process dropped without ``close`` (its thread ended, e.g. a web request that
        ran a task in immediate mode) still ends and reaps its child."""
        try:
            self.close()
        except Exception:       # noqa: BLE001 – at interpreter exit the modules may be gone
            pass

    def close(self) -> None:
        """Kill the child (if any), wait for it, and forget it."""
        child, self.child = self.child, None
        if child is None:
            return
        child.kill()
        child.wait(timeout=10)
        for stream in (child.stdin, child.stdout):
            try:
                stream.close()
            except OSError:
                pass


_local = threading.local()


def render_process() -> RenderProcess:
    """This thread's render process (settings from ``issuing.SETTINGS``)."""
    process = getattr(_local, "process", None)
    settings = issuing.SETTINGS
    if process is None or (process.memory_mb, process.time_limit) != (settings.memory_mb,
                                                                     settings.time_limit_seconds):
        if process is not None:
            process.close()
        process = _local.process = RenderProcess(settings.memory_mb, settings.time_limit_seconds)
    return process


def close_render_process() -> None:
    """End this thread's render process, if it has one (a worker thread shutting down)."""
    process = getattr(_local, "process", None)
    if process is not None:
        process.close()
        _local.process = None
