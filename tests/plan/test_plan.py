"""Plans as data: every example validates; a bad plan names the file, line, path and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from sms_pulumi.plan import PlanError, load_plan

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("name", ["demo", "minimal", "realistic"])
def test_examples_are_valid(name: str) -> None:
    plan = load_plan(EXAMPLES / name / "plan.yaml")
    assert plan.waves


def test_realistic_example_has_what_it_claims() -> None:
    plan = load_plan(EXAMPLES / "realistic" / "plan.yaml")
    servers = list(plan.servers())
    assert len(servers) >= 20
    assert len(plan.waves) == 2
    assert plan.migration_project is not None
    default_type = plan.migration_project.type
    assert {str(s.type or w.type or default_type) for w, s in servers} == {"MIGRATE_FILE", "MIGRATE_BLOCK"}
    names = [s.name or "" for _, s in servers]
    assert any(n.startswith("win-") for n in names) and any(n.startswith("web-") for n in names)
    assert plan.object_storage


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text)
    return path


def errors_of(path: Path) -> str:
    with pytest.raises(PlanError) as info:
        load_plan(path)
    return str(info.value)


def test_error_names_file_line_path_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, """\
waves:
  - name: wave-1
    run_state: runing
    servers:
      - name: web-01
      - ip: 10.0.0.2
        type: MIGRATE_EVERYTHING
""")
    text = errors_of(path)
    assert f"{path}:3: waves[0].run_state: Input should be 'running'" in text
    assert f"{path}:7: waves[0].servers[1].type:" in text


def test_wire_constraints_apply_to_templates_and_windows(tmp_path: Path) -> None:
    path = write(tmp_path, """\
templates:
  linux:
    publicip: {type: 5_bgp, bandwidth_size: 5000}
bandwidth:
  office: [{start: "08:00", end: "18:00", speed: 50}, {start: "17:00", end: "19:00", speed: 5}]
  late: [{start: "25:00", end: "26:00", speed: 5}]
waves: []
""")
    lines = lines_of(path)
    # Each problem on its own line, at the line of the value itself.
    assert (f"{path}:3: templates.linux.publicip.bandwidth_size: Input should be less than or equal to "
            "2000") in lines
    assert f"{path}:5: bandwidth.office.windows: time windows 08:00-18:00 and 17:00-19:00 overlap" in lines
    assert any(line.startswith(f"{path}:6: bandwidth.late.windows[0].start:") for line in lines), lines


def test_secrets_are_refused_in_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, """\
templates:
  linux: {target_password: hunter2}
object_storage:
  - name: b
    source: {bucket: a, region: r, ak: AKIA, sk: nope}
    destination: {bucket: b, region: r}
""")
    text = errors_of(path)
    assert "use target_password_config" in text
    assert "use ak_config / sk_config" in text
    assert "hunter2" not in text and "nope" not in text


def test_references_and_duplicates(tmp_path: Path) -> None:
    path = write(tmp_path, """\
waves:
  - name: wave-1
    template: missing
    servers: [{name: web-01}, {}]
  - name: wave-2
    bandwidth: nope
    servers: [{name: web-01}]
""")
    assert f"{path}:4: waves[0].servers[1]: give the source server's name or ip" in lines_of(path)
    path = write(tmp_path, """\
templates:
  linux: {flavor: s6.large.2}
waves:
  - name: wave-1
    template: missing
    servers:
      - name: web-01
  - name: wave-2
    bandwidth: nope
    servers:
      - name: app-01
        template: windows-std
      - name: web-01
""")
    lines = lines_of(path)
    # Cross-references point at the line that names them, not at the top of the file.
    assert (f"{path}:5: waves[0].template: no template named 'missing' in templates (there are: "
            "'linux')") in lines
    assert f"{path}:9: waves[1].bandwidth: no bandwidth named 'nope' in bandwidth (there are: none)" in lines
    assert (f"{path}:12: waves[1].servers[0].template: no template named 'windows-std' in templates "
            "(there are: 'linux')") in lines
    assert f"{path}:13: waves[1].servers[1]: web-01 is already planned in waves[0].servers[0]" in lines


def test_a_key_given_twice_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, """\
waves:
  - name: wave-1
    run_state: running
    servers: [{name: web-01}]
    run_state: stopped
""")
    assert lines_of(path) == [f"{path}:5: waves[0].run_state: given twice (first on line 3); YAML would keep "
                              "only this one"]


def test_enumerations_name_the_allowed_values(tmp_path: Path) -> None:
    path = write(tmp_path, """\
templates:
  linux: {volumetype: FAST}
waves:
  - {name: wave-1, run_state: sprinting, servers: [{name: web-01, run_state: paused}]}
""")
    lines = lines_of(path)
    assert any(line.startswith(f"{path}:2: templates.linux.volumetype:") and "'SSD'" in line
               for line in lines), lines
    assert (f"{path}:4: waves[0].run_state: Input should be 'running', 'stopped', 'tested', 'cut_over' or "
            "'not_managed'") in lines
    assert any(line.startswith(f"{path}:4: waves[0].servers[0].run_state: Input should be") for line in lines)


def lines_of(path: Path) -> list[str]:
    with pytest.raises(PlanError) as info:
        load_plan(path)
    return info.value.lines


def test_unreadable_and_malformed_files(tmp_path: Path) -> None:
    assert "cannot read the plan" in errors_of(tmp_path / "absent.yaml")
    assert "not valid YAML" in errors_of(write(tmp_path, "waves: [\n"))
