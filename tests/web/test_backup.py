"""Backup while running, then a tested restore: the data comes back exactly, later writes are gone."""
from __future__ import annotations

from emulation.database import db
from emulation.models import ALL_MODELS, Unit, User
from emulation.services.demo import DEMO_PASSWORD, seed_demo


def _counts() -> dict[str, int]:
    return {m.__name__: m.select().count() for m in ALL_MODELS}


def test_backup_then_restore_gives_back_the_data(app, runner, client, login, tmp_path):
    seed_demo()
    before = _counts()
    names = sorted(u.name for u in Unit.select())
    file = tmp_path / "sao-luu" / "emulation.backup"
    result = runner.invoke(args=["db", "backup", str(file)])
    assert result.exit_code == 0, result.output
    assert "Đã sao lưu" in result.output and file.stat().st_size > 0

    Unit.create(code="MOI", name="Phường Mới Sau Sao Lưu")              # written after the backup
    assert _counts()["Unit"] == before["Unit"] + 1

    refused = runner.invoke(args=["db", "restore", str(file)], input="n\n")
    assert refused.exit_code != 0 and _counts()["Unit"] == before["Unit"] + 1      # asked first
    result = runner.invoke(args=["db", "restore", str(file), "--yes"])
    assert result.exit_code == 0, result.output
    if not db.is_closed():
        db.close()
    assert _counts() == before
    assert sorted(u.name for u in Unit.select()) == names
    login(User.get(User.username == "btdkt"), DEMO_PASSWORD)              # the platform works on it
    assert client.get("/campaigns/").status_code == 200
