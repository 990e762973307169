"""A real SMTP server on a free loopback port (aiosmtpd), for the notifier's tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller


@contextmanager
def serving(handler: Any) -> Iterator[str]:
    """Run ``handler`` (aiosmtpd's hooks) on 127.0.0.1; yield its ``smtp://`` URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()
