"""The round trip's fixtures (a 2024 sheet of SNV, the personas), shared with its own tests."""

from tests.scoring.exchange.test_roundtrip import people, sheet, year  # noqa: F401
