"""Users, groups, Tasklist filters and authorizations, written through the REST API as the administrator.

Authorization is on. Each component has its own service account with only what it needs; each staff
group of catalog/roles.yaml gets Tasklist, the shared filters, and the processes it may start. Tasks
themselves need no grant: a task's candidate group may read and work it (the engine's identity links).
Everything here is idempotent: it runs at every `up`.
"""

from dataclasses import dataclass
from typing import Any

from catalog.loader import load_roles
from engine.settings import EngineSettings
from engine_client import EngineClient
from local_stack import INTAKE_ACCOUNT, REPORTS_ACCOUNT, WORKERS_ACCOUNT

GRANT = 1
APPLICATION, FILTER, PROCESS_DEFINITION, PROCESS_INSTANCE, DECISION_DEFINITION = 0, 5, 6, 8, 10
ANY = "*"


@dataclass(frozen=True)
class Grant:
    resource_type: int
    resource_id: str
    permissions: tuple[str, ...]


# What each service account may do, and nothing more.
SERVICE_GRANTS: dict[str, tuple[Grant, ...]] = {
    # fetch and lock, complete, fail, throw BPMN errors: read and update instances, no deployments, no user tasks
    WORKERS_ACCOUNT.user: (Grant(PROCESS_DEFINITION, ANY, ("READ", "READ_INSTANCE", "UPDATE_INSTANCE")),),
    # start instances by message, correlate replies, find an instance (running or ended) by business key
    INTAKE_ACCOUNT.user: (
        Grant(PROCESS_DEFINITION, ANY, ("READ", "CREATE_INSTANCE", "READ_INSTANCE", "UPDATE_INSTANCE", "READ_HISTORY")),
        Grant(PROCESS_INSTANCE, ANY, ("CREATE",)),
    ),
    # read history for the reports
    REPORTS_ACCOUNT.user: (Grant(PROCESS_DEFINITION, ANY, ("READ", "READ_HISTORY")),
                           Grant(DECISION_DEFINITION, ANY, ("READ", "READ_HISTORY"))),
}

# Tasklist's left column, in Mongolian; each shows only tasks the staff member may see anyway, with the
# case number on every card (the task names repeat from case to case)
CARD_VARIABLES = [{"name": "caseNumber", "label": "Хэргийн дугаар"}]
FILTERS = (
    {"name": "Миний бүлгийн даалгавар", "priority": -10, "description": "Миний бүлэгт хуваарилагдсан даалгавар",
     "query": {"candidateGroupsExpression": "${currentUserGroups()}", "includeAssignedTasks": True}},
    {"name": "Надад оноогдсон", "priority": -5, "description": "Миний авсан даалгавар",
     "query": {"assigneeExpression": "${currentUser()}"}},
)


async def ensure_access(engine: EngineClient, settings: EngineSettings) -> list[str]:
    """Create what is missing; returns the staff and service users, for the banner."""
    admin = settings.admin_password.get_secret_value()
    filter_ids = [await ensure_filter(engine, spec) for spec in FILTERS]
    staff = []
    for role in load_roles(settings.catalog_dir / "roles.yaml").roles:
        await ensure_group(engine, role.group, role.name_mn)
        await ensure_user(engine, role.group, settings.staff_password.get_secret_value(), role.name_mn, "",
                          admin)
        await ensure_membership(engine, role.group, role.group)
        # the definitions (names, diagrams) but no instance or history beyond their own tasks
        grants = [Grant(APPLICATION, "tasklist", ("ACCESS",)), Grant(APPLICATION, "welcome", ("ACCESS",)),
                  *(Grant(FILTER, fid, ("READ",)) for fid in filter_ids), Grant(PROCESS_DEFINITION, ANY, ("READ",))]
        for process_key in role.starts:
            grants.append(Grant(PROCESS_DEFINITION, process_key, ("READ", "CREATE_INSTANCE")))
        if role.starts:
            grants.append(Grant(PROCESS_INSTANCE, ANY, ("CREATE",)))
        for grant in grants:
            await ensure_grant(engine, grant, group_id=role.group)
        staff.append(role.group)
    for account in settings.service_accounts:
        await ensure_user(engine, account.user, account.password.get_secret_value(), "ESRA", "service account",
                          admin)
        for grant in SERVICE_GRANTS[account.user]:
            await ensure_grant(engine, grant, user_id=account.user)
    return staff


async def ensure_group(engine: EngineClient, group_id: str, name: str) -> None:
    if not await engine.request("GET", "/group", params={"id": group_id}):
        await engine.request("POST", "/group/create", json={"id": group_id, "name": name, "type": "WORKFLOW"})


async def ensure_user(engine: EngineClient, user_id: str, password: str, first: str, last: str,
                      admin_password: str) -> None:
    """Create the user, or set the configured password (it may have changed since the last start)."""
    if await engine.request("GET", "/user", params={"id": user_id}):
        await engine.request("PUT", f"/user/{user_id}/credentials",
                             json={"password": password, "authenticatedUserPassword": admin_password})
        return
    await engine.request("POST", "/user/create", json={
        "profile": {"id": user_id, "firstName": first, "lastName": last, "email": f"{user_id}@esra.invalid"},
        "credentials": {"password": password}})


async def ensure_membership(engine: EngineClient, group_id: str, user_id: str) -> None:
    if not await engine.request("GET", "/user", params={"id": user_id, "memberOfGroup": group_id}):
        await engine.request("PUT", f"/group/{group_id}/members/{user_id}")


async def ensure_filter(engine: EngineClient, spec: dict[str, Any]) -> str:
    found = await engine.request("GET", "/filter", params={"resourceType": "Task", "name": spec["name"]})
    body = {"resourceType": "Task", "name": spec["name"], "owner": None, "query": spec["query"],
            "properties": {"priority": spec["priority"], "description": spec["description"], "refresh": True,
                           "variables": CARD_VARIABLES}}
    if found:
        await engine.request("PUT", f"/filter/{found[0]['id']}", json=body)
        return str(found[0]["id"])
    created = await engine.request("POST", "/filter/create", json=body)
    return str(created["id"])


async def ensure_grant(engine: EngineClient, grant: Grant, user_id: str | None = None,
                       group_id: str | None = None) -> None:
    owner = {"userIdIn": user_id} if user_id else {"groupIdIn": group_id}
    found = await engine.request("GET", "/authorization", params={
        **owner, "resourceType": grant.resource_type, "resourceId": grant.resource_id, "type": GRANT})
    body = {"type": GRANT, "permissions": list(grant.permissions), "userId": user_id, "groupId": group_id,
            "resourceType": grant.resource_type, "resourceId": grant.resource_id}
    if found:
        await engine.request("PUT", f"/authorization/{found[0]['id']}", json=body)
    else:
        await engine.request("POST", "/authorization/create", json=body)
