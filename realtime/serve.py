"""uvicorn, hardened and with a draining shutdown: `python -m realtime.serve <app> [options]`.

This runs uvicorn's own command line with these changes:
- the HTTP protocol is uvicorn's (whichever `--http` names) with a deadline on request heads
  (realtime.http): a client that sends half a request is answered 408 and closed;
- with `--ws websockets-sansio`, the WebSocket protocol is realtime.wsprotocol's (the same,
  in less memory per idle connection);
- the objects start-up made are frozen out of the garbage collector;
- every two seconds it checks the process's file descriptors and logs a warning when they run
  short (realtime.capacity), the count behind the connection cap;
- on shutdown it first stops accepting, then closes the hub's fans with 1012 in batches
  (realtime.drain), then lets uvicorn finish as usual (plain uvicorn closes every WebSocket at
  once on SIGTERM).
"""

from __future__ import annotations

import gc
import importlib
import socket

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import Server

from realtime.capacity import DescriptorWatch
from realtime.drain import drain_connections
from realtime.http import GUARDED
from realtime.wsprotocol import LeanSansIOProtocol

DESCRIPTOR_CHECK_TICKS = 20
"""uvicorn ticks every 0.1 s: check file descriptors every 2 s."""


class DrainingServer(Server):
    """A uvicorn Server with guarded HTTP protocols, a descriptor watch and a draining shutdown."""

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        # Here, not in main(): with --workers each worker process runs serve() on its own copy.
        if isinstance(self.config.http, str):
            self.config.http = GUARDED.get(self.config.http, self.config.http)
        self.descriptors = DescriptorWatch()
        if not self.config.loaded:
            self.config.load()  # the app (Django, every module) imported now, not in serve()
        if self.config.ws_protocol_class is WebSocketsSansIOProtocol:
            self.config.ws_protocol_class = LeanSansIOProtocol  # ~3 KiB less per idle fan
        freeze_startup_objects()
        await super().serve(sockets)

    async def on_tick(self, counter: int) -> bool:
        if counter % DESCRIPTOR_CHECK_TICKS == 0:
            self.descriptors.check()
        return await super().on_tick(counter)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()  # stop accepting before telling fans to come back
        await drain_connections()
        await super().shutdown(sockets)


def freeze_startup_objects() -> None:
    """Leave what start-up made (modules, settings, URL patterns: most of a fresh process's
    objects) out of every later garbage collection: they live as long as the process, and each
    full collection would walk them again while 10,000 fans wait (as Instagram's gc.freeze)."""
    gc.collect()
    gc.freeze()


def main() -> None:
    # `uvicorn.main` the attribute is the click command; the module holds the Server it builds.
    cli = importlib.import_module("uvicorn.main")
    cli.Server = DrainingServer  # type: ignore[attr-defined]
    cli.main()


if __name__ == "__main__":
    main()
