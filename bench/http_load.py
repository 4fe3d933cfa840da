"""An open-loop HTTP load for a fixed offered rate: prebuilt requests written on kept-alive connections.

httpx costs a millisecond or more of CPU per request, which on this 2-core machine would take the
cores the measured services need and let the offered rate sag. Here each request's bytes are built
before the clock starts, and sending one is a write and a read of the answer's status and body.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from urllib.parse import urlencode


def form_post(host: str, path: str, fields: dict[str, str | list[str]]) -> bytes:
    """The bytes of one form-encoded POST (HTTP/1.1, kept alive)."""
    body = urlencode(fields, doseq=True).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Connections:
    """`size` kept-alive connections; a request takes a free one (there are far more than are busy)."""

    def __init__(self, host: str, port: int, size: int) -> None:
        self._host, self._port, self._size = host, port, size
        self._free: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()

    async def open(self) -> None:
        for _ in range(self._size):
            self._free.put_nowait(await asyncio.open_connection(self._host, self._port))

    async def close(self) -> None:
        while not self._free.empty():
            _, writer = self._free.get_nowait()
            writer.close()

    async def send(self, request: bytes) -> int:
        """Send one request and read its whole answer; its status code."""
        reader, writer = await self._free.get()
        try:
            writer.write(request)
            status = int((await reader.readline()).split(b" ", 2)[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            await reader.readexactly(length)
        finally:
            self._free.put_nowait((reader, writer))
        return status


async def offer(connections: Connections, requests: Sequence[bytes], rate: float) -> tuple[list[int], float]:
    """Send `requests` at `rate` per second, each on its own schedule (a slow answer does not hold back
    the next). The status codes, and the rate at which the requests actually went out."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    sent = []
    for index, request in enumerate(requests):
        delay = started + index / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        sent.append(asyncio.create_task(connections.send(request)))
    went_out = len(requests) / (loop.time() - started)
    return list(await asyncio.gather(*sent)), went_out
