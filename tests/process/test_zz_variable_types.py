"""After every other engine test (the file name sorts it last): no variable any instance of the suite left in
history is a Java-serialized object; structured values are JSON text in String variables."""

from collections import Counter

import pytest

from engine_client import EngineClient

pytestmark = pytest.mark.engine
ALLOWED = {"String", "Boolean", "Integer", "Long", "Double", "Null", "Date", "Short"}


async def test_every_variable_in_history_is_a_primitive_or_json_text(api: EngineClient) -> None:
    variables: list[dict[str, object]] = []
    while True:
        page = await api.request("POST", "/history/variable-instance", json={}, params={
            "firstResult": len(variables), "maxResults": 1000, "deserializeValues": "false"})
        variables.extend(page)
        if len(page) < 1000:
            break

    types = Counter(str(v["type"]) for v in variables)
    offending = sorted({(str(v["name"]), str(v["type"])) for v in variables if v["type"] not in ALLOWED})
    assert variables, "the suite left variables in history"
    assert offending == [], f"non-primitive variables in history: {offending} (all types: {dict(types)})"
