#!/usr/bin/env bash
# Sets everything up, idempotently: .venv with the package and its test extra (the newest pulumi SDK,
# through constraints/dev.txt), the pulumi CLI and the Python language host built from Go modules,
# and the two executables that find the project's interpreter. Quiet when there is nothing to do.
#
#   SMS_PULUMI_VENV=DIR   install into DIR instead of .venv
#   PYTHON=python3.13     the interpreter to make it with (default python3.11)
#   CONSTRAINTS=FILE      pins to install with (default constraints/dev.txt; constraints/floor.txt
#                         holds the lowest pulumi SDK the package supports)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
say() { printf '[setup] %s\n' "$*" >&2; }

# --- Python ------------------------------------------------------------------------------------
venv=${SMS_PULUMI_VENV:-.venv}
python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
constraints=${CONSTRAINTS:-constraints/dev.txt}
stamp=$venv/.installed-$(cat pyproject.toml "$constraints" | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  [ -x "$venv/bin/python" ] || { say "creating $venv ($("$python" --version))"; "$python" -m venv "$venv"; }
  say "installing sms-pulumi and its test extra into $venv (pip, pins from $constraints)"
  # Wheels only: an sdist that needs a compiler (grpcio on a Python it has no wheel for) is a failure
  # to report, not a twenty-minute build.
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
    -c "$constraints" -e '.[test]'
  rm -f "$venv"/.installed-*
  touch "$stamp"
fi
# Only the main .venv gets the CLI below; other virtualenvs (floor SDK, other Pythons) share it.
[ "$venv" = .venv ] || exit 0

# --- pulumi CLI and Python language host ----------------------------------------------------------
# Two Go modules (see tools/pulumi-cli/README.md): the current CLI, and the newest Python language
# host the module proxy serves, which is older. They go into one folder, as the CLI expects.
module_version() { awk -v m="$2" '$1 == m || ($1 == "require" && $2 == m) {print ($1 == "require" ? $3 : $2); exit}' "$1"; }
cli_version=$(module_version tools/pulumi-cli/go.mod github.com/pulumi/pulumi/pkg/v3)
host_version=$(module_version tools/pulumi-language-python/go.mod github.com/pulumi/pulumi/sdk/v3)
bin="$root/.tools/pulumi/$cli_version/bin"
host_bin="pulumi-language-python-$host_version"

go_build() {  # module folder, output folder, ldflags, package
  local module=$1 out=$2 ldflags=$3 package=$4 start
  start=$(date +%s)
  (
    cd "$module"
    # go build fetches only the modules the program needs (a few hundred MB of archives the first
    # time); progress: every 50 modules fetched, every 100 packages compiled.
    go build -v -ldflags "$ldflags" -o "$out" "$package" 2>&1 \
      | awk -v t0="$start" '
          /^go: downloading / { d++; if (d % 50 == 0) printf("[setup]   %d modules fetched (%ds)\n", d, systime() - t0) > "/dev/stderr"; next }
          / /                 { print > "/dev/stderr"; next }  # anything but a package path: a message
          { n++; if (n % 100 == 0) printf("[setup]   %d packages compiled (%ds)\n", n, systime() - t0) > "/dev/stderr" }'
    [ -x "$out" ]
  ) || { say "the Go build of $package failed (output above)"; exit 1; }
  say "  built $(basename "$out") in $(( $(date +%s) - start ))s"
}

if [ ! -x "$bin/pulumi" ] || [ ! -x "$bin/$host_bin" ]; then
  command -v go >/dev/null || { say "Go is required to build the pulumi CLI (no prebuilt download is reachable)"; exit 1; }
  mkdir -p "$bin"
  before=$(du -sk "$(go env GOMODCACHE)" 2>/dev/null | cut -f1 || echo 0)
  if [ ! -x "$bin/pulumi" ]; then
    say "building pulumi $cli_version from Go modules (first time: a few minutes)"
    go_build tools/pulumi-cli "$bin/pulumi.partial" \
      "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$cli_version" \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
    mv "$bin/pulumi.partial" "$bin/pulumi"
  fi
  if [ ! -x "$bin/$host_bin" ]; then
    say "building the Python language host $host_version from Go modules"
    # -checklinkname=0: an old dependency of the 3.79 host (github.com/pgavlin/text) reaches
    # internal/bytealg through go:linkname, which Go >= 1.23 refuses by default.
    go_build tools/pulumi-language-python "$bin/$host_bin.partial" \
      "-s -w -checklinkname=0 -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$host_version" \
      github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python
    mv "$bin/$host_bin.partial" "$bin/$host_bin"
  fi
  after=$(du -sk "$(go env GOMODCACHE)" 2>/dev/null | cut -f1 || echo 0)
  say "pulumi $("$bin/pulumi" version) with the Python language host $host_version; Go module cache grew by $(( (after - before) / 1024 )) MiB"
fi

# The host runs this companion script, which it looks for beside its own binary. The CLI's version of
# it is taken: it starts programs of current SDKs and falls back for older ones.
if [ ! -x "$bin/pulumi-language-python-exec" ]; then
  sdkdir=$(cd tools/pulumi-cli && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
  install -m 0755 "$sdkdir/python/cmd/pulumi-language-python-exec" "$bin/"
fi

# Two small scripts find the project's interpreter, so that `pulumi preview` in an example folder works
# without activating .venv: the 3.79 host ignores `runtime.options.virtualenv` and runs `python3`
# from PATH unless PULUMI_PYTHON_CMD names another. Inside an activated virtualenv, that one is used.
write_script() {  # path, content
  if [ ! -x "$1" ] || [ "$(cat "$1")" != "$2" ]; then
    printf '%s\n' "$2" > "$1"
    chmod 0755 "$1"
  fi
}
find_python=$(cat <<SH
if [ -z "\${PULUMI_PYTHON_CMD:-}" ] && [ -z "\${VIRTUAL_ENV:-}" ]; then
  PULUMI_PYTHON_CMD=$root/.venv/bin/python
  export PULUMI_PYTHON_CMD
fi
SH
)
write_script "$bin/pulumi-language-python" "$(cat <<SH
#!/bin/sh
# Generated by scripts/setup.sh: the Python language host $host_version, with the project's interpreter.
$find_python
exec "\$(dirname "\$0")/$host_bin" "\$@"
SH
)"
# The engine starts dynamic providers as `pulumi-resource-pulumi-python` from PATH.
write_script "$bin/pulumi-resource-pulumi-python" "$(cat <<SH
#!/bin/sh
# Generated by scripts/setup.sh: serves Pulumi dynamic providers with the program's interpreter.
if [ -n "\${PULUMI_RUNTIME_VIRTUALENV:-}" ] && [ -x "\${PULUMI_RUNTIME_VIRTUALENV%/}/bin/python" ]; then
  exec "\${PULUMI_RUNTIME_VIRTUALENV%/}/bin/python" -u -m pulumi.dynamic "\$@"
fi
$find_python
exec "\${PULUMI_PYTHON_CMD:-python3}" -u -m pulumi.dynamic "\$@"
SH
)"
ln -sfn "$cli_version" "$root/.tools/pulumi/current"
