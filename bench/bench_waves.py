"""A wave of N tasks through the real pulumi CLI, with durations like SMS's: how `up`, `refresh`
and `destroy` grow with N, each as a ratio to N = 1 measured in the same run.

    .venv/bin/python bench/bench_waves.py                       # N = 1, 24, 100; today's code
    .venv/bin/python bench/bench_waves.py --code f6c777f        # the same against an older commit
    .venv/bin/python bench/bench_stack.py --realistic ...       # the same, from the stack benchmark

The emulator's clock runs at `--clock-speed` (default 12, as issue 13 measured): creating a target
server (60 simulated seconds) takes 5 s, replicating a synthetic source about half a minute, as SMS
would, scaled down. Per N,
on a fresh emulator holding N sources alike but for their names (so that N = 1 and N = 100 replicate
the same data) and a fresh stack of one shared Template and N Tasks (targets created from the
template, `syncing: true`), no bandwidth windows:

    up (running)    `pulumi up` that creates the wave and starts it (until every target exists)
    preview         an unchanged `pulumi preview`: API requests counted (the provider's; the program
                    makes none: source IDs come from the benchmark)
    refresh         `pulumi refresh`: API requests counted, per task
    destroy         `pulumi destroy` of the running wave (paused, then deleted)
    up (cut over)   a second stack started the same way, then `pulumi up` that cuts it over

Every command runs as a user runs it, with its own preview. `--code COMMIT` measures an older
commit's sms_pulumi (taken with `git archive`, imported ahead of the installed one): before the
Wave resource existed, the program declares `run_state` on each Task instead, and `up`, `refresh` and
`destroy` run with `--skip-preview`, as its users had to (its previews failed on values not known
yet). Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

PROGRAM = '''
import json
from pathlib import Path

import pulumi
from sms_pulumi.resources.task import Task
from sms_pulumi.resources.template import Template

spec = json.loads((Path(__file__).parent / "bench.json").read_text())
run_state = pulumi.Config().get("runState") or "running"
template = Template("tpl", name="bench-tpl", region="cn-north-4", projectid=spec["project_id"],
                    flavor="s6.large.2", vpc={"id": "autoCreate", "name": "autoCreate"},
                    nics=[{"id": "autoCreate", "name": "autoCreate", "cidr": "192.168.0.0/24"}],
                    security_groups=[{"id": "autoCreate", "name": "autoCreate"}])
tasks = {}
for i, source in enumerate(spec["sources"]):
    extra = {} if spec["waves"] else {"run_state": run_state}
    tasks[source["name"]] = Task(
        f"task-{i:04d}", name=f"bench-{i:04d}", type="MIGRATE_BLOCK", os_type=source["os_type"],
        source_server_id=source["id"], target_server={"name": source["name"] + "-cloud"},
        vm_template_id=template.id, syncing=True, exist_server=False, **extra)
if spec["waves"]:
    from sms_pulumi.resources.wave import Wave
    Wave("wave", tasks={k: t.id for k, t in tasks.items()}, run_state=run_state)
pulumi.export("tasks", len(tasks))
'''


@dataclass
class Figure:
    n: int
    command: str
    wall: float
    requests: dict[str, int] = field(default_factory=dict)
    #: Seconds the emulator spent answering, per route.
    busy: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.requests.values())


def code_of(commit: str | None, root: Path) -> tuple[str, bool]:
    """The interpreter that imports `commit`'s sms_pulumi (today's when None), and whether it has waves."""
    if commit is None:
        return sys.executable, (REPO / "sms_pulumi" / "resources" / "wave.py").exists()
    code = root / "code"
    code.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "sms_pulumi"], check=True,
                             capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(code)], input=archive.stdout, check=True)
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # A plain path line adds the folder without running its .pth files: the installed (editable)
    # sms_pulumi stays out, the commit's comes first.
    Path(site, "bench-code.pth").write_text(f"{code}\n{sysconfig.get_paths()['purelib']}\n")
    return str(python), (code / "sms_pulumi" / "resources" / "wave.py").exists()


def api_requests(server: Any) -> dict[str, int]:
    counts: dict[str, int] = server.admin.requests()["counts"]
    return {k: v for k, v in counts.items() if "/_emulator" not in k}


def run(ws: Any, server: Any, n: int, label: str, *args: str) -> Figure:
    if not ws.extra_env.get("BENCH_WAVES") and args[0] in ("up", "refresh", "destroy"):
        args = (*args, "--skip-preview")
    server.admin.clear_requests()
    started = time.monotonic()
    ws.run(*args, *ws.stack_args, "--non-interactive")
    wall = time.monotonic() - started
    busy: dict[str, float] = {}
    for entry in server.admin.requests(with_list=True)["requests"]:
        if not entry["path"].startswith("/_emulator"):
            key = f"{entry['method']} {entry['route'] or entry['path']}"
            busy[key] = busy.get(key, 0.0) + entry["duration_ms"] / 1000
    return Figure(n, label, wall, api_requests(server), busy)


def identical_sources(n: int, path: Path) -> Path:
    """N sources alike but for their names and IPs (one replication time for all, as N = 1 has)."""
    import yaml

    from sms_pulumi.emulator.seed import synthetic_sources

    [template] = synthetic_sources(1)
    bodies = []
    for i in range(n):
        name, ip = f"syn-{i:04d}", f"10.100.{i // 256}.{i % 256}"
        body = json.loads(json.dumps(template).replace("syn-0000", name).replace(template["ip"], ip))
        bodies.append(body)
    path.write_text(yaml.safe_dump({"sources": bodies}))
    return path


def measure(n: int, args: argparse.Namespace, python: str, waves: bool, root: Path) -> list[Figure]:
    from sms_pulumi.api.credentials import endpoint_env
    from sms_pulumi.emulator.server import EmulatorServer, quiet_uvicorn
    from sms_pulumi.pulumi_cli import PulumiWorkspace

    quiet_uvicorn()
    ak, sk, project_id = "BENCH" + secrets.token_hex(8).upper(), secrets.token_hex(20), secrets.token_hex(16)
    figures = []
    seed = identical_sources(n, root / f"sources-{n}.yaml")
    emulator = EmulatorServer(credentials=[(ak, sk)], clock_speed=args.clock_speed, seed=str(seed))
    with emulator as server:
        sources = [{"id": s["id"], "name": s["name"], "os_type": s["os_type"]}
                   for s in server.admin.objects()["sources"]]
        env = {**endpoint_env(server.url, ak, sk, project_id, poll_interval=args.poll_interval,
                              wait_timeout=args.timeout),
               "PULUMI_PYTHON_CMD": python, "BENCH_WAVES": "1" if waves else ""}

        def stack(name: str) -> PulumiWorkspace:
            project = root / f"{name}-{n}"
            project.mkdir()
            (project / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
            (project / "__main__.py").write_text(PROGRAM)
            (project / "bench.json").write_text(json.dumps({"sources": sources, "project_id": project_id,
                                                            "waves": waves}))
            ws = PulumiWorkspace(project_dir=project, state_dir=root / f"{name}-{n}-state", stack="bench",
                                 extra_env=env)
            ws.ensure_stack()
            return ws

        ws = stack("running")
        figures.append(run(ws, server, n, "up (running)", "up", "--yes"))
        figures.append(run(ws, server, n, "preview", "preview"))
        figures.append(run(ws, server, n, "refresh", "refresh", "--yes"))
        figures.append(run(ws, server, n, "destroy (running)", "destroy", "--yes"))
        cut = stack("cutover")
        run(cut, server, n, "-", "up", "--yes")
        cut.set_config("runState", "cut_over")
        figures.append(run(cut, server, n, "up (cut over)", "up", "--yes"))
        run(cut, server, n, "-", "destroy", "--yes")
    return figures


def report(figures: list[Figure], label: str, args: argparse.Namespace) -> str:
    sizes = sorted({f.n for f in figures})
    commands = ["up (running)", "up (cut over)", "destroy (running)", "refresh", "preview"]
    lines = [f"sms-pulumi waves: {label}; clock x{args.clock_speed:g}; poll {args.poll_interval:g}s", "",
             f"{'command':<18}" + "".join(f"{'N=' + str(n):>16}" for n in sizes) + "   ratio to N=1", ""]
    base = {f.command: f for f in figures if f.n == sizes[0]}
    for command in commands:
        row = [f for f in figures if f.command == command]
        if not row:
            continue
        cells = "".join(f"{f.wall:>15.1f}s" for f in row)
        ratios = " ".join(f"{f.wall / base[command].wall:.2f}" for f in row)
        lines.append(f"{command:<18}{cells}   {ratios}")
    lines.append("")
    largest = [f for f in figures if f.n == sizes[-1]]
    for f in largest:
        top = sorted(f.busy.items(), key=lambda kv: -kv[1])[:4]
        lines.append(f"N={f.n} {f.command:<18} emulator busy {sum(f.busy.values()):.1f}s: "
                     + ", ".join(f"{k} {v:.1f}s ({f.requests.get(k, 0)})" for k, v in top))
    lines.append("")
    for command in ("refresh", "preview"):
        for f in (f for f in figures if f.command == command):
            lists = f.requests.get("GET /v3/tasks", 0)
            shows = f.requests.get("GET /v3/tasks/{task_id}", 0)
            lines.append(f"{command:<8} N={f.n:<4} {f.total:>4} requests ({f.total / f.n:.2f} per task): "
                         f"{lists} task list(s), {shows} task show(s); "
                         f"{json.dumps(f.requests, sort_keys=True)}")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,24,100", help="comma-separated N (default 1,24,100)")
    parser.add_argument("--clock-speed", type=float, default=12.0, help="emulator clock (default x12)")
    parser.add_argument("--poll-interval", type=float, default=1.0, help="HW_POLL_INTERVAL, seconds")
    parser.add_argument("--timeout", type=float, default=3600, help="HW_WAIT_TIMEOUT, seconds")
    parser.add_argument("--code", default=None, help="a commit to measure instead of the working tree")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="sms-bench-waves-") as tmp:
        root = Path(tmp)
        python, waves = code_of(args.code, root / "code")
        shape = "Wave resource" if waves else "run_state on each Task"
        label = f"code {args.code or 'working tree'} ({shape})"
        print(f"{label}; N = {', '.join(map(str, sizes))}", file=sys.stderr, flush=True)
        figures: list[Figure] = []
        for n in sizes:
            started = time.monotonic()
            figures += measure(n, args, python, waves, root)
            print(f"  N={n}: {time.monotonic() - started:.0f}s", file=sys.stderr, flush=True)
    print(report(figures, label, args))
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(f) for f in figures], indent=1))
    medians = statistics.median([f.wall for f in figures]) if figures else 0.0
    print(f"\n(median command {medians:.1f}s)", file=sys.stderr)


if __name__ == "__main__":
    main()
