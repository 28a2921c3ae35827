"""uvicorn with a draining shutdown: `python -m realtime.serve <app> [uvicorn options]`.

Plain uvicorn closes every WebSocket at once on SIGTERM. This runs uvicorn's own command line
with one change: on shutdown it first stops accepting, then closes the hub's fans with 1012 in
batches (realtime.drain), then lets uvicorn finish as usual.
"""

from __future__ import annotations

import importlib
import socket

from uvicorn.server import Server

from realtime.drain import drain_connections


class DrainingServer(Server):
    """A uvicorn Server whose shutdown drains WebSocket fans in batches first."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()  # stop accepting before telling fans to come back
        await drain_connections()
        await super().shutdown(sockets)


def main() -> None:
    # `uvicorn.main` the attribute is the click command; the module holds the Server it builds.
    cli = importlib.import_module("uvicorn.main")
    cli.Server = DrainingServer  # type: ignore[attr-defined]
    cli.main()


if __name__ == "__main__":
    main()
