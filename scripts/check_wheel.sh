#!/usr/bin/env bash
# What `pip install .` gives a user: build the wheel, install it with its runtime
# dependencies only in a fresh venv under a temporary folder, and run `rps` from another
# temporary folder, nothing of the checkout on the path. CI runs this after the tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-python3}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
unset PYTHONPATH
"$PY" -m venv "$WORK/venv"
RPS="$WORK/venv/bin/rps"
"$WORK/venv/bin/python" -m pip install -q --upgrade pip
"$WORK/venv/bin/python" -m pip wheel -q --no-deps -w "$WORK/dist" "$ROOT"
wheel="$(echo "$WORK"/dist/rps-*.whl)"
echo "wheel: $(basename "$wheel"), $(du -k "$wheel" | cut -f1) kB"
"$WORK/venv/bin/python" -m pip install -q "$wheel"

RUN="$(mktemp -d -p "$WORK")"
cd "$RUN"
export RPS_DATA_DIR="$RUN/data" RPS_CACHE_DIR="$RUN/cache" SDL_VIDEODRIVER=dummy
cp -r "$ROOT/tests/fixtures/rps-cgi" fixture
"$WORK/venv/bin/python" -c "import rps, sys; sys.exit(not rps.__file__.startswith('$WORK/venv/'))" \
  || { echo "rps is not imported from the installed wheel"; exit 1; }
"$RPS" --help > /dev/null
"$RPS" bench --demo --frames 60 --quiet
"$RPS" eval --data fixture
"$RPS" eval --data fixture -r cnn --limit 2
listing="$("$RPS" serve --list --precision FP16)"  # needs no extra
grep -q "^palm-fp16-" <<< "$listing"
# Serving does: without it, one line and exit 2 (bounded, in case it ever did start).
if timeout 60 "$RPS" serve --port 18599 2> serve.err; then
  echo "rps serve ran without the serve extra"; exit 1
fi
grep -q "needs the serve extra" serve.err && [ "$(wc -l < serve.err)" -eq 1 ] \
  || { echo "rps serve without the extra said:"; cat serve.err; exit 1; }
echo "wheel check passed"
