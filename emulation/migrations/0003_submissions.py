"""Submissions: evidence quotas, nomination quota and results publication on the
campaign; return notes (why the secretary returned a submission, per criterion)."""
import datetime

from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("campaign", "max_file_mb",
                            IntegerField(default=10, constraints=[Check("max_file_mb > 0")])),
        migrator.add_column("campaign", "unit_quota_mb",
                            IntegerField(default=200, constraints=[Check("unit_quota_mb > 0")])),
        migrator.add_column("campaign", "nomination_quota",
                            IntegerField(default=3, constraints=[Check("nomination_quota >= 0")])),
        migrator.add_column("campaign", "results_published_at", DateTimeField(null=True)),
    )

    class Submission(Model):
        class Meta:
            database = db
            table_name = "submission"

    class Criterion(Model):
        class Meta:
            database = db
            table_name = "criterion"

    class User(Model):
        class Meta:
            database = db
            table_name = "user"

    class ReturnNote(Model):
        submission = ForeignKeyField(Submission, on_delete="CASCADE")
        criterion = ForeignKeyField(Criterion, null=True, on_delete="RESTRICT")
        reason = TextField()
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        created_by = ForeignKeyField(User, on_delete="RESTRICT")
        resolved_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "return_note"

    db.create_tables([ReturnNote])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "return_note"')
    migrator.migrate(*[migrator.drop_column("campaign", c) for c in
                       ("max_file_mb", "unit_quota_mb", "nomination_quota", "results_published_at")])
