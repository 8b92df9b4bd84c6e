#!/usr/bin/env bash
# Set up (first run only) with the train, dev and serve extras, lint, and run the whole test
# suite (the remote-device tests start `rps serve`, so CI installs the serve extra too).
source "$(dirname "$0")/env.sh" "train,dev,serve"
ruff check rps tests benchmarks scripts
python -m pytest "$@"
