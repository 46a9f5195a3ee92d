"""A real SMTP server for tests (aiosmtpd) that keeps what it receives and can go down and come back."""

from __future__ import annotations

from typing import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from server.mail import SmtpServer
from tests.services import free_port


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def handle_message(self, message) -> None:  # noqa: ANN001 - aiosmtpd's email.message.Message
        self.messages.append(message)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: ANN001, N802
        """Addresses at refused.example do not exist, as a real server says of a mistyped address."""
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class MailServer:
    """A real SMTP server on a fixed port that can go down and come back."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def up(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def down(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[tuple[SmtpServer, Inbox, MailServer]]:
    mail_server = MailServer()
    mail_server.up()
    yield (
        SmtpServer.from_url(f"smtp://127.0.0.1:{mail_server.port}", "Hallway <hallway@example.org>"),
        mail_server.inbox,
        mail_server,
    )
    mail_server.down()
