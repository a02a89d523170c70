"""Send a citizen notification by SMS, the e-Mongolia inbox or e-mail. Each carries a message id derived
from the case and status; the SMS gateway and inbox drop repeats, e-mail is guarded by a local outbox."""

import asyncio
import smtplib
from email.message import EmailMessage
from typing import Literal

import httpx

from workers.clients.http import call, refuse
from workers.clients.outbox import Outbox
from workers.errors import TransientError

Channel = Literal["sms", "inbox", "email"]


class Notifier:
    def __init__(
        self, client: httpx.AsyncClient, sms_url: str, inbox_url: str,
        smtp_host: str, smtp_port: int, mail_from: str, outbox: Outbox,
    ) -> None:
        self._client = client
        self._sms_url = sms_url.rstrip("/")
        self._inbox_url = inbox_url.rstrip("/")
        self._smtp = (smtp_host, smtp_port)
        self._mail_from = mail_from
        self._outbox = outbox

    async def sms(self, phone: str, text: str, message_id: str) -> None:
        response = await call(self._client, "SMS gateway", "POST", f"{self._sms_url}/sms/messages",
                              json={"to": phone, "text": text, "messageId": message_id})
        if response.status_code != 200:
            raise refuse("SMS gateway", response)

    async def inbox(self, register_number: str, title: str, body: str, message_id: str) -> None:
        response = await call(self._client, "e-Mongolia inbox", "POST", f"{self._inbox_url}/inbox/messages",
                              json={"regnum": register_number, "title": title, "body": body, "messageId": message_id})
        if response.status_code != 200:
            raise refuse("e-Mongolia inbox", response)

    async def email(self, to: str, subject: str, body: str, message_id: str) -> None:
        if self._outbox.was_sent(message_id):
            return
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self._mail_from, to, subject
        message["Message-ID"] = f"<{message_id}@esra.local>"
        message.set_content(body)
        try:
            await asyncio.to_thread(self._send_mail, message)
        except (OSError, smtplib.SMTPException) as error:
            raise TransientError(f"mail server {self._smtp[0]}:{self._smtp[1]}: {error}") from error
        self._outbox.mark_sent(message_id)

    def _send_mail(self, message: EmailMessage) -> None:
        with smtplib.SMTP(*self._smtp, timeout=10) as smtp:
            smtp.send_message(message)
