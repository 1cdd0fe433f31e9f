"""Cheaper bulk writes of scores and results: a score check SQLite evaluates cheaply, no redundant indexes.

- ``score.evidence_verdict``'s check is written ``= '' OR = 'accepted' OR …`` instead of
  ``IN ('', 'accepted', 'insufficient', 'missing')``. The two accept the same values, but
  SQLite builds a list of three or more constants as a small temporary index each time a
  statement runs, and ``executemany`` runs the INSERT once per row: importing 1.5 M scores
  spent ≈ 7 s building that index 1.5 M times (≈ 5 µs a row; measured in
  ``docs/benchmarks.md``). SQLite cannot change a check in place, so ``score`` is rebuilt
  (no table refers to it). PostgreSQL tests an IN list per row cheaply: there it stays.
- ``score_review_id`` and ``result_campaign_id`` are dropped: each is the first column of a
  wider index (``score (review_id, criterion_id)`` unique, ``result (campaign_id, target,
  rank_overall)``) that serves the same lookups and the cascades, and each row written paid
  for both.
"""
from peewee import SqliteDatabase

VERDICTS = ("", "accepted", "insufficient", "missing")


def up(migrator, db):
    if isinstance(db, SqliteDatabase):
        rebuild_score(db, " OR ".join(f"evidence_verdict = '{v}'" for v in VERDICTS))
    else:
        db.execute_sql('DROP INDEX IF EXISTS "score_review_id"')
    db.execute_sql('DROP INDEX IF EXISTS "result_campaign_id"')


def rebuild_score(db, verdict_check):
    """``score`` anew with ``verdict_check``, its rows (ids kept) and its indexes but ``score_review_id``."""
    columns = '"id", "review_id", "criterion_id", "value", "comment", "evidence_verdict"'
    db.execute_sql(
        'CREATE TABLE "score__rebuilt" ("id" INTEGER NOT NULL PRIMARY KEY, "review_id" INTEGER NOT NULL, '
        '"criterion_id" INTEGER NOT NULL, "value" INTEGER CHECK (value IS NULL OR value >= 0), '
        f'"comment" TEXT NOT NULL, "evidence_verdict" VARCHAR(12) NOT NULL CHECK ({verdict_check}), '
        'FOREIGN KEY ("review_id") REFERENCES "review" ("id") ON DELETE CASCADE, '
        'FOREIGN KEY ("criterion_id") REFERENCES "criterion" ("id") ON DELETE RESTRICT)')
    db.execute_sql(f'INSERT INTO "score__rebuilt" ({columns}) SELECT {columns} FROM "score" ORDER BY "id"')
    db.execute_sql('DROP TABLE "score"')
    db.execute_sql('ALTER TABLE "score__rebuilt" RENAME TO "score"')
    db.execute_sql('CREATE INDEX "score_criterion_id" ON "score" ("criterion_id")')
    db.execute_sql('CREATE UNIQUE INDEX "score_review_id_criterion_id" ON "score" ("review_id", "criterion_id")')


def down(migrator, db):
    if isinstance(db, SqliteDatabase):
        rebuild_score(db, "evidence_verdict IN ({})".format(", ".join(f"'{v}'" for v in VERDICTS)))
    db.execute_sql('CREATE INDEX IF NOT EXISTS "score_review_id" ON "score" ("review_id")')
    db.execute_sql('CREATE INDEX IF NOT EXISTS "result_campaign_id" ON "result" ("campaign_id")')
