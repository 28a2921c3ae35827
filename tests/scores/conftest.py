import pytest

from scores.scorebook import cache


@pytest.fixture(autouse=True)
def fresh_engine_cache():
    """Each test starts with an empty engine cache (databases are per test)."""
    cache.clear()
    yield
    cache.clear()
