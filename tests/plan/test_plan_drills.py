"""A plan's tests, rounds and clean-up: checked at load, with the file and line of each problem."""

from __future__ import annotations

from pathlib import Path

from sms_pulumi.plan import load_plan
from tests.plan.test_plan import lines_of, write

TEMPLATES = """\
templates:
  linux-std: {flavor: s6.large.2}
  linux-test: {flavor: s6.medium.2}
"""


def test_a_wave_with_every_option_loads(tmp_path: Path) -> None:
    path = write(tmp_path, TEMPLATES + """\
waves:
  - name: wave-1
    run_state: tested
    template: linux-std
    test_template: linux-test
    resync: 2
    clear_snapshots: true
    network_check: true
    consistency_check: true
    upload_logs_to: sms-logs
    servers:
      - name: web-01
      - name: db-01
        consistency_check: false
        migration_drill: true
""")
    wave = load_plan(path).waves[0]
    assert (wave.test_template, wave.resync, wave.clear_snapshots, wave.network_check) == (
        "linux-test", 2, True, True)
    assert [s.consistency_check for s in wave.servers] == [None, False]


def test_tested_needs_a_test_template_or_the_drill(tmp_path: Path) -> None:
    path = write(tmp_path, TEMPLATES + """\
waves:
  - name: wave-1
    run_state: tested
    servers:
      - name: web-01
  - name: wave-2
    run_state: running
    servers:
      - name: web-02
        run_state: tested
      - name: web-03
        run_state: tested
        migration_drill: true
  - name: wave-3
    run_state: tested
    test_template: linux-tst
    servers:
      - name: web-04
""")
    lines = lines_of(path)
    assert any(line.startswith(f"{path}:6: waves[0].run_state: tested needs a test_template")
               for line in lines), lines
    assert any(line.startswith(f"{path}:12: waves[1].servers[0]: tested needs") for line in lines), lines
    assert not any("waves[1].servers[1]" in line for line in lines), lines
    assert (f"{path}:19: waves[2].test_template: no template named 'linux-tst' in templates (there are: "
            "'linux-std', 'linux-test')") in lines
    assert len(lines) == 3, lines


def test_bad_options_are_named(tmp_path: Path) -> None:
    path = write(tmp_path, f"""\
waves:
  - name: wave-1
    clear_snapshots: sometimes
    upload_logs_to: {"b" * 256}
    servers: [{{name: web-01, migration_drill: maybe}}]
""")
    lines = lines_of(path)
    assert any(line.startswith(f"{path}:3: waves[0].clear_snapshots: Input should be a valid boolean")
               for line in lines), lines
    assert any(line.startswith(f"{path}:4: waves[0].upload_logs_to:") for line in lines), lines
    assert any(line.startswith(f"{path}:5: waves[0].servers[0].migration_drill:") for line in lines), lines
