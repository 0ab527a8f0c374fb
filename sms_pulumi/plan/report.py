"""A migration plan review for pull requests: `pulumi preview --json` in, short Markdown out.

    pulumi preview --json > preview.json
    sms-pulumi report preview.json > review.md

Per wave (the `sms:plan:Wave` component a task belongs to): tasks created, changed, started, cut
over, stopped and deleted, each task's run-state change and bandwidth windows; everything outside
the waves (project, templates, OMS task groups) after; replacements called out first, because a
replaced task restarts its migration from zero. Secret values appear as Pulumi prints them in
previews ("[secret]"): the report never sees a plaintext secret.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

TASK = "sms:Task"
SPEED_LIMIT = "sms:SpeedLimit"
WAVE = "sms:plan:Wave"
#: Steps that change nothing, or that are the second half of a replacement already counted.
_QUIET_OPS = {"same", "read", "delete-replaced", "discard-replaced", "read-replacement", "refresh"}


@dataclass
class Change:
    op: str  # create | update | replace | delete
    kind: str  # e.g. sms:Task
    name: str
    wave: str | None
    old: dict[str, Any]
    new: dict[str, Any]
    changed: list[str] = field(default_factory=list)
    replace_reasons: list[str] = field(default_factory=list)


def _kind(resource_type: str) -> str:
    # pulumi-python:dynamic/sms:Task -> sms:Task; sms:plan:Wave stays as it is
    if resource_type.startswith("pulumi-python:dynamic/"):
        module, _, name = resource_type.removeprefix("pulumi-python:dynamic/").partition(":")
        return f"{module}:{name}"
    return resource_type


def _wave_of(parent_urn: str | None) -> str | None:
    if parent_urn and f"::{WAVE}::" in parent_urn.replace("$", "::"):
        return parent_urn.rsplit("::", 1)[-1]
    return None


def _changed_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    # An input left out is one the provider lets SMS decide (or an output only): not a change.
    return [k for k in sorted(new) if k != "__provider" and old.get(k) != new[k]]


def parse_preview(data: dict[str, Any]) -> list[Change]:
    changes = []
    for step in data.get("steps") or []:
        op = step.get("op", "")
        if op in _QUIET_OPS:
            continue
        old_state = step.get("oldState") or {}
        new_state = step.get("newState") or {}
        state = new_state or old_state
        kind = _kind(state.get("type", ""))
        if kind == WAVE or kind.startswith("pulumi:"):
            continue
        if op == "create-replacement":
            op = "replace"
        old = old_state.get("outputs") or old_state.get("inputs") or {}
        new = new_state.get("inputs") or {}
        changes.append(Change(
            op=op, kind=kind, name=step.get("urn", "").rsplit("::", 1)[-1],
            wave=_wave_of(state.get("parent")), old=old, new=new,
            changed=_changed_keys(old, new) if op in ("update", "replace") else [],
            replace_reasons=list(step.get("replaceReasons") or []),
        ))
    return changes


def _run_state_change(change: Change) -> str | None:
    """What happens to a task's migration: started / cut over / stopped, or None."""
    before = None if change.op in ("create", "replace") else change.old.get("run_state")
    after = None if change.op == "delete" else change.new.get("run_state")
    if before == after or after in (None, "not_managed"):
        return None
    return {"running": "started", "cut_over": "cut over", "stopped": "stopped"}.get(str(after))


def _fmt_value(value: Any) -> str:
    if isinstance(value, dict | list):
        text = json.dumps(value, separators=(",", ":"), sort_keys=True)
        return f"`{text[:60]}…`" if len(text) > 60 else f"`{text}`"
    return f"`{value}`"


def _details(change: Change) -> str:
    parts = []
    for key in change.changed:
        if key == "run_state":
            continue
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


def render(changes: list[Change], *, stack: str | None = None) -> str:
    counts: dict[str, int] = defaultdict(int)
    for c in changes:
        counts[c.op] += 1
    title = f"## Migration plan review{f': stack `{stack}`' if stack else ''}"
    if not changes:
        return f"{title}\n\nNo changes: the cloud already matches the plan.\n"
    lines = [title, "", "**" + ", ".join(f"{n} to {op}" for op, n in sorted(counts.items())) + "**", ""]

    replaced = [c for c in changes if c.op == "replace"]
    if replaced:
        lines += ["### ⚠ Replacements", ""]
        for c in replaced:
            why = ", ".join(c.replace_reasons or c.changed) or "see the diff"
            note = " — the migration restarts from zero" if c.kind == TASK else ""
            lines.append(f"- {c.kind} `{c.name}` is deleted and created again (because of {why}){note}")
        lines.append("")

    waves: dict[str, list[Change]] = defaultdict(list)
    others: list[Change] = []
    for c in sorted(changes, key=lambda c: (c.wave or "", c.kind, c.name)):
        (waves[c.wave] if c.wave else others).append(c)
    for wave, items in waves.items():
        tasks = [c for c in items if c.kind == TASK]
        summary: dict[str, int] = defaultdict(int)
        for c in tasks:
            summary[{"create": "created", "update": "changed", "replace": "replaced",
                     "delete": "deleted"}.get(c.op, c.op)] += 1
            if (what := _run_state_change(c)) is not None:
                summary[what] += 1
        order = ["created", "changed", "replaced", "started", "cut over", "stopped", "deleted"]
        counted = ", ".join(f"{summary[k]} {k}" for k in order if summary[k]) or "none"
        lines += [f"### Wave `{wave}`", "", f"Tasks: {counted}.", ""]
        if tasks:
            lines += ["| task | change | run state | details |", "|---|---|---|---|"]
            for c in tasks:
                before = c.old.get("run_state") if c.op not in ("create",) else None
                after = c.new.get("run_state") if c.op != "delete" else None
                run = f"{before or '–'} → **{after}**" if before != after else str(after or "–")
                lines.append(f"| `{c.name}` | {c.op} | {run} | {_details(c)} |")
            lines.append("")
        limits = [c for c in items if c.kind == SPEED_LIMIT]
        if limits:
            lines.append("Bandwidth windows:")
            for c in limits:
                rules = c.new.get("rules") if c.op != "delete" else None
                lines.append(f"- `{c.name}` ({c.op}): {_windows(rules)}")
            lines.append("")
    if others:
        lines += ["### Outside the waves", ""]
        for c in others:
            details = _details(c)
            lines.append(f"- {c.kind} `{c.name}`: {c.op}{f' ({details})' if details else ''}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sms-pulumi report",
                                     description="Markdown summary of `pulumi preview --json` output.")
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
    sys.stdout.write(render(parse_preview(data), stack=args.stack))
    return 0
