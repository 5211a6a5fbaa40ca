"""Inserting and reading many rows at once, below peewee's per-row model objects.

peewee's ``insert_many`` builds one SQL text per batch, which for 10,000 invoice lines costs
seconds in Python; a prepared statement with parameter rows costs milliseconds. Reading,
a model object per row costs more than everything else an export does with the row, and a
list of all rows holds the whole history in memory: ``stream`` hands out plain tuples as
the cursor reads them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from peewee import Field, ForeignKeyField, IntegerField, TextField
from peewee import __exception_wrapper__ as _as_peewee_errors

from .models import db


def insert_rows(fields: Sequence[Field], rows: Sequence[tuple]) -> None:
    """Insert ``rows`` (tuples in the order of ``fields``, all of one model)."""
    if not rows:
        return
    table = fields[0].model._meta.table_name
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    marks = ", ".join([db.obj.param] * len(fields))
    db.cursor().executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)


# Columns every driver already reads as the Python value peewee would make of them
# (booleans and dates are not: SQLite stores them as integers and text); every key of
# this schema is an integer.
_AS_READ = (IntegerField, TextField, ForeignKeyField)
BATCH = 1000  # rows fetched at a time: small next to any history, large next to a round trip


def stream(query, fields: Sequence[Field], *, server_side: bool = True) -> Iterator[tuple]:
    """The rows of ``query`` selecting ``fields``, as tuples of Python values, read in
    batches while the caller consumes them (in the query's order).

    PostgreSQL reads through a server-side cursor, so neither the driver nor the server
    hands over the whole result at once; it must run inside a transaction. Without
    ``server_side`` the driver holds the whole result (for a query that locks its rows,
    which a cursor would lock only as it fetches them). SQLite's cursor steps through the
    result as it is fetched.
    """
    sql, params = query.select(*fields).sql()
    convert = [(i, f.python_value) for i, f in enumerate(fields) if not isinstance(f, _AS_READ)]
    database = db.obj
    opener = getattr(database, "streaming_cursor", None)
    cursor = opener() if server_side and opener is not None else database.cursor()
    try:
        with _as_peewee_errors:  # a driver's error reads as any other query's
            cursor.execute(sql, params)
        while rows := _fetch(cursor):
            if not convert:
                yield from rows
                continue
            for row in rows:
                values = list(row)
                for index, python_value in convert:
                    values[index] = python_value(values[index])
                yield tuple(values)
    finally:
        cursor.close()


def _fetch(cursor) -> list[tuple]:
    with _as_peewee_errors:
        return cursor.fetchmany(BATCH)
