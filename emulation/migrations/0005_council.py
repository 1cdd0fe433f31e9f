"""Council changes, publication window and objections, frozen decision lists."""
from peewee import *


def up(migrator, db):
    def table(name):
        class Meta:
            database = db
            table_name = name
        return type(name.title(), (Model,), {"Meta": Meta})

    Campaign, Submission, User, AwardRule, Decision = (
        table(n) for n in ("campaign", "submission", "user", "award_rule", "decision"))

    migrator.migrate(
        migrator.add_column("campaign", "publication_days", IntegerField(default=10)),
        migrator.add_column("campaign", "publication_closes", DateTimeField(null=True)),
        migrator.add_column("decision", "basis", TextField(default="")),
        migrator.add_column("decision", "supersedes_id",
                            ForeignKeyField(Decision, null=True, on_delete="RESTRICT", field=Decision.id)),
        migrator.add_column("decision", "created_by_id",
                            ForeignKeyField(User, null=True, on_delete="RESTRICT", field=User.id)),
        migrator.add_column("decision", "created_at", DateTimeField(null=True)),
    )

    class CouncilChange(Model):
        campaign = ForeignKeyField(Campaign, on_delete="CASCADE")
        submission = ForeignKeyField(Submission, on_delete="CASCADE")
        rule = ForeignKeyField(AwardRule, on_delete="CASCADE")
        action = CharField(max_length=8, constraints=[Check("action IN ('add', 'remove')")])
        reason = TextField()
        made_by = ForeignKeyField(User, on_delete="RESTRICT")
        made_at = DateTimeField()

        class Meta:
            database = db
            table_name = "council_change"
            indexes = ((("campaign", "submission", "rule"), False),)

    class Objection(Model):
        campaign = ForeignKeyField(Campaign, on_delete="CASCADE")
        submission = ForeignKeyField(Submission, on_delete="CASCADE")
        lodged_by = ForeignKeyField(User, on_delete="RESTRICT")
        lodged_at = DateTimeField()
        reason = TextField()
        evidence_sha256 = CharField(max_length=64, default="")
        evidence_name = CharField(max_length=255, default="")
        evidence_type = CharField(max_length=100, default="")
        evidence_size = IntegerField(default=0)
        answer = TextField(default="")
        answered_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        answered_at = DateTimeField(null=True)
        version = IntegerField(default=1)

        class Meta:
            database = db
            table_name = "objection"

    class DecisionAward(Model):
        decision = ForeignKeyField(Decision, on_delete="CASCADE")
        position = IntegerField()
        rule = ForeignKeyField(AwardRule, on_delete="RESTRICT")
        submission = ForeignKeyField(Submission, on_delete="RESTRICT")
        title = CharField(max_length=300)
        target = CharField(max_length=20)
        recipient_name = CharField(max_length=300)
        recipient_detail = TextField(default="")
        unit_name = CharField(max_length=300)
        cluster_code = CharField(max_length=40, default="")
        F = BigIntegerField(null=True, column_name="f")
        rank_overall = IntegerField(null=True)
        band = CharField(max_length=60, default="")
        source = CharField(max_length=8, constraints=[Check("source IN ('rule', 'council')")])
        reason = TextField(default="")

        class Meta:
            database = db
            table_name = "decision_award"
            indexes = ((("decision", "submission", "rule"), True), (("decision", "position"), True))

    db.create_tables([CouncilChange, Objection, DecisionAward])


def down(migrator, db):
    for name in ("decision_award", "objection", "council_change"):
        db.execute_sql(f'DROP TABLE IF EXISTS "{name}"')
    migrator.migrate(*[migrator.drop_column("decision", c)
                       for c in ("basis", "supersedes_id", "created_by_id", "created_at")],
                     *[migrator.drop_column("campaign", c) for c in ("publication_days", "publication_closes")])
