"""The render child (``python -m emulation.services.render_child MEMORY_MB``): see ``render_process``.

Reads length-prefixed pickled jobs (design, mode, texts) from stdin and answers each with a
length-prefixed pickled (status, payload): ("ok", pdf bytes), ("memory", "") or
("error", message). Its address space is capped and it dies with its parent.
"""
from __future__ import annotations

import ctypes
import os
import pickle
import resource
import signal
import struct
import sys

HEADER = struct.Struct(">Q")


def _limit(memory_mb: int) -> None:
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is the worker's to handle


def _read(stream, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data and len(data) == size else None


def main() -> None:
    _limit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    # answers go to the original stdout; anything else printed (Python or C) goes to stderr
    sink = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    from emulation.services.certificate_render import renderer
    source = sys.stdin.buffer
    while (header := _read(source, HEADER.size)) is not None:
        job = _read(source, HEADER.unpack(header)[0])
        if job is None:
            return
        try:
            design, mode, texts = pickle.loads(job)
            answer = ("ok", renderer(design, mode).pdf(texts))
        except MemoryError:
            answer = ("memory", "")
        except Exception as error:          # reported to the worker, which fails the batch with it
            answer = ("error", str(error))
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        sink.write(HEADER.pack(len(data)) + data)
        sink.flush()


if __name__ == "__main__":
    main()
