"""One pydantic base for process variables: snake_case in Python, camelCase in the engine.

Structured values (lists, objects) travel as JSON text in String variables: a field whose type is not
`str` accepts that text and parses it, and `to_variables` leaves lists and dicts for the engine client
to write back as JSON text.
"""

import contextlib
import json
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic.alias_generators import to_camel


class ProcessVariables(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    @classmethod
    def variable_names(cls) -> list[str]:
        return [field.alias or name for name, field in cls.model_fields.items()]

    @model_validator(mode="before")
    @classmethod
    def parse_json_text(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        parsed = dict(data)
        for name, field in cls.model_fields.items():
            key = field.alias or name
            value = parsed.get(key, parsed.get(name))
            if isinstance(value, str) and not accepts_text(field.annotation) and value[:1] in ("[", "{"):
                with contextlib.suppress(ValueError):  # not JSON after all: validation reports the field
                    parsed[key if key in parsed else name] = json.loads(value)
        return parsed

    def to_variables(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json")


def accepts_text(annotation: Any) -> bool:
    """Whether a field takes plain text as it is (str, Any, or a union with str)."""
    if annotation is str or annotation is Any:
        return True
    if get_origin(annotation) in (Union, UnionType):
        return any(accepts_text(arg) for arg in get_args(annotation))
    return False
