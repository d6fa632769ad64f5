"""Bulk writes the ORM makes slow: many rows of one table updated in one statement a batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

UPDATE_BATCH = 1000


def update_rows(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """`WITH v AS (…) UPDATE … FROM v`: each row is (pk, one Python value per name).

    Django's bulk_update writes a CASE WHEN per field and row, and building those expressions
    was most of a 100-unit import's time (profile in README "Hiệu năng / Performance"). The
    values are each field's own database value; on PostgreSQL they go as one array a column,
    cast to the column's type, in one statement; on SQLite as VALUES rows, a batch a statement.
    """
    if not rows:
        return
    fields: list[models.Field[Any, Any]] = []
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)  # noqa: S101 - concrete columns of the model
        fields.append(field)
    quote = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None  # noqa: S101 - every model has one
    names_in_table = [quote(str(field.column)) for field in fields]
    key = quote(str(pk.column))
    columns = ", ".join([key, *names_in_table])
    assignments = ", ".join(f"{column} = v.{column}" for column in names_in_table)
    table = quote(model._meta.db_table)
    prepared = [
        [row[0], *(f.get_db_prep_save(v, connection) for f, v in zip(fields, row[1:], strict=True))]
        for row in rows
    ]
    if connection.vendor == "postgresql":
        # One array a column: the statement stays short whatever the number of rows (psycopg
        # parses a statement's placeholders on the client; 4,000 of them a batch was most of a
        # 100-unit import's remaining time).
        arrays = ", ".join(
            f"unnest(CAST(%s AS {field.db_type(connection)}[]))" for field in [pk, *fields]
        )
        with connection.cursor() as cursor:
            cursor.execute(
                # Names come from the model (quoted), every value is a parameter.
                f"WITH v({columns}) AS (SELECT {arrays}) "  # noqa: S608  # nosec B608
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{key} = v.{key}",
                [list(column) for column in zip(*prepared, strict=True)],
            )
        return
    row_sql = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
    for start in range(0, len(prepared), UPDATE_BATCH):
        batch = prepared[start : start + UPDATE_BATCH]
        values = ", ".join([row_sql] * len(batch))
        with connection.cursor() as cursor:
            cursor.execute(
                # Names come from the model (quoted), every value is a parameter.
                f"WITH v({columns}) AS (VALUES {values}) "  # noqa: S608  # nosec B608
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{key} = v.{key}",
                [value for row in batch for value in row],
            )
