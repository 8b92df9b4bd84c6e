#!/usr/bin/env bash
# Set up (first run only) and play. With no camera, rps plays the bundled demo clip.
source "$(dirname "$0")/env.sh" ""
exec rps play "$@"
