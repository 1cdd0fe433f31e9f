"""Each review's totals, kept on write by ``services.review_totals``, backfilled from its scores.

``total``: Σ of the review's values, penalty criteria subtracted (scaled by 1000, as
``score.value``); ``valued``: how many values it holds; ``disqualifying``: whether it gives a
``disqualifying`` criterion a value > 0.

The columns are added by plain ``ALTER TABLE … ADD COLUMN … NOT NULL DEFAULT``: peewee's
SQLite migrator would make them NOT NULL by rebuilding ``review``, and dropping the old
table, with foreign keys on, would cascade to the scores.
"""
from peewee import *


def up(migrator, db):
    types = db._field_types
    for name, kind, default in (("total", types["BIGINT"], "0"), ("valued", types["INT"], "0"),
                                ("disqualifying", types["BOOL"], "FALSE")):
        db.execute_sql(f'ALTER TABLE "review" ADD COLUMN "{name}" {kind} NOT NULL DEFAULT {default}')
    backfill(db)


def backfill(db):
    """Every review's totals from its scores (as ``services.review_totals.recompute`` keeps them)."""
    scores = 'FROM "score" s JOIN "criterion" c ON c."id" = s."criterion_id" WHERE s."review_id" = "review"."id"'
    db.execute_sql(
        'UPDATE "review" SET '
        f'"total" = COALESCE((SELECT SUM(CASE WHEN c."kind" = \'penalty\' THEN -s."value" ELSE s."value" END) '
        f'{scores}), 0), '
        f'"valued" = (SELECT COUNT(s."value") {scores}), '
        f'"disqualifying" = EXISTS (SELECT 1 {scores} AND c."disqualifying" AND s."value" > 0)')


def down(migrator, db):
    for name in ("total", "valued", "disqualifying"):
        db.execute_sql(f'ALTER TABLE "review" DROP COLUMN "{name}"')
