"""SMS gateway (POST /sms/messages) and e-Mongolia inbox (POST /inbox/messages); both drop repeated messageIds."""

from typing import Any

import structlog
from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from sandbox.sms_parts import split_parts
from sandbox.state import SandboxState

log = structlog.get_logger("sandbox.messaging")
MESSAGE_ID = Field(alias="messageId", min_length=1, max_length=128)


class Sms(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    to: str = Field(pattern=r"^\+976\d{8}$")
    text: str = Field(min_length=1, max_length=1600)
    message_id: str = MESSAGE_ID


class InboxMessage(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    regnum: str = Field(pattern=r"^[А-ЯЁӨҮ]{2}\d{8}$")
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=10_000)
    message_id: str = MESSAGE_ID


def messaging_router(state: SandboxState) -> APIRouter:
    router = APIRouter(tags=["messaging"])

    @router.post("/sms/messages", dependencies=[Depends(state.gate("sms"))])
    async def send_sms(sms: Sms) -> dict[str, Any]:
        if sms.message_id in state.seen["sms"]:
            log.info("sms.duplicate", message_id=sms.message_id)
            state.journal.repeat("sms", messageId=sms.message_id)
            return {"accepted": True, "duplicate": True}
        state.seen["sms"].add(sms.message_id)
        encoding, segments = split_parts(sms.text)
        state.journal.record("sms", messageId=sms.message_id, to=sms.to, text=sms.text, segments=segments,
                             encoding=encoding)
        log.info("sms.received", to=sms.to, segments=segments, encoding=encoding)
        return {"accepted": True, "segments": segments, "encoding": encoding, "duplicate": False}

    @router.post("/inbox/messages", dependencies=[Depends(state.gate("inbox"))])
    async def send_inbox(message: InboxMessage) -> dict[str, Any]:
        if message.message_id in state.seen["inbox"]:
            log.info("inbox.duplicate", message_id=message.message_id)
            state.journal.repeat("inbox", messageId=message.message_id)
            return {"accepted": True, "duplicate": True}
        state.seen["inbox"].add(message.message_id)
        state.journal.record("inbox", messageId=message.message_id, regnum=message.regnum, title=message.title,
                             body=message.body)
        log.info("inbox.received", regnum=message.regnum, title=message.title)
        return {"accepted": True, "duplicate": False}

    return router
