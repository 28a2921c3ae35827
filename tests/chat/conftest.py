import pytest
from asgiref.sync import sync_to_async
from django.db import connections


@pytest.fixture
async def close_thread_connections():
    """Close the database connection of asgiref's sync thread after each test, so that the
    PostgreSQL test database can be dropped at the end of the session."""
    yield
    await sync_to_async(connections.close_all)()
