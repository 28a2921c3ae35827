"""Channels' `database_sync_to_async`, typed: run a sync function that uses the database in a
worker thread (which closes stale connections first) and await its result."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar, cast

from channels.db import database_sync_to_async

P = ParamSpec("P")
R = TypeVar("R")


def in_db_thread(fn: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """`await in_db_thread(selector)(match_id=...)`: the selector's own signature, awaited."""
    return cast(Callable[P, Awaitable[R]], database_sync_to_async(fn))
