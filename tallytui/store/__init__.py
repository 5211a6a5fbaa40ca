"""Persistence: peewee models, database set-up and numbered migrations."""
