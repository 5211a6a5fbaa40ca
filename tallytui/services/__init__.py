"""Use cases: one function per user intent. They run in a transaction, check permissions
and return frozen dataclasses; callers never see a database row."""

from .. import store  # noqa: F401  (first: loads peewee without the PostgreSQL drivers)
