"""Users, groups, Tasklist filters and authorizations, written through the REST API as the administrator.

Authorization is on. Each component has its own service account with only what it needs. Staff groups are
the Agency's units (catalog/roles.yaml) and one group per unified service centre (catalog/service_centres.yaml,
`centre-capital-bayanzurkh`); each gets a staff user, Tasklist, the shared filters and the processes it may
start. Tasks themselves need no grant: a task's candidate group may read and work it (the engine's identity
links), so a centre's staff see and claim only their own centre's tasks. Everything here is idempotent: it
runs at every `up`, reads what exists in a few queries and writes only what is missing or changed.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog.loader import load_roles, load_service_centres
from catalog.model import CENTRE_GROUP_PREFIX
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


@dataclass(frozen=True)
class StaffGroup:
    """An engine group with its one staff user (user id = group id): a unit's role or a service centre."""

    id: str
    name: str  # Mongolian, as Tasklist and Admin show it
    starts: tuple[str, ...]  # processes its staff may start from Tasklist


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
GRANTED_TYPES = (APPLICATION, FILTER, PROCESS_DEFINITION, PROCESS_INSTANCE, DECISION_DEFINITION)
# Staff groups the catalogue no longer has: an older database loses their login, grants and group at the next `up`
# (service-centre-staff: every centre's tasks, before each centre had its own group).
RETIRED_STAFF_GROUPS = ("service-centre-staff",)

# Tasklist's left column, in Mongolian; each shows only tasks the staff member may see anyway, with the
# case number on every card (the task names repeat from case to case)
CARD_VARIABLES = [{"name": "caseNumber", "label": "Хэргийн дугаар"}]
FILTERS = (
    {"name": "Миний бүлгийн даалгавар", "priority": -10, "description": "Миний бүлэгт хуваарилагдсан даалгавар",
     "query": {"candidateGroupsExpression": "${currentUserGroups()}", "includeAssignedTasks": True}},
    {"name": "Надад оноогдсон", "priority": -5, "description": "Миний авсан даалгавар",
     "query": {"assigneeExpression": "${currentUser()}"}},
)


def staff_groups(catalog_dir: Path) -> list[StaffGroup]:
    """The units' roles, then one group per service centre, named after the centre."""
    roles = load_roles(catalog_dir / "roles.yaml")
    centres = load_service_centres(catalog_dir / "service_centres.yaml").service_centres
    return [*(StaffGroup(role.group, role.name_mn, tuple(role.starts)) for role in roles.roles),
            *(StaffGroup(centre.staff_group, centre.name_mn, tuple(roles.centre_staff.starts)) for centre in centres)]


def staff_grants(group: StaffGroup, filter_ids: list[str]) -> list[Grant]:
    """Tasklist, the shared filters and the definitions (names, diagrams), but no instance or history beyond
    their own tasks; and starting the processes the group may start."""
    grants = [Grant(APPLICATION, "tasklist", ("ACCESS",)), Grant(APPLICATION, "welcome", ("ACCESS",)),
              *(Grant(FILTER, fid, ("READ",)) for fid in filter_ids), Grant(PROCESS_DEFINITION, ANY, ("READ",))]
    grants += [Grant(PROCESS_DEFINITION, key, ("READ", "CREATE_INSTANCE")) for key in group.starts]
    if group.starts:
        grants.append(Grant(PROCESS_INSTANCE, ANY, ("CREATE",)))
    return grants


@dataclass
class Existing:
    """What the engine holds already, read once: the staff groups and users, and the grants we manage."""

    groups: set[str]
    users: set[str]
    grants: dict[tuple[str | None, str | None, int, str], dict[str, Any]]  # (user, group, type, resource) -> it

    @classmethod
    async def read(cls, engine: EngineClient, group_ids: list[str], user_ids: list[str]) -> "Existing":
        groups = await engine.request("GET", "/group", params={"idIn": ",".join(group_ids)})
        users = await engine.request("GET", "/user", params={"idIn": ",".join(user_ids)})
        grants = {}
        for resource_type in GRANTED_TYPES:
            for found in await engine.request("GET", "/authorization",
                                              params={"type": GRANT, "resourceType": resource_type}):
                grants[(found["userId"], found["groupId"], resource_type, found["resourceId"])] = found
        return cls({g["id"] for g in groups}, {u["id"] for u in users}, grants)


