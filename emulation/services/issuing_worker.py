"""Rendering a batch in the background worker: claimed chunks, a limited render process, and
files recorded with their SHA-256.

Rules:
- A worker claims the lowest unrecorded chunk whose claim is free or expired (a
  compare-and-set UPDATE) for ``lease_seconds``, so several workers share a batch.
- It renders the chunk in its render process (``render_process``: one per worker thread,
  reusing one FontConfiguration and the parsed CSS), under a memory and a time limit; a
  chunk over a limit fails the batch with the reason, and the committee may retry.
- The PDF is written under a name unique to the claim (``<seq>-<token>.pdf``), flushed to
  disk, renamed into place, then recorded (file, SHA-256, size) only if the chunk is still
  unrecorded; a worker that lost the race deletes its file. A kill -9 at any instant thus
  leaves each chunk either recorded with a file whose hash matches, or unrecorded (rendered
  again); files of killed claims are swept when the batch finishes.
- When nothing can be claimed but chunks are unrecorded (claimed by a worker that may have
  died), the task comes back when the earliest claim expires.
- The batch is ``done`` when every chunk is recorded; a ``full`` batch also stores on each
  certificate the hash of the file holding its page (``pdf_sha256``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import socket
import threading
from collections.abc import Callable
from pathlib import Path

from ..database import db
from ..models import Certificate, CertificateBatch, CertificateChunk, Decision, utcnow
from . import issuing
from .audit import record
from .render_process import RenderFailure, render_process


def batch_folder(batch: CertificateBatch) -> Path:
    """<CERTIFICATE_DIR>/<decision id>/<mode>: the batch's files, under generated names only."""
    return Path(issuing.SETTINGS.folder) / str(batch.decision_id) / batch.mode


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def run_batch(batch_id: int, worker: str | None = None,
              progress: Callable[[int, int], None] | None = None) -> int:
    """Render what is left of the batch (module rules); returns the chunks this call recorded.

    ``progress(rendered, total)`` is called after each chunk this call records.
    """
    worker = worker or worker_name()
    batch = CertificateBatch.get_or_none(CertificateBatch.id == batch_id)
    if batch is None or batch.state in ("done", "failed"):
        return 0
    if batch.state == "queued":
        issuing.plan(batch)
    decision = Decision.get_by_id(batch.decision_id)
    recorded = 0
    while True:
        batch = CertificateBatch.get_by_id(batch_id)
        if batch.state != "running":
            return recorded
        chunk = _claim(batch, worker)
        if chunk is None:
            break
        texts = issuing.texts(decision, chunk.first, chunk.last)
        try:
            data = render_process().pdf(texts[0].form, batch.mode, texts) if texts else b""
        except RenderFailure as failure:
            _fail(batch, chunk, str(failure))
            return recorded
        if _record(batch, chunk, data):
            recorded += 1
            if progress is not None:
                fresh = CertificateBatch.get_by_id(batch_id)
                progress(fresh.rendered, fresh.total)
    _finish_or_come_back(batch)
    return recorded


def _free(now: dt.datetime):
    return CertificateChunk.claimed_until.is_null() | (CertificateChunk.claimed_until < now)


def _claim(batch: CertificateBatch, worker: str) -> CertificateChunk | None:
    """The lowest free unrecorded chunk, claimed for this worker; None when there is none."""
    while True:
        now = utcnow()
        found = (CertificateChunk.select(CertificateChunk.id)
                 .where(CertificateChunk.batch == batch, CertificateChunk.sha256 == "", _free(now))
                 .order_by(CertificateChunk.seq).limit(1).scalar())
        if found is None:
            return None
        until = now + dt.timedelta(seconds=issuing.SETTINGS.lease_seconds)
        with db.atomic():
            taken = (CertificateChunk.update(claimed_by=worker, claimed_until=until)
                     .where(CertificateChunk.id == found, CertificateChunk.sha256 == "", _free(now)).execute())
        if taken:
            return CertificateChunk.get_by_id(found)


def _write(folder: Path, name: str, data: bytes) -> None:
    """Write ``name`` durably: a temporary file flushed to disk, renamed, the folder synced."""
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f"{name}.part"
    with open(part, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(part, folder / name)
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _record(batch: CertificateBatch, chunk: CertificateChunk, data: bytes) -> bool:
    """Write the chunk's file and record it, unless another worker recorded the chunk first."""
    folder = batch_folder(batch)
    name = f"{chunk.seq:05d}-{secrets.token_hex(8)}.pdf"
    _write(folder, name, data)
    digest = hashlib.sha256(data).hexdigest()
    with db.atomic():
        won = (CertificateChunk.update(file=name, sha256=digest, size=len(data), claimed_by="", claimed_until=None)
               .where(CertificateChunk.id == chunk.id, CertificateChunk.sha256 == "").execute())
        if won:
            CertificateBatch.update(rendered=CertificateBatch.rendered + (chunk.last - chunk.first + 1)).where(
                CertificateBatch.id == batch.id).execute()
            if batch.mode == "full":
                Certificate.update(pdf_sha256=digest).where(
                    Certificate.decision == batch.decision_id,
                    Certificate.number.between(chunk.first, chunk.last)).execute()
    if not won:
        (folder / name).unlink(missing_ok=True)
    return bool(won)


def _fail(batch: CertificateBatch, chunk: CertificateChunk, reason: str) -> None:
    with db.atomic():
        CertificateChunk.update(claimed_by="", claimed_until=None).where(CertificateChunk.id == chunk.id).execute()
        CertificateBatch.update(state="failed", error=reason).where(
            CertificateBatch.id == batch.id, CertificateBatch.state == "running").execute()
        record(None, "certificates.failed", Decision.get_by_id(batch.decision_id),
               new={"batch": batch.id, "chunk": chunk.seq, "reason": reason})


def _finish_or_come_back(batch: CertificateBatch) -> None:
    """Mark the batch done when every chunk is recorded; else come back when a claim expires."""
    left = CertificateChunk.select().where(CertificateChunk.batch == batch, CertificateChunk.sha256 == "")
    if not left.exists():
        with db.atomic():
            done = (CertificateBatch.update(state="done", finished_at=utcnow())
                    .where(CertificateBatch.id == batch.id, CertificateBatch.state == "running").execute())
            if done:
                record(None, "certificates.issued", Decision.get_by_id(batch.decision_id),
                       new={"batch": batch.id, "mode": batch.mode, "certificates": batch.total})
        if done:
            sweep(batch)
        return
    expiry = (CertificateChunk.select(CertificateChunk.claimed_until)
              .where(CertificateChunk.batch == batch, CertificateChunk.sha256 == "",
                     CertificateChunk.claimed_until.is_null(False))
              .order_by(CertificateChunk.claimed_until).limit(1).scalar())
    wait = (expiry - utcnow()).total_seconds() + 1 if expiry else 1
    issuing.queue(batch, delay=max(wait, 1), copies=1)


def sweep(batch: CertificateBatch) -> int:
    """Delete the files of the batch's folder that no recorded chunk names (killed claims)."""
    folder = batch_folder(batch)
    if not folder.is_dir():
        return 0
    kept = {f for (f,) in CertificateChunk.select(CertificateChunk.file)
            .where(CertificateChunk.batch == batch).tuples() if f}
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and path.name not in kept:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
