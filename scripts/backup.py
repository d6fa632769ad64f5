#!/usr/bin/env python3
"""Back up and restore the portal: the database and the uploaded evidence files, in one archive.

    python scripts/backup.py create [--output DIR]        # DIR/cchc-backup-<time>.tar.gz
    python scripts/backup.py restore ARCHIVE [--force]    # into DATABASE_URL and MEDIA_ROOT

The database and MEDIA_ROOT are the ones the portal's settings name (DATABASE_URL, MEDIA_ROOT
from the environment or .env). PostgreSQL is dumped with pg_dump (custom format) and restored
with pg_restore in one transaction; SQLite is copied with SQLite's online backup. The archive
holds a manifest with the SHA-256 of every file, checked again after a restore. A restore goes
into an empty database and an empty MEDIA_ROOT unless --force (which replaces what is there).
README: "Sao lưu / Backups".
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import sqlite3

# pg_dump, pg_restore and psql, run with fixed arguments and no shell.
import subprocess  # nosec B404
import sys
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMAT = 1


class BackupError(Exception):
    pass


def _settings():
    """The portal's settings (database and MEDIA_ROOT), read as manage.py would."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")
    import django
    from django.conf import settings

    django.setup()
    return settings.DATABASES["default"], Path(settings.MEDIA_ROOT)


def _engine(database: dict) -> str:
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    if engine not in ("postgresql", "sqlite3"):
        raise BackupError(f"Không hỗ trợ sao lưu cơ sở dữ liệu loại “{engine}”.")
    return engine


def _pg_command(program: str, database: dict, *args: str) -> tuple[list[str], dict]:
    command = [shutil.which(program) or program, "--no-password"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            command += [flag, str(database[key])]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return [*command, *args], env


def _run(command: list[str], env: dict) -> str:
    """Run pg_dump, pg_restore or psql (arguments built here, no shell); return its output."""
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} thất bại:\n{result.stderr.strip()}")
    return result.stdout


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_files(media_root: Path) -> dict[str, str]:
    if not media_root.is_dir():
        return {}
    return {
        path.relative_to(media_root).as_posix(): _sha256(path)
        for path in sorted(media_root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def _sqlite_copy(source: str, target: str) -> None:
    """SQLite's online backup: a consistent copy even while the portal writes."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def create(output: Path, database: dict, media_root: Path) -> Path:
    """Write one archive with the database dump, MEDIA_ROOT and a manifest; return its path."""
    engine = _engine(database)
    output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    archive = output / f"cchc-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / ("database.dump" if engine == "postgresql" else "database.sqlite3")
        if engine == "postgresql":
            command, env = _pg_command(
                "pg_dump",
                database,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={dump}",
                str(database["NAME"]),
            )
            _run(command, env)
        else:
            _sqlite_copy(str(database["NAME"]), str(dump))
        # The files after the database: every file the dump names is in the archive.
        files = _media_files(media_root)
        manifest = {
            "format": FORMAT,
            "created": datetime.now().astimezone().isoformat(timespec="seconds"),
            "engine": engine,
            "database": dump.name,
            "media_files": files,
        }
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            for name in files:
                tar.add(media_root / name, arcname=f"media/{name}")
        partial.rename(archive)
    return archive


def _pg_has_tables(database: dict) -> bool:
    command, env = _pg_command(
        "psql",
        database,
        "--tuples-only",
        "--no-align",
        "--dbname",
        str(database["NAME"]),
        "--command",
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
    )
    return int(_run(command, env).strip() or 0) > 0


def _sqlite_has_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]


def restore(archive: Path, database: dict, media_root: Path, *, force: bool = False) -> dict:
    """Restore an archive made by `create` into `database` and `media_root`; return its manifest.

    Refuses a target that already holds tables or files unless `force`. The files are checked
    against the manifest's SHA-256 after extraction.
    """
    engine = _engine(database)
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise BackupError("Tệp sao lưu không đúng định dạng.")
        if manifest["engine"] != engine:
            raise BackupError(
                f"Bản sao lưu là của {manifest['engine']}, cơ sở dữ liệu đích là {engine}."
            )
        existing = _media_files(media_root)
        has_tables = (
            _pg_has_tables(database)
            if engine == "postgresql"
            else _sqlite_has_tables(Path(database["NAME"]))
        )
        if (has_tables or existing) and not force:
            raise BackupError(
                "Cơ sở dữ liệu hoặc thư mục MEDIA_ROOT đích không trống: dùng --force để ghi đè."
            )
        with tempfile.TemporaryDirectory() as work:
            # filter="data" refuses absolute paths, "..", links out of the folder and devices.
            tar.extractall(work, filter="data")
            dump = Path(work) / manifest["database"]
            if engine == "postgresql":
                options = [
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                ]
                if force:
                    options += ["--clean", "--if-exists"]
                command, env = _pg_command(
                    "pg_restore", database, *options, "--dbname", str(database["NAME"]), str(dump)
                )
                _run(command, env)
            else:
                target = Path(database["NAME"])
                target.parent.mkdir(parents=True, exist_ok=True)
                _sqlite_copy(str(dump), str(target))
            if force and media_root.exists():
                shutil.rmtree(media_root)
            media_root.mkdir(parents=True, exist_ok=True)
            source = Path(work) / "media"
            for name in manifest["media_files"]:
                (media_root / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source / name, media_root / name)
    restored = _media_files(media_root)
    if restored != manifest["media_files"]:
        raise BackupError("Tệp đính kèm sau khi khôi phục không khớp với bản sao lưu.")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sao lưu và khôi phục Cổng Chỉ số CCHC.")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("create", help="tạo bản sao lưu")
    make.add_argument("--output", type=Path, default=ROOT / "backups", help="thư mục lưu")
    back = commands.add_parser("restore", help="khôi phục từ bản sao lưu")
    back.add_argument("archive", type=Path)
    back.add_argument("--force", action="store_true", help="ghi đè dữ liệu đang có")
    args = parser.parse_args(argv)
    database, media_root = _settings()
    try:
        if args.command == "create":
            archive = create(args.output, database, media_root)
            print(f"Đã sao lưu vào {archive}")
        else:
            manifest = restore(args.archive, database, media_root, force=args.force)
            print(
                f"Đã khôi phục bản sao lưu ngày {manifest['created']} "
                f"({len(manifest['media_files'])} tệp đính kèm)."
            )
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
