"""Bulk writes the ORM makes slow: many rows of one table updated in one statement a batch."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

UPDATE_BATCH = 1000


def update_rows(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """`WITH v AS (VALUES …) UPDATE … FROM v`: each row is (pk, one Python value per name).

    Django's bulk_update writes a CASE WHEN per field and row, and building those expressions
    was most of a 100-unit import's time (profile in README "Hiệu năng / Performance"). The
    values are each field's own database value; on PostgreSQL they are cast to the column's type
    (a NULL in the first row would otherwise make the VALUES column text); SQLite needs no cast.
    """
    if not rows:
        return
    fields: list[models.Field[Any, Any]] = []
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)  # noqa: S101 - concrete columns of the model
        fields.append(field)
    quote = connection.ops.quote_name
    cast = connection.vendor == "postgresql"
    pk = model._meta.pk
    assert pk is not None  # noqa: S101 - every model has one
    placeholders = [
        f"CAST(%s AS {field.db_type(connection)})" if cast else "%s" for field in [pk, *fields]
    ]
    row_sql = "(" + ", ".join(placeholders) + ")"
    names_in_table = [quote(str(field.column)) for field in fields]
    key = quote(str(pk.column))
    columns = ", ".join([key, *names_in_table])
    assignments = ", ".join(f"{column} = v.{column}" for column in names_in_table)
    table = quote(model._meta.db_table)
    for start in range(0, len(rows), UPDATE_BATCH):
        batch = rows[start : start + UPDATE_BATCH]
        params: list[Any] = []
        for row in batch:
            params.append(row[0])
            params += [
                field.get_db_prep_save(value, connection)
                for field, value in zip(fields, row[1:], strict=True)
            ]
        values = ", ".join([row_sql] * len(batch))
        with connection.cursor() as cursor:
            cursor.execute(
                # Names come from the model (quoted), every value is a parameter.
                f"WITH v({columns}) AS (VALUES {values}) "  # noqa: S608  # nosec B608
                f"UPDATE {table} SET {assignments} FROM v WHERE {table}.{key} = v.{key}",
                params,
            )
