"""SMTP sink: records every message (headers decoded, UTF-8 Mongolian included); faults answer 421/451."""

import asyncio
from email import message_from_bytes, policy
from email.message import EmailMessage

import structlog
from aiosmtpd.smtp import SMTP, Envelope, Session

from sandbox.state import SandboxState

log = structlog.get_logger("sandbox.mail")


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return str(part.get_content()).replace("\r\n", "\n") if part is not None else ""


class Sink:
    """aiosmtpd handler: the fault gate on MAIL FROM, recording on DATA."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          mail_options: list[str]) -> str:
        outcome = await self._state.faults.apply("mail")
        if outcome == "down":
            return "421 4.3.2 Mail service down (sandbox fault)"
        if outcome == "error":
            return "451 4.3.0 Temporary failure (sandbox fault)"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        message = message_from_bytes(raw if isinstance(raw, bytes) else raw.encode(), policy=policy.default)
        self._state.journal.record(
            "mail", mailFrom=envelope.mail_from, rcptTos=list(envelope.rcpt_tos), sender=str(message["From"] or ""),
            to=str(message["To"] or ""), subject=str(message["Subject"] or ""), body=text_of(message),
            messageId=str(message["Message-ID"] or ""),
        )
        log.info("mail.received", to=list(envelope.rcpt_tos), subject=str(message["Subject"] or ""))
        return "250 Message accepted for delivery"


async def start_smtp(state: SandboxState, host: str, port: int) -> asyncio.Server:
    """The SMTP server in the running loop (no extra thread)."""
    sink = Sink(state)
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: SMTP(sink, hostname="sandbox.local", ident="ESRA sandbox SMTP", enable_SMTPUTF8=True), host, port)
