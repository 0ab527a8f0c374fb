"""Emulated SMS v3 (server migration): sources, templates, migration projects, tasks, config."""
