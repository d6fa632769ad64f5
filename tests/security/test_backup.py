"""Backup and restore (scripts/backup.py): every row and every evidence file comes back.

On PostgreSQL the test database is dumped, restored into a scratch database and compared table
by table; on SQLite a scratch database file goes through the same round trip.
"""

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.db import connection

from scoring.models import Evidence, Result, Score
from tests.factories import make_small_province

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def run_script(*args: str, database_url: str, media_root: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
    }
    return subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, "scripts/backup.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def add_evidence(sheet_code: str, item_code: str, name: str, content: bytes) -> Evidence:
    score = Score.objects.get(sheet__unit__code=sheet_code, item__code=item_code)
    evidence = Evidence(
        score=score, original_name=name, content_type="application/pdf", size=len(content)
    )
    evidence.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=True)
    return evidence


def media_contents(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_every_row_and_file_into_a_fresh_database(settings, tmp_path):
    make_small_province()
    add_evidence("SNV", "1.1.1", "Kế hoạch CCHC 2023.pdf", PDF)
    add_evidence("STP", "2.1", "Báo cáo <b>quý</b>.pdf", PDF + b"% second\n")
    source = connection.settings_dict
    params = {
        "host": source["HOST"] or None,
        "port": source["PORT"] or None,
        "user": source["USER"] or None,
        "password": source["PASSWORD"] or None,
    }

    def url(name: str) -> str:
        auth = source["USER"] or ""
        if source["PASSWORD"]:
            auth += f":{source['PASSWORD']}"
        host = f"{source['HOST'] or '127.0.0.1'}:{source['PORT'] or 5432}"
        return f"postgres://{auth}@{host}/{name}"

    backups = tmp_path / "backups"
    made = run_script(
        "create",
        "--output",
        str(backups),
        database_url=url(source["NAME"]),
        media_root=Path(settings.MEDIA_ROOT),
    )
    assert made.returncode == 0, made.stderr
    (archive,) = backups.glob("cchc-backup-*.tar.gz")

    scratch = f"cchc_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    restored_media = tmp_path / "restored-media"
    try:
        restored = run_script(
            "restore", str(archive), database_url=url(scratch), media_root=restored_media
        )
        assert restored.returncode == 0, restored.stderr
        assert "(2 tệp đính kèm)" in restored.stdout

        with (
            psycopg.connect(dbname=source["NAME"], **params) as before,
            psycopg.connect(dbname=scratch, **params) as after,
        ):
            tables = [
                row[0]
                for row in before.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' ORDER BY table_name"
                )
            ]
            assert "scoring_result" in tables
            for table in tables:
                query = f'SELECT * FROM "{table}" ORDER BY 1'  # noqa: S608 - catalogue names
                assert after.execute(query).fetchall() == before.execute(query).fetchall(), table
            results = after.execute(
                "SELECT u.code, r.total, r.index, r.band_label, r.rank FROM scoring_result r "
                "JOIN units_unit u ON u.id = r.unit_id ORDER BY u.code"
            ).fetchall()
        expected = sorted(
            Result.objects.values_list("unit__code", "total", "index", "band_label", "rank")
        )
        assert results == expected
        assert len(results) == 6

        # Restoring again over the restored database is refused without --force.
        again = run_script(
            "restore", str(archive), database_url=url(scratch), media_root=restored_media
        )
        assert again.returncode == 1
        assert "không trống" in again.stderr
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')

    assert media_contents(restored_media) == media_contents(Path(settings.MEDIA_ROOT))
    assert sorted(media_contents(restored_media).values()) == [PDF, PDF + b"% second\n"]


def test_an_sqlite_backup_restores_every_row_and_file(tmp_path):
    """The whole round trip in subprocesses: the test database of SQLite lives in memory."""
    database = tmp_path / "source.sqlite3"
    media = tmp_path / "media"
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    env["MEDIA_ROOT"] = str(media)
    setup = (
        "from tests.factories import make_small_province; make_small_province(); "
        "from django.core.files.base import ContentFile; from scoring.models import Evidence, Score; "
        "s = Score.objects.get(sheet__unit__code='SNV', item__code='1.2'); "
        "e = Evidence(score=s, original_name='a.pdf', content_type='application/pdf', size=3); "
        "e.file.save('x.pdf', ContentFile(b'%PDF'), save=True)"
    )
    for command in (["migrate", "--noinput"], ["shell", "-c", setup]):
        done = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    made = run_script(
        "create",
        "--output",
        str(tmp_path / "b"),
        database_url=f"sqlite:///{database}",
        media_root=media,
    )
    assert made.returncode == 0, made.stderr
    (archive,) = (tmp_path / "b").glob("*.tar.gz")
    target = tmp_path / "restored.sqlite3"
    restored = run_script(
        "restore",
        str(archive),
        database_url=f"sqlite:///{target}",
        media_root=tmp_path / "restored-media",
    )
    assert restored.returncode == 0, restored.stderr

    with sqlite3.connect(database) as before, sqlite3.connect(target) as after:
        tables = [
            row[0] for row in before.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        for table in tables:
            query = f'SELECT * FROM "{table}" ORDER BY 1'  # noqa: S608 - catalogue names
            assert after.execute(query).fetchall() == before.execute(query).fetchall(), table
        assert after.execute("SELECT count(*) FROM scoring_result").fetchone() == (6,)
    assert media_contents(tmp_path / "restored-media") == media_contents(media)
    assert len(media_contents(media)) == 1


def test_an_archive_of_another_engine_is_refused(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import backup
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    source = tmp_path / "a.sqlite3"
    sqlite3.connect(source).close()
    archive = backup.create(
        tmp_path, {"ENGINE": "django.db.backends.sqlite3", "NAME": source}, tmp_path / "m"
    )
    with pytest.raises(backup.BackupError, match="Bản sao lưu là của sqlite3"):
        backup.restore(
            archive, {"ENGINE": "django.db.backends.postgresql", "NAME": "x"}, tmp_path / "n"
        )
