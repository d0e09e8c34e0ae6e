#!/usr/bin/env bash
# The project's test command: installs what a fresh Debian machine lacks (apt packages, a venv
# with the app and its dev tools), then runs the whole suite. The virtual sound system, the
# Secret Service keyring and the simulator are started by the tests' own fixtures.
#   bash tools/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

mapfile -t wanted < <(grep -v '^\s*#' tools/apt-packages.txt | grep -v '^\s*$')
bash tools/apt-install-missing.sh test "${wanted[@]}"

PYTHON="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev,package]" 2>&1 \
  | grep -v "is ignored: it is neither a file nor a directory" >&2 || true
.venv/bin/python -c "import voicelive_desktop, azure.ai.voicelive.aio, PySide6.QtWidgets"
echo "[test] set-up took $(( $(date +%s) - start )) s" >&2

# The linters fail for reasons a test run would not show. They run on the CPU beside the
# parallel tests, which mostly wait on the clock; their report follows those tests'.
lint() {
  local failed=0
  .venv/bin/ruff check . || failed=$?
  .venv/bin/ruff format --check . || failed=$?
  .venv/bin/mypy || failed=$?
  # Platform code is checked as Windows and macOS would see it, too.
  .venv/bin/mypy --platform win32 || failed=$?
  .venv/bin/mypy --platform darwin || failed=$?
  return "$failed"
}
lint_log=$(mktemp)
lint >"$lint_log" 2>&1 &
lint_pid=$!

# The X11 tests run the frozen app. Its PyInstaller build is a minute of CPU, which the parallel
# tests leave free (they mostly wait on the clock); the real-time tests must not share it, so it
# is done before they start. With test arguments, tests/packaging/test_bundle.py builds it itself
# if it is selected.
bundle_dir="$PWD/build/test-bundle"
bundle_pid=""
if [ "$#" -eq 0 ]; then
  rm -rf "$bundle_dir" && mkdir -p "$bundle_dir"
  VENV="$PWD/.venv" DIST_DIR="$bundle_dir/dist" WORK_DIR="$bundle_dir/work" \
    nice bash packaging/linux/build.sh --no-deb >"$bundle_dir/build.log" 2>&1 &
  bundle_pid=$!
fi

# A hard crash prints the Python stacks of all threads into the log, also one at interpreter
# exit, after pytest has handed faulthandler back (tests/fixtures/hard_crashes.py covers the rest).
export PYTHONFAULTHANDLER=1

# One QApplication per process fixes Qt's platform, so the real-X11 tests run on their own.
# Most tests wait on real time (replies are spoken in real time, reconnects back off), not on
# the CPU, so they run in worker processes side by side (pytest-xdist), each with its own
# QApplication, PulseAudio daemon, keyring and simulator ports. Tests with real-time deadlines
# (sound devices, the simulated room) then run alone: beside other tests they miss them.
# TEST_WORKERS=0 runs the first part in-process too.
status=0
QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -p no:cacheprovider -q \
  -m "not x11 and not audio and not realtime" -n "${TEST_WORKERS:-3}" "$@" || status=$?
lint_status=0
wait "$lint_pid" || lint_status=$?
cat "$lint_log" && rm -f "$lint_log"
echo "[test] linters finished (status $lint_status)" >&2
echo "[test] parallel tests finished at $(( $(date +%s) - start )) s" >&2
bundle_env=()
if [ -n "$bundle_pid" ]; then
  bundle_status=0
  wait "$bundle_pid" || bundle_status=$?
  echo "$bundle_status" >"$bundle_dir/status"  # a failed build fails the bundle tests, with its log
  bundle_env=(VOICELIVE_TEST_BUNDLE="$bundle_dir")
  echo "[test] bundle built at $(( $(date +%s) - start )) s (status $bundle_status)" >&2
fi
realtime_status=0
QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -p no:cacheprovider -q \
  -m "not x11 and (audio or realtime)" "$@" || realtime_status=$?
[ "$realtime_status" -eq 5 ] && realtime_status=0  # none selected by the arguments
[ "$status" -eq 5 ] && status=0
echo "[test] real-time tests finished at $(( $(date +%s) - start )) s" >&2
x11_status=0
xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
  env QT_QPA_PLATFORM=xcb "${bundle_env[@]}" .venv/bin/python -m pytest -p no:cacheprovider -q \
  -m x11 "$@" \
  || x11_status=$?
[ "$x11_status" -eq 5 ] && x11_status=0  # no X11 tests selected is not a failure
echo "[test] finished in $(( $(date +%s) - start )) s" >&2
[ "$lint_status" -eq 0 ] && [ "$status" -eq 0 ] && [ "$realtime_status" -eq 0 ] \
  && [ "$x11_status" -eq 0 ]
