"""One pydantic base for process variables: snake_case in Python, camelCase in the engine."""

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class ProcessVariables(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    @classmethod
    def variable_names(cls) -> list[str]:
        return [field.alias or name for name, field in cls.model_fields.items()]

    def to_variables(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json")
