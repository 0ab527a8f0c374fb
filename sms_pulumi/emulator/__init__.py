"""Local emulator of the Huawei Cloud SMS v3 and OMS v2 APIs (FastAPI + uvicorn, state in SQLite).

Entry points: :class:`sms_pulumi.emulator.server.EmulatorServer` (Python, background thread) and
``python -m sms_pulumi.emulator`` / ``sms-pulumi emulator`` (foreground). Where the manual is
ambiguous, the emulator's choices are listed in ``AMBIGUITIES.md`` next to this file.
"""
