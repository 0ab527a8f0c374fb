"""Emulated OMS v2 (object storage migration): task groups under ``/v2/{project_id}/taskgroups``."""
