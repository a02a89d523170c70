"""Ended DocumentReductionProcess instances and their dossiers, read from Operate's public REST API.

Camunda 8.6.0 has no variable search in the REST API v2 (`POST /v2/variables/search` answers 404; it
came in 8.8), and its v2 process-instance search returns no items on OpenSearch. Operate's API v1
serves the same data from the same store; on 8.8+ only this module changes.
"""

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from engine.api import WebSession
from workers.reports.documents import EndedCollection, parse_time

PROCESS_ID = "DocumentReductionProcess"
PAGE_SIZE = 500


async def ended_collections(operate: WebSession, since: datetime | None = None) -> list[EndedCollection]:
    """Every DocumentReductionProcess that ended (completed, or ended by DOCUMENTS_MISSING) with a dossier."""
    instances = {
        int(i["key"]): i async for i in search(operate, "/v1/process-instances/search", {"bpmnProcessId": PROCESS_ID})
        if i["state"] != "ACTIVE" and (since is None or parse_time(i["startDate"]) >= since)
    }
    root_values: dict[str, dict[int, Any]] = {}
    for name in ("serviceCode", "dossier"):
        root_values[name] = {
            int(v["processInstanceKey"]): await full_value(operate, v)
            async for v in search(operate, "/v1/variables/search", {"name": name})
            if int(v["processInstanceKey"]) in instances and v["scopeKey"] == v["processInstanceKey"]
        }
    return [
        EndedCollection(key, str(root_values["serviceCode"][key]), root_values["dossier"][key])
        for key in sorted(instances)
        if key in root_values["serviceCode"] and key in root_values["dossier"]
    ]


async def search(operate: WebSession, path: str, filter_: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
    """All items of an Operate v1 search, page by page (searchAfter)."""
    body: dict[str, Any] = {"filter": filter_, "size": PAGE_SIZE}
    while True:
        page = await operate.request("POST", path, json=body)
        items = page.get("items", [])
        for item in items:
            yield item
        if len(items) < PAGE_SIZE:
            return
        body["searchAfter"] = page["sortValues"]


async def full_value(operate: WebSession, variable: dict[str, Any]) -> Any:
    """A variable's JSON value; Operate truncates long values in search results."""
    if variable.get("truncated"):
        variable = await operate.request("GET", f"/v1/variables/{variable['key']}")
    return json.loads(variable["value"])
