#!/bin/sh
# HTTP API benchmark (see benchmarks/bench_api.py): installs the project, then runs it.
# Usage: benchmarks/bench_api.sh [--repeat 3] [--workers 2] [--duration 10] ...
set -e
cd "$(dirname "$0")/.."
make install >/dev/null
exec .venv/bin/python benchmarks/bench_api.py "$@"
