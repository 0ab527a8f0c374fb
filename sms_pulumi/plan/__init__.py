"""Migration plans: YAML waves of servers (model), the Pulumi program made of them, and their review.

    from sms_pulumi.plan import deploy_plan
    deploy_plan(Path(__file__).parent / "plan.yaml")

| module   | what |
|---|---|
| model    | the plan's YAML: models, loading with errors that point into the file |
| program  | `deploy_plan`: the plan as Pulumi resources |
| report   | `sms-pulumi report`: a preview as a Markdown review |
"""

from sms_pulumi.plan.model import Plan, PlanError, load_plan
from sms_pulumi.plan.program import DeployedPlan, deploy_plan

__all__ = ["DeployedPlan", "Plan", "PlanError", "deploy_plan", "load_plan"]
