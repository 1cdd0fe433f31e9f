"""Certificate batches, their chunk files, and the per-authority golden book."""
from peewee import *


def up(migrator, db):
    def table(name):
        class Meta:
            database = db
            table_name = name
        return type(name.title(), (Model,), {"Meta": Meta})

    User, Decision = (table(n) for n in ("user", "decision"))

    class CertificateBatch(Model):
        decision = ForeignKeyField(Decision, on_delete="RESTRICT")
        mode = CharField(max_length=8, constraints=[Check("mode IN ('full', 'blank')")])
        state = CharField(max_length=8, default="queued",
                          constraints=[Check("state IN ('queued', 'running', 'done', 'failed')")])
        total = IntegerField(default=0)
        rendered = IntegerField(default=0)
        error = TextField(default="")
        requested_by = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        requested_at = DateTimeField()
        started_at = DateTimeField(null=True)
        finished_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "certificate_batch"
            indexes = ((("decision", "mode"), True),)

    class CertificateChunk(Model):
        batch = ForeignKeyField(CertificateBatch, on_delete="CASCADE")
        seq = IntegerField()
        first = IntegerField()
        last = IntegerField()
        file = CharField(max_length=120, default="")
        sha256 = CharField(max_length=64, default="")
        size = IntegerField(default=0)
        claimed_by = CharField(max_length=80, default="")
        claimed_until = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "certificate_chunk"
            indexes = ((("batch", "seq"), True),)

    class GoldenBook(Model):
        authority = CharField(max_length=200, unique=True)
        last_number = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "golden_book"

    db.create_tables([CertificateBatch, CertificateChunk, GoldenBook])


def down(migrator, db):
    for name in ("certificate_chunk", "certificate_batch", "golden_book"):
        db.execute_sql(f'DROP TABLE IF EXISTS "{name}"')
