#!/usr/bin/env bash
# Restore a backup into DATABASE_URL and MEDIA_ROOT: scripts/restore.sh ARCHIVE [--force]
# (see scripts/backup.py and README "Sao lưu / Backups").
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-.venv/bin/python}" scripts/backup.py restore "$@"
