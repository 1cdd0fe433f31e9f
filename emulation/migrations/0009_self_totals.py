"""Each submission's self-assessment totals, kept on write by ``services.self_totals``, backfilled
from its self-scores.

``self_total``: Σ of the submission's self-score values, penalty criteria subtracted (scaled
by 1000, as ``self_score.value``); ``self_valued``: how many values it holds. Added by plain
``ALTER TABLE … ADD COLUMN … NOT NULL DEFAULT``, as 0008 adds the review totals.
"""
from peewee import *


def up(migrator, db):
    types = db._field_types
    for name, kind in (("self_total", types["BIGINT"]), ("self_valued", types["INT"])):
        db.execute_sql(f'ALTER TABLE "submission" ADD COLUMN "{name}" {kind} NOT NULL DEFAULT 0')
    backfill(db)


def backfill(db):
    """Every submission's self totals from its self-scores (as ``services.self_totals.recompute`` keeps them)."""
    scores = ('FROM "self_score" s JOIN "criterion" c ON c."id" = s."criterion_id" '
              'WHERE s."submission_id" = "submission"."id"')
    db.execute_sql(
        'UPDATE "submission" SET '
        f'"self_total" = COALESCE((SELECT SUM(CASE WHEN c."kind" = \'penalty\' THEN -s."value" ELSE s."value" END) '
        f'{scores}), 0), '
        f'"self_valued" = (SELECT COUNT(s."value") {scores})')


def down(migrator, db):
    for name in ("self_total", "self_valued"):
        db.execute_sql(f'ALTER TABLE "submission" DROP COLUMN "{name}"')
