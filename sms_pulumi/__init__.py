"""Pulumi dynamic resources for Huawei Cloud SMS v3 and OMS v2."""
