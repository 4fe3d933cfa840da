"""The embedded NATS server: JetStream on, a free port, streams kept over a restart."""

from __future__ import annotations

import os
import signal
import urllib.request
from pathlib import Path

import nats

from civic311_backbone.embedded import EmbeddedNats, wait_until
from tests.embedded.processes import wait_all_gone


async def test_jetstream_acknowledges_a_publish_and_keeps_the_stream(tmp_path: Path) -> None:
    server = EmbeddedNats(tmp_path / "nats")
    url = server.start()
    try:
        assert url == f"nats://127.0.0.1:{server.port}"
        assert server.port != 4222
        with urllib.request.urlopen(f"{server.monitor_url}/healthz?js-enabled-only=true") as got:
            assert got.status == 200
        client = await nats.connect(url)
        try:
            jetstream = client.jetstream()
            await jetstream.add_stream(name="EMBEDDED_TEST", subjects=["embedded.test.>"])
            ack = await jetstream.publish("embedded.test.one", b"hello", headers={"Nats-Msg-Id": "m1"})
            assert ack.stream == "EMBEDDED_TEST"
            assert ack.seq == 1
        finally:
            await client.close()
    finally:
        server.stop()
    port = int(url.rsplit(":", 1)[1])

    with EmbeddedNats(tmp_path / "nats") as again:
        assert again.port == port  # the remembered port, as it is free
        client = await nats.connect(again.url)
        try:
            info = await client.jetstream().stream_info("EMBEDDED_TEST")
            assert info.state.messages == 1
        finally:
            await client.close()


def test_a_server_left_running_on_the_store_is_replaced(tmp_path: Path) -> None:
    forgotten = EmbeddedNats(tmp_path / "nats")
    forgotten.start()
    left_pid = forgotten.pid
    assert left_pid is not None

    with EmbeddedNats(tmp_path / "nats") as server:
        wait_all_gone([left_pid])
        assert server.is_running()
    forgotten.stop()


def test_it_starts_again_after_the_server_was_killed(tmp_path: Path) -> None:
    server = EmbeddedNats(tmp_path / "nats")
    server.start()
    assert server.pid is not None
    os.kill(server.pid, signal.SIGKILL)
    wait_until(lambda: not server.is_running(), timeout=10, what="nats-server exit")
    server.stop()
    with server:
        assert server.is_running()
