"""A migration plan review for pull requests: `pulumi preview --json` in, short Markdown out.

    pulumi preview --json > preview.json
    sms-pulumi report preview.json > review.md

What a reviewer must see first comes first: a preview that failed (its errors, and no review that
looks complete; the command exits 1), then what cannot be undone: cut-overs (each launches its
target server and ends replication) and replacements (a replaced task starts its migration again
from zero). Then per wave (the `sms:Wave` resource a task belongs to): each server with its source
(name and IP), its target (name; the template SMS creates it from, or the existing server), what
happens to its task and to its run state, and the bandwidth windows; then everything outside the
waves (project, templates, OMS task groups).

The preview is read as Pulumi writes it: every step, "same" ones included (they carry what a wave
says about its servers). Secret values appear as Pulumi prints them in previews ("[secret]"): the
report never sees a plaintext secret.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sms_pulumi.resources.types import SPEED_LIMIT, TASK, WAVE, short_type

#: Steps that are the second half of a replacement already counted, or read nothing new.
_SECOND_HALVES = {"delete-replaced", "discard-replaced", "read-replacement", "refresh", "read"}
_OPS = {"create": "created", "update": "changed", "replace": "replaced", "delete": "deleted"}
#: What a change of a task's run state does, in the report's words.
_TRANSITIONS = {"running": "started", "tested": "tested", "stopped": "stopped", "cut_over": "cut over"}


@dataclass
class Change:
    """One resource's step of the preview (op "same" included)."""

    op: str  # create | update | replace | delete | same
    kind: str  # e.g. sms:Task
    name: str
    old: dict[str, Any]
    new: dict[str, Any]
    changed: list[str] = field(default_factory=list)
    replace_reasons: list[str] = field(default_factory=list)


@dataclass
class Server:
    """A task's row: the server, what its wave says of it, and what happens to it."""

    key: str
    wave: str
    label: Mapping[str, Any]
    task: Change | None
    speed_limit: Change | None
    before: str | None  # the run state its wave wanted, None for a server new to the wave
    after: str | None  # None when the server leaves the wave

    @property
    def transition(self) -> str | None:
        """started / stopped / cut over / no longer managed, or None when the run state stays."""
        if self.after == self.before or self.after is None:
            return None
        if self.after == "not_managed":
            return "no longer managed"
        return _TRANSITIONS.get(self.after)


@dataclass
class Preview:
    errors: list[str]
    changes: list[Change]
    servers: list[Server]
    waves: dict[str, Change]


# -- reading the preview --------------------------------------------------------------------------


def parse_preview(data: Mapping[str, Any]) -> Preview:
    changes = _changes(data.get("steps") or [])
    errors = [str(d.get("message", "")).strip().removeprefix("error: ")
              for d in data.get("diagnostics") or [] if d.get("severity") == "error"]
    waves = {c.name: c for c in changes if c.kind == WAVE}
    by_kind: dict[str, dict[str, Change]] = defaultdict(dict)
    for c in changes:
        by_kind[c.kind][c.name] = c
    servers = []
    for wave_name, wave in waves.items():
        old_wish, new_wish = _wishes(wave.old), _wishes(wave.new)
        labels = wave.new.get("servers") or wave.old.get("servers") or {}
        for key in sorted(set(old_wish) | set(new_wish)):
            servers.append(Server(
                key=key, wave=wave_name, label=labels.get(key) or {},
                task=by_kind[TASK].get(key), speed_limit=by_kind[SPEED_LIMIT].get(f"{key}-bandwidth"),
                before=old_wish.get(key) if wave.op not in ("create", "replace") else None,
                after=new_wish.get(key) if wave.op != "delete" else None,
            ))
    return Preview(errors, changes, servers, waves)


def _changes(steps: Iterable[Mapping[str, Any]]) -> list[Change]:
    out = []
    for step in steps:
        op = str(step.get("op", ""))
        if op in _SECOND_HALVES:
            continue
        old_state, new_state = step.get("oldState") or {}, step.get("newState") or {}
        kind = short_type(str((new_state or old_state).get("type", "")))
        if kind.startswith("pulumi:") or kind == "sms:plan:Wave":
            continue
        if op == "create-replacement":
            op = "replace"
        old = old_state.get("outputs") or old_state.get("inputs") or {}
        new = new_state.get("inputs") or {}
        out.append(Change(
            op=op, kind=kind, name=str(step.get("urn", "")).rsplit("::", 1)[-1], old=old, new=new,
            changed=_changed_keys(old, new) if op in ("update", "replace") else [],
            replace_reasons=list(step.get("replaceReasons") or []),
        ))
    return out


