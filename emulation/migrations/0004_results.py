"""Results: the computed scoring and ranks per submission, and the refresh state on the campaign."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("campaign", "results_computed_at", DateTimeField(null=True)),
        migrator.add_column("campaign", "results_requested_at", DateTimeField(null=True)),
    )

    class Campaign(Model):
        class Meta:
            database = db
            table_name = "campaign"

    class Submission(Model):
        class Meta:
            database = db
            table_name = "submission"

    class Cluster(Model):
        class Meta:
            database = db
            table_name = "cluster"

    class Result(Model):
        campaign = ForeignKeyField(Campaign, on_delete="CASCADE")
        submission = ForeignKeyField(Submission, unique=True, on_delete="CASCADE")
        target = CharField(max_length=20, constraints=[Check("target IN ('collective', 'individual')")])
        cluster = ForeignKeyField(Cluster, null=True, on_delete="SET NULL")
        S = BigIntegerField(null=True, column_name="s")
        P = BigIntegerField(null=True, column_name="p")
        L = BigIntegerField(null=True, column_name="l")
        F = BigIntegerField(null=True, column_name="f")
        peer_count = IntegerField(default=0)
        leader_count = IntegerField(default=0)
        pending = BooleanField(default=False)
        pending_reasons = CharField(max_length=40, default="")
        flags = CharField(max_length=60, default="")
        disqualified = BooleanField(default=False)
        band = CharField(max_length=60, default="")
        rank_overall = IntegerField(null=True)
        rank_cluster = IntegerField(null=True)
        proposal = TextField(default="")
        computed_at = DateTimeField()

        class Meta:
            database = db
            table_name = "result"
            indexes = ((("campaign", "target", "rank_overall"), False),)

    db.create_tables([Result])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "result"')
    migrator.migrate(*[migrator.drop_column("campaign", c) for c in ("results_computed_at", "results_requested_at")])
