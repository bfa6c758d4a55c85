"""A local SMTP server for fault tests: accepts, refuses, answers 4xx or 5xx, or stalls, and
counts the messages it took per recipient.

Runs aiosmtpd in a thread on 127.0.0.1 (a free port). ``mode`` can change while it runs:

* ``accept``: 250 to everything;
* ``closed``: the port is closed (connection refused);
* ``busy``: 451 to RCPT (a temporary failure before the message is handed over);
* ``reject``: 550 to RCPT (a permanent refusal);
* ``stall_before_data``: RCPT is answered only after ``stall`` seconds;
* ``stall_after_data``: the message is taken (counted) and the 250 comes after ``stall`` seconds;
* ``drop_after_data``: the message is taken (counted) and the connection closed without an answer.

``on_accept`` (if set) runs in the server's thread after a message was taken and before
it answers: a test uses it to cut the worker's database connection at that moment.
"""

from __future__ import annotations

import asyncio
import collections
import email
import socket
import threading
from collections.abc import Callable
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(  # aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        mode = self.sink.mode
        if mode == "busy":
            return "451 4.3.0 Try again later <" + address + ">"
        if mode == "reject":
            return "550 5.1.1 No such user <" + address + ">"
        if mode == "stall_before_data":
            await asyncio.sleep(self.sink.stall)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else str(envelope.content).encode()
        message = email.message_from_bytes(content)
        with self.sink.lock:
            for address in envelope.rcpt_tos:
                self.sink.received[address.lower()] += 1
            self.sink.messages.append(message)
        if self.sink.on_accept is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.sink.on_accept)
        mode = self.sink.mode
        if mode == "stall_after_data":
            await asyncio.sleep(self.sink.stall)
        if mode == "drop_after_data":
            server.transport.close()
            return "421 closing"
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, *, port: int | None = None, stall: float = 2.0) -> None:
        self.port = port or free_port()
        self.stall = stall
        self.mode = "accept"
        self.lock = threading.Lock()
        self.received: collections.Counter[str] = collections.Counter()
        self.messages: list[Any] = []
        self.on_accept: Callable[[], None] | None = None
        self._controller: Controller | None = None

    def start(self) -> SmtpSink:
        if self._controller is None:
            self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
            self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def set_mode(self, mode: str) -> None:
        """Change what the server does; ``closed`` stops listening, any other mode listens."""
        self.mode = mode
        if mode == "closed":
            self.stop()
        else:
            self.start()

    def count(self, address: str) -> int:
        return self.received[address.lower()]

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
