"""Free ports, and ports remembered between runs."""

from __future__ import annotations

import socket
from pathlib import Path

from civic311_backbone.embedded import assign_ports, free_port, port_is_free


def test_a_free_preferred_port_is_kept() -> None:
    port = free_port()
    assert port_is_free(port)
    assert free_port(port) == port


def test_a_taken_preferred_port_is_replaced() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        assert not port_is_free(busy)
        assert free_port(busy) != busy


def test_assigned_ports_are_distinct_and_remembered(tmp_path: Path) -> None:
    path = tmp_path / "ports.json"
    first = assign_ports(path, ["intake", "routing", "dedup"])
    assert len(set(first.values())) == 3
    assert assign_ports(path, ["intake", "routing", "dedup"]) == first


def test_an_unreadable_ports_file_means_fresh_ports(tmp_path: Path) -> None:
    path = tmp_path / "ports.json"
    path.write_text("{not json")
    assert set(assign_ports(path, ["relay"])) == {"relay"}
