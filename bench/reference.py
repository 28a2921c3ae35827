"""The reference: a minimal `websockets` broadcast() server doing the chat room's job.

Fans connect to any path and only listen; a client on /publish/<name> posts chat messages, and
each is decoded, given an id and a time, encoded once as Crease's chat frame and broadcast() to
every fan. Run: python -m bench.reference PORT (127.0.0.1 only).
"""

import asyncio
import itertools
import json
import resource
import sys
from datetime import UTC, datetime

from websockets.asyncio.server import broadcast, serve

fans = set()
ids = itertools.count(1)


async def handler(ws):
    if not ws.request.path.startswith("/publish/"):
        fans.add(ws)
        try:
            await ws.wait_closed()
        finally:
            fans.discard(ws)
        return
    name = ws.request.path.rpartition("/")[2]
    async for text in ws:
        ts = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        frame = {"type": "chat.message", "id": next(ids), "room": "bench", "username": name}
        frame.update(message=json.loads(text)["message"], ts=ts)
        broadcast(fans, json.dumps(frame, separators=(",", ":")))


async def main(port):
    options = {"compression": None, "ping_interval": None, "backlog": 4096}
    async with serve(handler, "127.0.0.1", port, **options):
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    import uvloop  # the loop uvicorn runs Crease on, so both servers share it

    uvloop.run(main(int(sys.argv[1])))
