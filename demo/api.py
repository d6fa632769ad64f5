"""What the demo's commands and the tests use of it (see the package docstring)."""

from demo.build import (
    DemoError,
    DemoSummary,
    check_conflicts,
    counts,
    delete_demo,
    demo_users,
    is_loaded,
)
from demo.data import (
    CITY_NAME,
    CURRENT_YEAR,
    DEMO_MARK,
    EMAIL_DOMAIN,
    OWNER_NAME,
    PASSWORD,
    REORGANISED,
    UNITS,
    USERS,
    YEARS,
    commune_units,
)
from demo.load import load_demo

__all__ = [
    "CITY_NAME",
    "CURRENT_YEAR",
    "DEMO_MARK",
    "EMAIL_DOMAIN",
    "OWNER_NAME",
    "PASSWORD",
    "REORGANISED",
    "UNITS",
    "USERS",
    "YEARS",
    "DemoError",
    "DemoSummary",
    "check_conflicts",
    "commune_units",
    "counts",
    "delete_demo",
    "demo_users",
    "is_loaded",
    "load_demo",
]
