"""Free TCP ports on the loopback interface, and remembering them between runs.

Ports are remembered so that a URL a person bookmarked keeps working after a restart; a remembered
port that something else has taken since is quietly replaced by a new one.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterable
from pathlib import Path

LOOPBACK = "127.0.0.1"


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    """Whether a server could bind `host:port` right now.

    Like the servers (PostgreSQL, NATS, uvicorn) this binds with SO_REUSEADDR, so that connections
    of a stopped server waiting out TIME_WAIT do not count: only a live socket on the port does.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(preferred: int | None = None, *, host: str = LOOPBACK, avoid: Iterable[int] = ()) -> int:
    """`preferred` if it is free (and not in `avoid`), else a port the operating system picks.

    Another process may take the port between this check and the server's bind; callers that
    start a server retry with a new port when the bind fails.
    """
    avoided = set(avoid)
    if preferred and preferred not in avoided and port_is_free(preferred, host):
        return preferred
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
            port: int = sock.getsockname()[1]
        if port not in avoided:
            return port


def load_ports(path: Path) -> dict[str, int]:
    """The ports remembered in `path` (a JSON object of name to port); empty if unreadable."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict):
        return {}
    return {str(k): v for k, v in raw.items() if isinstance(v, int) and 0 < v < 65536}


def save_ports(path: Path, ports: dict[str, int]) -> None:
    """Remember `ports` in `path`, replacing the file atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(ports, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def assign_ports(path: Path, names: Iterable[str], *, host: str = LOOPBACK) -> dict[str, int]:
    """A free port for each name, reusing the ones remembered in `path`; remembers the result."""
    remembered = load_ports(path)
    assigned: dict[str, int] = {}
    for name in names:
        assigned[name] = free_port(remembered.get(name), host=host, avoid=assigned.values())
    save_ports(path, {**remembered, **assigned})
    return assigned
