#!/usr/bin/env bash
# Set up (first run only) with the train and dev extras, lint, and run the whole test suite.
source "$(dirname "$0")/env.sh" "train,dev"
ruff check rps tests benchmarks scripts
python -m pytest "$@"
