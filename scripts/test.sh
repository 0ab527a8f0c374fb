#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh), then runs the linters and the whole test suite, the
# end-to-end tests with the real pulumi CLI included, on the newest pulumi SDK. A whole run (no
# arguments) then checks the rest of what pyproject.toml promises, each in a virtualenv of its own:
#   - the lowest pulumi SDK of the range (constraints/floor.txt): provider tests and an e2e smoke run;
#   - Python 3.13: the package installs from wheels, and its tests without the pulumi CLI pass.
# Extra arguments go to pytest, and only the first run happens (e.g. -m "not e2e" for a quick one).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh
echo "[test] ruff"; .venv/bin/ruff check sms_pulumi tests bench examples
echo "[test] mypy"; .venv/bin/mypy sms_pulumi bench tests
# Each example is a program of its own (all named __main__.py): one mypy run each.
for example in examples/*/__main__.py; do .venv/bin/mypy --no-error-summary "$example"; done

run_pytest() {  # python, label, pytest arguments...
  local python=$1 label=$2 status
  shift 2
  echo "[test] pytest ($label)"
  set +e
  "$python" -m pytest "$@"
  status=$?
  set -e
  # pytest exits 5 when it collected no test: that is a failure here, not a pass.
  [ "$status" -eq 5 ] && echo "[test] no test ran ($label)" >&2
  return "$status"
}

run_pytest .venv/bin/python "pulumi SDK $(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("pulumi"))')" "$@"
[ "$#" -eq 0 ] || exit 0

SMS_PULUMI_VENV=.venv-floor CONSTRAINTS=constraints/floor.txt bash scripts/setup.sh
run_pytest .venv-floor/bin/python "the floor, pulumi SDK $(.venv-floor/bin/python -c 'import importlib.metadata as m; print(m.version("pulumi"))')" \
  -q -p no:cacheprovider tests/resources tests/e2e/test_smoke.py tests/e2e/test_config_credentials.py

# pyenv keeps other Pythons out of PATH unless they are selected: look for the interpreter itself.
py313=
if python3.13 -c '' 2>/dev/null; then py313=$(command -v python3.13); fi
[ -n "$py313" ] || py313=$(ls -d "$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"/versions/3.13*/bin/python3.13 \
                            2>/dev/null | tail -1 || true)
if [ -z "$py313" ]; then
  echo "[test] no Python 3.13 on this machine" >&2
  exit 1
fi
SMS_PULUMI_VENV=.venv-py313 PYTHON=$py313 bash scripts/setup.sh
run_pytest .venv-py313/bin/python "Python 3.13, no pulumi CLI" -q -p no:cacheprovider -m "not e2e and not slow" \
  tests/api tests/emulator tests/plan tests/resources
