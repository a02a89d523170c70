"""Process variables to and from the engine's typed form.

Primitives keep their type; lists and dicts travel as JSON text in a String (never Java-serialized),
and come back as that text: the reader's model parses it (see `workers.models.ProcessVariables`).
"""

import json
from datetime import UTC, datetime
from typing import Any

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
STRING_LIMIT = 4000  # ACT_RU_VARIABLE.TEXT_ is varchar(4000) on every database the engine supports


class VariableTooLong(ValueError):
    """A String variable over the engine's column size: keep the text shorter or store it elsewhere."""


def typed(value: Any) -> dict[str, Any]:
    """One value as the engine's typed JSON."""
    if value is None:
        return {"value": None, "type": "Null"}
    if isinstance(value, bool):
        return {"value": value, "type": "Boolean"}
    if isinstance(value, int):
        return {"value": value, "type": "Integer" if INT_MIN <= value <= INT_MAX else "Long"}
    if isinstance(value, float):
        return {"value": value, "type": "Double"}
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if len(text) > STRING_LIMIT:
        raise VariableTooLong(f"a variable of {len(text)} characters exceeds the engine's {STRING_LIMIT}")
    return {"value": text, "type": "String"}


def to_engine(variables: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: typed(value) for name, value in variables.items()}


def from_engine(variables: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Plain values of typed variables; a serialized Object is refused, it has no place in our processes."""
    plain: dict[str, Any] = {}
    for name, variable in variables.items():
        if variable.get("type") in ("Object", "Bytes", "File"):
            raise ValueError(f"variable {name!r} is of type {variable.get('type')}; expected a primitive or JSON text")
        plain[name] = variable.get("value")
    return plain


def engine_date(moment: datetime) -> str:
    """A date as the REST API's query parameters take it: 2026-11-28T09:00:00.000+0000 (no "Z", no "+00:00")."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}+0000"