def _changed_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    # An input left out is one the provider lets SMS decide (or an output only): not a change.
    return [k for k in sorted(new) if k != "__provider" and old.get(k) != new[k]]


def _wishes(wave: Mapping[str, Any]) -> dict[str, str]:
    """Each member's run state, as a wave's inputs (or outputs) say."""
    default = wave.get("run_state")
    special = wave.get("run_states") or {}
    tasks = wave.get("tasks")
    keys = tasks if isinstance(tasks, Mapping) else (wave.get("members") or {})
    return {str(k): str(special.get(k) or default) for k in keys}


# -- writing the review ---------------------------------------------------------------------------


def render(preview: Preview, *, stack: str | None = None) -> str:
    title = f"## Migration plan review{f': stack `{stack}`' if stack else ''}"
    if preview.errors:
        return "\n".join([title, "", *render_errors(preview.errors)]) + "\n"
    acting = [c for c in preview.changes if c.op != "same"]
    moves = [s for s in preview.servers if s.transition]
    if not acting and not moves:
        return f"{title}\n\nNo changes: the cloud already matches the plan.\n"
    lines = [title, "", render_summary(acting), ""]
    lines += render_attention(preview)
    for wave in preview.waves:
        lines += render_wave(wave, preview)
    lines += render_others(preview)
    return "\n".join(lines).rstrip() + "\n"


def render_errors(errors: list[str]) -> list[str]:
    lines = ["**The preview failed: this is not a review.** Fix these, then preview again:", ""]
    for error in errors:
        first, *rest = error.splitlines() or [""]
        lines.append(f"- {first}")
        lines += [f"  {line.strip()}" for line in rest if line.strip()]
    return lines


