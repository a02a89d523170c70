"""The request body policy, enforced before anything parses a body (ASGI middleware, outermost of ours).

Each path has a rule: the largest body in bytes and the one media type its body must be declared as. A body
declared larger than the limit (Content-Length) is refused with 413 before it is read; otherwise the bytes are
counted as they stream in, so a chunked body or one longer than its header says is refused with 413 as soon as it
passes the limit. A body of another media type is refused with 415. Nothing of a refused body is kept or parsed,
but what is left of it is read and dropped (up to DRAIN_BYTES, within DRAIN_SECONDS) before the answer: a server
that closes while the caller still sends makes the caller's system reset the connection, and the caller would see
a broken connection instead of the 413. A caller that asked `Expect: 100-continue`, or declared more than that,
gets the answer at once and the connection closes.
"""

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
DRAIN_BYTES = 16 * 1024 * 1024
DRAIN_SECONDS = 5.0


@dataclass(frozen=True)
class BodyRule:
    max_bytes: int
    media_type: str  # e.g. application/json; parameters (charset, boundary) are not compared


class BodyTooLarge(HTTPException):
    """Raised from `receive` once the count passes the limit. An HTTPException, so FastAPI's body reading lets it
    through (it turns any other exception there into a 400) and its exception middleware answers it."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {max_bytes} bytes",
                         headers={"Connection": "close"})


class BodyLimits:
    def __init__(self, app: ASGIApp, rule_for: Callable[[str, str], BodyRule]) -> None:
        self.app = app
        self.rule_for = rule_for  # (method, path) -> the rule

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rule = self.rule_for(scope["method"], scope["path"])
        headers = Headers(scope=scope)
        declared = declared_length(headers)
        drains = headers.get("expect", "").lower() != "100-continue" and (declared or 0) <= DRAIN_BYTES
        if declared is not None and declared > rule.max_bytes:
            await refuse(scope, receive if drains else nothing, send, BodyTooLarge(rule.max_bytes))
            return
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        has_body = bool(declared) or "transfer-encoding" in headers
        if scope["method"] in WITH_BODY and has_body and media_type != rule.media_type:
            wrong_type = HTTPException(415, f"the body must be sent as {rule.media_type}")
            await refuse(scope, receive if drains else nothing, send, wrong_type)
            return

        received = 0
        responded = False

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > rule.max_bytes:
                    if message.get("more_body", False):
                        await drain(receive)
                    raise BodyTooLarge(rule.max_bytes)
            return message

        async def watching(message: Message) -> None:
            nonlocal responded
            responded = responded or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting, watching)
        except BodyTooLarge as refused:  # read outside FastAPI's body reading (nothing of ours does so today)
            if responded:
                raise
            await refuse(scope, nothing, send, refused)


def declared_length(headers: Headers) -> int | None:
    try:
        return int(headers["content-length"])
    except (KeyError, ValueError):
        return None


async def drain(receive: Receive) -> None:
    """Read and drop what is left of the body, at most DRAIN_BYTES within DRAIN_SECONDS."""
    left = DRAIN_BYTES
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(DRAIN_SECONDS):
            while left > 0:
                message = await receive()
                left -= len(message.get("body", b""))
                if message["type"] != "http.request" or not message.get("more_body", False):
                    return


async def nothing() -> Message:
    return {"type": "http.disconnect"}


async def refuse(scope: Scope, receive: Receive, send: Send, refused: HTTPException) -> None:
    """Drop the body (from `receive`), then answer and close the connection."""
    await drain(receive)
    response = JSONResponse({"detail": refused.detail}, status_code=refused.status_code,
                            headers={"Connection": "close"})
    await response(scope, nothing, send)
