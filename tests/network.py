"""Sockets for fault tests: a port where nothing listens, and one that accepts but never answers."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager


def closed_port() -> int:
    """A local port with nothing listening: connections are refused at once (a service that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def silent_port() -> Iterator[int]:
    """A local port that completes the TCP handshake and then never says a word (a hung service).

    The kernel accepts connections into the listen backlog on our behalf; nothing ever reads or writes.
    """
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        yield int(server.getsockname()[1])
