"""Automatic capture: saves in watched folders and visited URLs become heartbeats."""
