"""Where `deploy_plan` used to live: programs written before sms_pulumi.plan import it from here."""

from sms_pulumi.plan import deploy_plan

__all__ = ["deploy_plan"]
