#!/usr/bin/env bash
# Freeze a database at the current migration head, for the upgrade test of the NEXT
# migration: demo data, plus un-synced outbox rows. Run it BEFORE adding a migration:
#   scripts/freeze_db.sh        -> tests/local_db/frozen/<head>.sqlite3
set -euo pipefail
cd "$(dirname "$0")/.."
head=$(.venv/bin/python -c "from local_db.migrate import head_revision; print(head_revision())")
out="tests/local_db/frozen/${head}.sqlite3"
tmp=$(mktemp -d)
MOTCUA_CONFIG=/nonexistent MOTCUA_DATABASE_URL="sqlite:///$tmp/office.db" \
  .venv/bin/motcua db seed-demo --days 2 --seed 7 --now 2026-11-20T10:15:00+07:00 >/dev/null
.venv/bin/python - "$tmp/office.db" "$out" <<'PY'
import sqlite3, sys
src = sqlite3.connect(sys.argv[1])
src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
dst = sqlite3.connect(sys.argv[2])
src.backup(dst)
dst.execute("PRAGMA journal_mode=DELETE")
dst.execute("VACUUM")
dst.close()
PY
rm -rf "$tmp"
ls -l "$out"
