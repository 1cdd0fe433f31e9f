"""Configuration, database settings, migrations, the exact decimal field and the worker."""
from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from peewee import IntegrityError, SqliteDatabase
from playhouse.schema_diff import diff_models

from emulation.config import ConfigError, build_config
from emulation.database import db, make_database
from emulation.migrations import pending, runner as migration_runner, upgrade
from emulation.models import ALL_MODELS, Assignment, AuditEvent, CampaignUnit, Criterion, Review, Score
from emulation.services import submissions
from tests.helpers import login, post

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# --- configuration -------------------------------------------------------------------
def test_configuration_precedence(tmp_path):
    env = {"EMULATION_LOGIN_MAX_FAILURES": "7", "EMULATION_HUEY_IMMEDIATE": "yes",
           "EMULATION_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": "sqlite:////tmp/from-env.db"}
    config = build_config({"LOGIN_MAX_FAILURES": 9}, environ=env)
    assert config["LOGIN_MAX_FAILURES"] == 9                 # overrides win
    assert config["HUEY_IMMEDIATE"] is True                  # environment, coerced
    assert config["DATABASE_URL"] == "sqlite:////tmp/from-env.db"
    assert build_config(environ=env)["LOGIN_MAX_FAILURES"] == 7
    default = build_config(environ={"EMULATION_INSTANCE_PATH": str(tmp_path)})
    assert default["DATABASE_URL"] == f"sqlite:///{tmp_path / 'emulation.db'}"
    assert default["HUEY_URL"] == str(tmp_path / "huey.db")


@pytest.mark.parametrize("key", ["", "ngan-qua"])
def test_production_refuses_missing_or_short_secret(tmp_path, key):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        build_config({"ENV": "production", "SECRET_KEY": key, "INSTANCE_PATH": str(tmp_path)}, environ={})


def test_development_generates_and_keeps_a_secret(tmp_path):
    first = build_config({"INSTANCE_PATH": str(tmp_path)}, environ={})["SECRET_KEY"]
    again = build_config({"INSTANCE_PATH": str(tmp_path)}, environ={})["SECRET_KEY"]
    assert len(first) >= 32 and first == again
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


# --- database ---------------------------------------------------------------------------
def test_sqlite_settings(app):
    if not isinstance(db.obj, SqliteDatabase):
        pytest.skip("SQLite only")
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert db.obj._lock_type == "IMMEDIATE"


def test_schema_from_migrations_matches_models(app):
    assert not diff_models(db.obj, ALL_MODELS)
    assert pending(db.obj) == []


def test_upgrade_from_an_older_schema(tmp_path):
    database = make_database(f"sqlite:///{tmp_path / 'old.db'}")
    database.connect()
    runner = migration_runner(database)
    assert runner.up(target="0001_initial") == ["0001_initial"]
    later = [m.name for m in runner.migrations() if m.name != "0001_initial"]
    assert later[0] == "0002_audit_append_only"
    assert upgrade(database) == later
    assert upgrade(database) == []
    database.close()


def _indexes(table):
    return {index.name for index in db.obj.get_indexes(table)}


def test_score_rebuild_keeps_every_score_and_the_verdict_check(app, make):
    """Migration 0010 (undone, then done again) keeps every score with its id and drops the indexes
    a wider one covers; the verdict check, rewritten without ``IN``, still refuses an unknown verdict."""
    migration = importlib.import_module("emulation.migrations.0010_score_writes")
    campaign, unit = make.campaign(), make.unit()
    CampaignUnit.create(campaign=campaign, unit=unit)
    submission = submissions.open_collective(campaign, unit)
    _cs, criteria = submissions.criteria_of(submission)
    reviewer = make.user("peer", campaign=campaign)
    review = Review.create(assignment=Assignment.create(submission=submission, reviewer=reviewer, role="peer"))
    rows = list(criteria.values())
    for criterion, verdict in zip(rows, ("", "accepted", "insufficient", "missing")):
        Score.create(review=review, criterion=criterion, value=Decimal("7.5"), comment="<b>x</b>", evidence_verdict=verdict)
    stored = list(Score.select().order_by(Score.id).tuples())
    migration.down(None, db.obj)
    assert {"score_review_id", "result_campaign_id"} <= _indexes("score") | _indexes("result")
    migration.up(None, db.obj)
    assert not {"score_review_id", "result_campaign_id"} & (_indexes("score") | _indexes("result"))
    assert list(Score.select().order_by(Score.id).tuples()) == stored
    assert not diff_models(db.obj, ALL_MODELS)
    with pytest.raises(IntegrityError):
        with db.atomic():
            Score.create(review=review, criterion=rows[4], evidence_verdict="bogus")


def test_db_cli(runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and "phiên bản mới nhất" in result.output
    status = runner.invoke(args=["db", "status"])
    assert status.exit_code == 0 and "[x] 0001_initial" in status.output


def test_audit_log_is_append_only(app, make):
    user = make.user("committee")
    event = AuditEvent.select().where(AuditEvent.object_id == user.id).first()
    with pytest.raises(PermissionError):
        event.save()
    for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"):
            with db.atomic():
                db.execute_sql(statement)
    assert AuditEvent.select().count() >= 1


@pytest.mark.parametrize("value", [Decimal("0"), Decimal("0.5"), Decimal("7.25"), Decimal("10"),
                                   Decimal("0.001"), Decimal("123456.789")])
def test_fixed_decimal_round_trip(app, make, value):
    cs = make.criteria_set()
    c = cs.criteria.first()
    Criterion.update(step=value or Decimal("0.5")).where(Criterion.id == c.id).execute()
    assert Criterion.get_by_id(c.id).step == (value or Decimal("0.5"))


def test_fixed_decimal_refuses_extra_places_and_checks_hold(app, make):
    c = make.criteria_set().criteria.first()
    with pytest.raises(ValueError):
        Criterion.update(step=Decimal("0.0001")).where(Criterion.id == c.id).execute()
    with pytest.raises(IntegrityError):
        with db.atomic():
            Criterion.update(max=Decimal(0)).where(Criterion.id == c.id).execute()


# --- background worker ----------------------------------------------------------------
def test_system_page_round_trips_through_the_queue(app, client, make):
    user = make.user("committee")
    login(client, user.username, "mat-khau-demo-2026")
    response = post(client, "/admin/system", page="/admin/system")
    assert response.status_code == 200
    assert "Đang hoạt động" in response.get_data(as_text=True)


def test_real_worker_process_runs_tasks(app_config, tmp_path):
    """`emulation worker` in its own process takes a task from the SQLite queue and answers."""
    env = dict(os.environ, EMULATION_INSTANCE_PATH=app_config["INSTANCE_PATH"],
               EMULATION_DATABASE_URL=app_config["DATABASE_URL"],
               EMULATION_HUEY_URL=str(tmp_path / "queue.db"), EMULATION_SECRET_KEY=app_config["SECRET_KEY"])
    env.pop("DATABASE_URL", None)
    worker = subprocess.Popen([sys.executable, "-m", "emulation.cli", "worker"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        from emulation import create_app
        from emulation.tasks import ping
        create_app(dict(app_config, HUEY_IMMEDIATE=False, HUEY_URL=str(tmp_path / "queue.db")))
        result = ping()
        deadline = time.monotonic() + 30
        value = None
        while value is None and time.monotonic() < deadline:
            value = result.get()
            time.sleep(0.1)
        assert value == "pong"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        worker.stdout.close()
