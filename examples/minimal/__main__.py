"""A migration plan as a Pulumi program: the plan lives in plan.yaml beside this file."""

from pathlib import Path

from sms_pulumi.plan import deploy_plan

deploy_plan(Path(__file__).parent / "plan.yaml")
