"""Persistence: peewee models, database set-up and numbered migrations.

peewee imports every installed PostgreSQL driver when it is first imported, which costs
about 200 ms on each command; single-user SQLite never needs one. So peewee is imported
here with the drivers hidden, and ``store.postgres`` loads psycopg only for a
``postgresql://`` database.
"""

import sys

if "peewee" not in sys.modules:
    _hidden = [name for name in ("psycopg", "psycopg2") if name not in sys.modules]
    sys.modules.update(dict.fromkeys(_hidden))
    try:
        import peewee  # noqa: F401
    finally:
        for _name in _hidden:
            sys.modules.pop(_name, None)
