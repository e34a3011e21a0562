#!/usr/bin/env bash
# The clock matrix: the tests marked `wall_clock` run again with the wall clock moved to the
# moments where an office date and a UTC date part ways. The office lives at UTC+7 and
# stores UTC, so a test or an operation that mixes the two is right from 07:00 to 24:00
# office time and wrong from 00:00 to 07:00, and the suite runs at whatever hour CI happens
# to start it (issue 17: CI was red 7 hours a day).
#
# Which tests: every test with `@pytest.mark.wall_clock` (the marker is described in
# pyproject.toml): one that reads the real clock and deals in days, dates or created_at.
# The files are found by grepping for the marker, so marking a test is all it takes.
#
# How: one pytest process per moment, MOTCUA_CLOCK_AT set; tests/conftest.py moves the
# process's wall clock there at start-up and back to it before each test, which then runs
# on the clock running on from the moment (tests/support/clock_matrix.py says how, and why
# not libfaketime).
#
# Only SQLite (`-k "not postgresql"`): the product takes every moment from Python (no
# server-side now() anywhere), so the dialect adds nothing here, while a PostgreSQL cluster
# per moment would cost more than the whole matrix.
#
# Usage: scripts/clock_matrix.sh [pytest args...]; MOTCUA_CLOCK_MOMENTS="ISO;ISO;..." replaces
# the moments below. Exit status non-zero if any moment failed.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

MOMENTS=(
  "2026-12-31T16:59:00+00:00"  # 23:59 office time, Thu 31 Dec: the last minute of the office's day, month and year
  "2026-12-31T17:01:00+00:00"  # 00:01 office time, Fri 1 Jan 2027, New Year's Day (a holiday): the office's day,
                               # month and year have turned and UTC's not; the 00:00-07:00 window of issue 17
  "2027-07-31T02:00:00+00:00"  # 09:00 office time, Saturday 31 Jul: the Saturday-morning opening, a month's last day
  "2027-07-31T17:01:00+00:00"  # 00:01 office time, Sunday 1 Aug: the office's month has turned, UTC's not yet
)
if [ -n "${MOTCUA_CLOCK_MOMENTS:-}" ]; then
  IFS=';' read -r -a MOMENTS <<<"$MOTCUA_CLOCK_MOMENTS"
fi

mapfile -t FILES < <(grep -rlE --include='test_*.py' 'mark\.wall_clock\b' tests | sort)
if [ ${#FILES[@]} -eq 0 ]; then
  echo "clock matrix: no test is marked wall_clock" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=()
for moment in "${MOMENTS[@]}"; do
  begun=$(date +%s)
  MOTCUA_CLOCK_AT="$moment" "$PY" -m pytest -q -p no:cacheprovider -m wall_clock -k "not postgresql" \
    "${FILES[@]}" "$@" >"$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - begun ))
  echo "clock matrix at $moment (${took}s, office time $(TZ=Asia/Ho_Chi_Minh date -d "$moment" +'%a %d/%m/%Y %H:%M')): $(tail -n 1 "$log")"
  if [ $rc -ne 0 ]; then
    cat "$log"
    failed+=("$moment")
  fi
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "clock matrix: failed at ${failed[*]}" >&2
  exit 1
fi
