#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then runs the linters and the whole test suite, the
# end-to-end tests with the real pulumi CLI included. Extra arguments go to pytest.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
echo "[test] ruff"; .venv/bin/ruff check sms_pulumi tests bench examples
echo "[test] mypy"; .venv/bin/mypy sms_pulumi bench tests
# Each example is a program of its own (all named __main__.py): one mypy run each.
for example in examples/*/__main__.py; do .venv/bin/mypy --no-error-summary "$example"; done
echo "[test] pytest"
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
# pytest exits 5 when it collected no test: that is a failure here, not a pass.
[ "$status" -eq 5 ] && echo "[test] no test ran" >&2
exit "$status"
