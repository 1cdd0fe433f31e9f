"""Per-address hit counters that throttle the public certificate verification page."""
from peewee import *


def up(migrator, db):
    class RateWindow(Model):
        bucket = CharField(max_length=20)
        key = CharField(max_length=64)
        window_start = DateTimeField(index=True)
        hits = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "rate_window"
            indexes = ((("bucket", "key", "window_start"), True),)

    db.create_tables([RateWindow])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "rate_window"')
