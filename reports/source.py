"""Ended DocumentReductionProcess instances and their dossiers, from the engine's history API."""

import json
from datetime import datetime
from typing import Any

from engine_client import EngineClient, engine_date
from reports.documents import EndedCollection

PROCESS_KEY = "DocumentReductionProcess"
PAGE_SIZE = 500


async def ended_collections(engine: EngineClient, since: datetime | None = None) -> list[EndedCollection]:
    """Every DocumentReductionProcess that ended (completed, or ended by DOCUMENTS_MISSING) with a dossier."""
    query: dict[str, Any] = {"processDefinitionKey": PROCESS_KEY, "finished": True}
    if since:
        query["startedAfter"] = engine_date(since)
    instances = [i["id"] for i in await all_pages(engine, "/history/process-instance", query)]
    values: dict[str, dict[str, Any]] = {}
    for start in range(0, len(instances), 100):
        body = {"processInstanceIdIn": instances[start:start + 100], "variableNameIn": ["serviceCode", "dossier"]}
        for variable in await all_pages(engine, "/history/variable-instance", body):
            if variable["activityInstanceId"] == variable["processInstanceId"]:  # the instance's own scope
                values.setdefault(variable["processInstanceId"], {})[variable["name"]] = variable["value"]
    return [
        EndedCollection(instance, str(found["serviceCode"]), json.loads(found["dossier"]))
        for instance in sorted(instances)
        if "serviceCode" in (found := values.get(instance, {})) and found.get("dossier")
    ]


async def all_pages(engine: EngineClient, path: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every item of a history query (POST with a JSON body), page by page."""
    items: list[dict[str, Any]] = []
    while True:
        page = await engine.request("POST", path, json=body, params={
            "firstResult": len(items), "maxResults": PAGE_SIZE, "deserializeValues": "false"})
        items.extend(page)
        if len(page) < PAGE_SIZE:
            return items
