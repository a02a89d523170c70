"""What intake answers when it refuses a request: the field and the reason, never the value that was sent.

FastAPI's own 422 carries each error's `input` (the submitted value: a register number, a whole complaint) and
`ctx`; this handler keeps only `loc`, `msg` and `type`, at most MAX_PROBLEMS of them, each bounded in size, with
an unknown field's name shown only when it is a plain ASCII name, and every message scrubbed of the value and
masked, so no 4xx body holds personal data.
"""

import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from observability.masking import mask_text

MAX_PROBLEMS = 10
MAX_LOC_PARTS = 6
MAX_MESSAGE_CHARS = 200
FIELD_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
HIDDEN_NAME = "(a field name that is not shown)"


def problem(field: str, reason: str, kind: str = "value_error") -> dict[str, Any]:
    """One refusal in the shape of a validation error: callers read one format."""
    return {"loc": ["body", field], "msg": reason, "type": kind}


def refuse(field: str, reason: str) -> HTTPException:
    """A 422 for a body that is well formed but names something intake does not know."""
    return HTTPException(422, [problem(field, reason)])


def conflict(field: str) -> HTTPException:
    """A 409: the idempotency key came before with a different body."""
    reason = (f"this {field} was used before for a different body; a retry sends the same body, "
              f"a new submission a new {field}")
    return HTTPException(409, [problem(field, reason, "idempotency_conflict")])


def location(loc: Sequence[Any]) -> list[str | int]:
    shown: list[str | int] = []
    for part in list(loc)[:MAX_LOC_PARTS]:
        if isinstance(part, int):
            shown.append(part)
        else:
            shown.append(part if FIELD_NAME.fullmatch(str(part)) else HIDDEN_NAME)
    return shown


def message(error: Mapping[str, Any]) -> str:
    text = str(error.get("msg", "")).removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str) and len(value) >= 3 and value in text:
        text = text.replace(value, "…")
    return mask_text(text)[:MAX_MESSAGE_CHARS]


def problems(errors: Sequence[Any]) -> dict[str, Any]:
    shown = [{"loc": location(e.get("loc", ())), "msg": message(e), "type": str(e.get("type", ""))[:64]}
             for e in errors[:MAX_PROBLEMS]]
    body: dict[str, Any] = {"detail": shown}
    if len(errors) > MAX_PROBLEMS:
        body["omitted"] = len(errors) - MAX_PROBLEMS
    return body


async def validation_refused(_: Request, error: Exception) -> JSONResponse:
    """The handler of RequestValidationError."""
    assert isinstance(error, RequestValidationError)
    return JSONResponse(problems(error.errors()), status_code=422)
