import pytest

from demo.indices import ensure_known_kinds


@pytest.fixture(autouse=True)
def _known_kinds(db):
    """The known kinds and the province group, as the migrations create them: a transactional
    test run before (tests/browser) flushes the migrations' rows."""
    ensure_known_kinds()
