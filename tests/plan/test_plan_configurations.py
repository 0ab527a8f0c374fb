"""Special settings in a plan (`configurations:` per wave and per server): checked when the plan is
loaded, each problem at its file, line and key, all at once; a server's laid over its wave's."""

from __future__ import annotations

from pathlib import Path

import pytest

from sms_pulumi.plan import PlanError, load_plan
from sms_pulumi.plan.program import _configurations


def lines_of(tmp_path: Path, text: str) -> tuple[Path, list[str]]:
    path = tmp_path / "plan.yaml"
    path.write_text(text)
    with pytest.raises(PlanError) as info:
        load_plan(path)
    return path, info.value.lines


def test_each_bad_setting_is_named_at_its_line(tmp_path: Path) -> None:
    path, lines = lines_of(tmp_path, """\
waves:
  - name: wave-1
    configurations:
      SYNC_EXCLUDE_PATH: [/tmp, var/cache]
      CPU_LIMIT: "50"
    servers:
      - name: db-01
        configurations: {LINUX_IO_LIMIT: 100}
      - name: web-01
        configurations:
          LINUX_CPU_LIMIT: "150"
  - name: wave-2
    run_state: sprinting
    configurations: LINUX_CPU_LIMIT=50
    servers: [{name: app-01}]
""")
    by_line = {line.split(": ", 1)[0]: line for line in lines}
    assert by_line[f"{path}:4"] == (
        f"{path}:4: waves[0].configurations.SYNC_EXCLUDE_PATH: 'var/cache' is not an absolute path "
        "(/dir or C:\\dir); separate paths with commas (expected absolute paths separated by commas)")
    assert by_line[f"{path}:5"].startswith(f"{path}:5: waves[0].configurations.CPU_LIMIT: unknown config_key "
                                           "'CPU_LIMIT'; expected one of ")
    assert "LINUX_CPU_LIMIT" in by_line[f"{path}:5"], "the allowed keys are named"
    assert by_line[f"{path}:8"].startswith(f"{path}:8: waves[0].servers[0].configurations.LINUX_IO_LIMIT: "
                                           'give a string (e.g. "50")')
    assert by_line[f"{path}:11"] == (
        f"{path}:11: waves[0].servers[1].configurations.LINUX_CPU_LIMIT: '150' is not an integer from 1 to "
        "100 (expected percent of the source's CPU, 1-100)")
    # Problems of the plan's shape come with them, in the same run.
    assert by_line[f"{path}:13"].startswith(f"{path}:13: waves[1].run_state:")
    assert by_line[f"{path}:14"] == f"{path}:14: waves[1].configurations: Input should be a valid dictionary"
    assert len(lines) == 6, lines


def test_a_server_lays_its_settings_over_its_waves(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("""\
waves:
  - name: wave-1
    configurations: {SYNC_EXCLUDE_PATH: [/tmp, /var/cache], LINUX_CPU_LIMIT: "50"}
    servers:
      - name: db-01
        configurations: {LINUX_IO_LIMIT: "100", LINUX_CPU_LIMIT: "20"}
      - name: web-01
        configurations: {SYNC_EXCLUDE_PATH: null}
      - name: web-02
  - name: wave-2
    servers: [{name: app-01}]
""")
    plan = load_plan(path)
    [(wave, db), (_, web01), (_, web02), (wave2, app)] = list(plan.servers())
    assert _configurations(wave, db) == {"SYNC_EXCLUDE_PATH": ["/tmp", "/var/cache"], "LINUX_CPU_LIMIT": "20",
                                         "LINUX_IO_LIMIT": "100"}
    assert _configurations(wave, web01) == {"LINUX_CPU_LIMIT": "50"}, "null drops the wave's key"
    assert _configurations(wave, web02) == {"SYNC_EXCLUDE_PATH": ["/tmp", "/var/cache"],
                                            "LINUX_CPU_LIMIT": "50"}
    assert _configurations(wave2, app) is None, "no settings: the task has none to manage"


def test_the_realistic_example_sets_them() -> None:
    plan = load_plan(Path(__file__).resolve().parents[2] / "examples" / "realistic" / "plan.yaml")
    servers = {s.label: (w, s) for w, s in plan.servers()}
    web = {"LINUX_CPU_LIMIT": "50", "SYNC_EXCLUDE_PATH": ["/tmp", "/var/tmp", "/var/cache"]}
    assert _configurations(*servers["web-01"]) == web
    assert _configurations(*servers["app-01"]) == {**web, "LINUX_IO_LIMIT": "100"}
    assert _configurations(*servers["win-ad-01"]) is None
