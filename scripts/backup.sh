#!/usr/bin/env bash
# Back up the database and the uploaded files: scripts/backup.sh [--output DIR]
# (see scripts/backup.py and README "Sao lưu / Backups").
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-.venv/bin/python}" scripts/backup.py create "$@"
