#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), starts (or reuses) the local SMS/OMS emulator and runs
# `pulumi up` of the demo migration plan (Pulumi.yaml at the repository root) against it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
exec .venv/bin/sms-pulumi demo "$@"