def render_summary(acting: list[Change]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for c in acting:
        counts[c.op] += 1
    order = ["create", "update", "replace", "delete"]
    parts = [f"{counts[op]} to {op}" for op in order if counts[op]]
    return "**" + (", ".join(parts) or "no resource changes; run states change") + "**"


def render_attention(preview: Preview) -> list[str]:
    """What cannot be undone, first: cut-overs and replacements; then what costs: test clones and
    resync rounds."""
    cut = [s for s in preview.servers if s.after == "cut_over" and s.before != "cut_over"]
    replaced = [c for c in preview.changes if c.op == "replace"]
    lines = []
    if cut or replaced:
        lines += ["### ⚠ Cannot be undone", ""]
        for s in cut:
            lines.append(f"- **Cut over** `{s.key}` (wave `{s.wave}`): launches {_target(s)} and ends the "
                         f"replication of {_source(s)}")
        for c in replaced:
            why = ", ".join(c.replace_reasons or c.changed) or "see the diff"
            note = ": its migration starts again from zero" if c.kind == TASK else ""
            lines.append(f"- **Replaced** {c.kind} `{c.name}` (deleted and created again because of "
                         f"{why}){note}")
        lines.append("")
    clones = [s for s in preview.servers if s.after == "tested" and s.before != "tested"
              and s.label.get("test_template")]
    resynced = [name for name, w in preview.waves.items()
                if w.op == "update" and "resync" in w.changed]
    if clones or resynced:
        lines += ["### Costs", ""]
        for s in clones:
            lines.append(f"- **Test clone** of `{s.key}` (wave `{s.wave}`): a server made from template "
                         f"{s.label['test_template']}, billed until you delete it; {_source(s)} keeps "
                         "syncing")
        for name in resynced:
            lines.append(f"- **Resync round** in wave `{name}`: its cut-over tasks replicate once more, "
                         "then go to the wave's run state again")
        lines.append("")
    return lines


def render_wave(name: str, preview: Preview) -> list[str]:
    servers = [s for s in preview.servers if s.wave == name]
    wave = preview.waves[name]
    old_state, new_state = wave.old.get("run_state"), wave.new.get("run_state")
    changed = [s for s in servers if s.transition or (s.task and s.task.op != "same")
               or (s.speed_limit and s.speed_limit.op != "same") or s.before is None or s.after is None]
    if not changed and wave.op == "same":
        return []
    if wave.op == "create":
        head = f"### Wave `{name}` (new, run state **{new_state}**)"
    elif wave.op == "delete":
        head = f"### Wave `{name}` (removed: its running tasks are paused unless another wave takes them)"
    elif old_state != new_state:
        head = f"### Wave `{name}` (run state {old_state} → **{new_state}**)"
    else:
        head = f"### Wave `{name}` (run state {new_state})"
    lines = [head, "", f"Tasks: {_counts(changed)}.", ""]
    if changed:
        lines += ["| server | source | target | task | run state | details |", "|---|---|---|---|---|---|"]
        lines += [_row(s) for s in changed]
        lines.append("")
    limits = [s for s in changed if s.speed_limit and s.speed_limit.op != "same"]
    if limits:
        lines.append("Bandwidth windows:")
        for s in limits:
            assert s.speed_limit is not None
            rules = s.speed_limit.new.get("rules") if s.speed_limit.op != "delete" else None
            lines.append(f"- `{s.key}` ({_OPS.get(s.speed_limit.op, s.speed_limit.op)}): {_windows(rules)}")
        lines.append("")
    return lines


def _counts(servers: list[Server]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for s in servers:
        if s.task and s.task.op in _OPS:
            counts[_OPS[s.task.op]] += 1
        elif s.before is None and s.task is not None and s.task.op == "same":
            counts["moved in"] += 1
        elif s.after is None and s.task is not None and s.task.op == "same":
            counts["moved out"] += 1
        if s.transition and (s.task is None or s.task.op != "delete"):
            counts[s.transition] += 1
    order = ["created", "moved in", "changed", "replaced", "started", "tested", "cut over", "stopped",
             "no longer managed", "moved out", "deleted"]
    return ", ".join(f"{counts[k]} {k}" for k in order if counts[k]) or "none"


def _row(s: Server) -> str:
    task_op = s.task.op if s.task else "same"
    if s.task and s.task.op == "delete":
        run = "deleted (paused first)" if s.before in ("running", "cut_over") else "deleted"
    elif s.after is None:
        run = f"{s.before or '–'} (moves to another wave)"
    elif s.before is None:
        run = f"**{s.after}**"
    elif s.before != s.after:
        run = f"{s.before} → **{s.after}**"
    else:
        run = str(s.after)
    return (f"| `{s.key}` | {_source(s)} | {_target(s)} | {_OPS.get(task_op, 'unchanged')} | {run} | "
            f"{_details(s.task) if s.task else ''} |")


def _source(s: Server) -> str:
    return str(s.label.get("source") or s.key)


def _target(s: Server) -> str:
    task = (s.task.new or s.task.old) if s.task else {}
    target = task.get("target_server")
    target = target if isinstance(target, Mapping) else {}
    name = s.label.get("target") or target.get("name") or "the target"
    vm_id = target.get("vm_id")
    if vm_id:
        return f"{name} (existing server {vm_id})"
    template = s.label.get("template")
    return f"{name} (created from template {template})" if template else str(name)


def _fmt_value(value: Any) -> str:
    if isinstance(value, dict | list):
        text = json.dumps(value, separators=(",", ":"), sort_keys=True)
        return f"`{text[:60]}…`" if len(text) > 60 else f"`{text}`"
    return f"`{value}`"


def _details(change: Change) -> str:
    parts = []
    for key in change.changed:
        before, after = change.old.get(key), change.new.get(key)
        if "[secret]" in (before, after):
            parts.append(f"{key} (secret)")
        else:
            parts.append(f"{key}: {_fmt_value(before)} → {_fmt_value(after)}")
    return "; ".join(parts)


def _windows(rules: Any) -> str:
    if not rules:
        return "no limit"
    return ", ".join(f"{r.get('start')}–{r.get('end')} {r.get('speed')} Mbit/s" for r in rules)


def render_others(preview: Preview) -> list[str]:
    in_waves = {s.key for s in preview.servers} | {f"{s.key}-bandwidth" for s in preview.servers}
    others = [c for c in preview.changes if c.op != "same" and c.kind != WAVE
              and not (c.kind in (TASK, SPEED_LIMIT) and c.name in in_waves)]
    if not others:
        return []
    lines = ["### Outside the waves", ""]
    for c in others:
        details = _details(c)
        lines.append(f"- {c.kind} `{c.name}`: {_OPS.get(c.op, c.op)}{f' ({details})' if details else ''}")
    return [*lines, ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sms-pulumi report",
                                     description="Markdown review of `pulumi preview --json` output.")
    parser.add_argument("preview", help="file with the JSON of `pulumi preview --json` ('-': stdin)")
    parser.add_argument("--stack", help="stack name shown in the title")
    args = parser.parse_args(argv)
    try:
        if args.preview == "-":
            text = sys.stdin.read()
        else:
            with open(args.preview, encoding="utf-8") as fh:
                text = fh.read()
        data = json.loads(text)
    except (OSError, json.JSONDecodeError) as exc:
        print(f"sms-pulumi report: cannot read {args.preview}: {exc}", file=sys.stderr)
        return 2
    preview = parse_preview(data)
    sys.stdout.write(render(preview, stack=args.stack))
    if preview.errors:
        print(f"sms-pulumi report: the preview failed ({len(preview.errors)} error(s)): no review",
              file=sys.stderr)
        return 1
    return 0