async def ensure_access(engine: EngineClient, settings: EngineSettings) -> list[str]:
    """Create what is missing; returns the staff logins, for the banner (the centres' summed up)."""
    admin = settings.admin_password.get_secret_value()
    staff_password = settings.staff_password.get_secret_value()
    filter_ids = [await ensure_filter(engine, spec) for spec in FILTERS]
    groups = staff_groups(settings.catalog_dir)
    accounts = settings.service_accounts
    staff_ids = [g.id for g in groups] + list(RETIRED_STAFF_GROUPS)
    existing = await Existing.read(engine, staff_ids, staff_ids + [a.user for a in accounts])
    for retired in RETIRED_STAFF_GROUPS:
        await retire(engine, existing, retired)
    for group in groups:
        await ensure_staff_group(engine, existing, group, filter_ids, staff_password, admin)
    for account in accounts:
        await ensure_user(engine, existing, account.user, account.password.get_secret_value(), "ESRA",
                          "service account", admin)
        for grant in SERVICE_GRANTS[account.user]:
            await ensure_grant(engine, existing, grant, user_id=account.user)
    centres = [g.id for g in groups if g.id.startswith(CENTRE_GROUP_PREFIX)]
    return [*(g.id for g in groups if g.id not in centres), f"{centres[0]} … (one per service centre: {len(centres)})"]


async def ensure_staff_group(engine: EngineClient, existing: Existing, group: StaffGroup, filter_ids: list[str],
                             staff_password: str, admin_password: str) -> None:
    """The group, its staff user (a member) and the group's grants."""
    if group.id not in existing.groups:
        await engine.request("POST", "/group/create", json={"id": group.id, "name": group.name, "type": "WORKFLOW"})
    was_member = group.id in existing.users and await is_member(engine, group.id, group.id)
    await ensure_user(engine, existing, group.id, staff_password, group.name, "", admin_password)
    if not was_member:
        await engine.request("PUT", f"/group/{group.id}/members/{group.id}")
    for grant in staff_grants(group, filter_ids):
        await ensure_grant(engine, existing, grant, group_id=group.id)


async def retire(engine: EngineClient, existing: Existing, group_id: str) -> None:
    """Remove a retired staff group with its user (user id = group id) and every grant to either."""
    if group_id not in existing.groups and group_id not in existing.users:
        return
    for owner in ({"groupIdIn": group_id}, {"userIdIn": group_id}):
        for grant in await engine.request("GET", "/authorization", params=owner):
            await engine.request("DELETE", f"/authorization/{grant['id']}")
    if group_id in existing.users:
        await engine.request("DELETE", f"/user/{group_id}")
    if group_id in existing.groups:
        await engine.request("DELETE", f"/group/{group_id}")


async def is_member(engine: EngineClient, group_id: str, user_id: str) -> bool:
    return bool(await engine.request("GET", "/user", params={"id": user_id, "memberOfGroup": group_id}))


async def ensure_user(engine: EngineClient, existing: Existing, user_id: str, password: str, first: str, last: str,
                      admin_password: str) -> None:
    """Create the user, or set the configured password (it may have changed since the last start)."""
    if user_id in existing.users:
        await engine.request("PUT", f"/user/{user_id}/credentials",
                             json={"password": password, "authenticatedUserPassword": admin_password})
        return
    await engine.request("POST", "/user/create", json={
        "profile": {"id": user_id, "firstName": first, "lastName": last, "email": f"{user_id}@esra.invalid"},
        "credentials": {"password": password}})
    existing.users.add(user_id)


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


async def ensure_grant(engine: EngineClient, existing: Existing, grant: Grant, user_id: str | None = None,
                       group_id: str | None = None) -> None:
    """Create the grant, or set its permissions when they differ."""
    body = {"type": GRANT, "permissions": list(grant.permissions), "userId": user_id, "groupId": group_id,
            "resourceType": grant.resource_type, "resourceId": grant.resource_id}
    found = existing.grants.get((user_id, group_id, grant.resource_type, grant.resource_id))
    if found is None:
        await engine.request("POST", "/authorization/create", json=body)
    elif set(found["permissions"]) != set(grant.permissions):
        await engine.request("PUT", f"/authorization/{found['id']}", json=body)
