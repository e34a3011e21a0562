#!/usr/bin/env bash
# Regenerate the sample images of every printed document in docs/samples/ (README links
# them): a throwaway demo office, then `motcua print samples` rasterised in grey.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MOTCUA_CONFIG=/nonexistent MOTCUA_DATABASE_URL="sqlite:///$tmp/office.db" MOTCUA_DATA_DIR="$tmp/data" \
       MOTCUA_DEVICE_NAME=docs-samples MOTCUA_SERVER_URL=https://motcua.hanoi.gov.vn
.venv/bin/motcua db seed-demo --days 5 --seed 2026 --now 2026-11-20T15:30:00+07:00 >/dev/null
.venv/bin/motcua print samples --out "$tmp/pdf" >/dev/null
rm -rf docs/samples && mkdir -p docs/samples
for pdf in "$tmp"/pdf/*-vi.pdf "$tmp"/pdf/receipt-en.pdf "$tmp"/pdf/ticket-en.pdf; do
  name=$(basename "$pdf" .pdf)
  case "$name" in ticket-*|appointment_slip_80mm-*) dpi=110 ;; *) dpi=80 ;; esac
  pdftoppm -r "$dpi" -gray -png "$pdf" "docs/samples/$name"
done
ls -l docs/samples
