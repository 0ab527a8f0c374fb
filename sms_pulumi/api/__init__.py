"""Huawei Cloud SMS v3 / OMS v2 wire format and HTTP clients.

Submodules: ``signing`` (SDK-HMAC-SHA256), ``auth`` (httpx auth flows), ``credentials``,
``redaction``, ``codes`` (the error-code table), ``errors``, ``retry``, ``http`` (shared client pool,
redacted logging), ``pagination``, ``sms`` (SmsClient), ``oms`` (OmsClient) and ``models`` (pydantic
wire models). Import from the submodules; this package
does not re-export, so that importing ``sms_pulumi.api.signing`` stays cheap (the emulator does).
"""
