"""Each service centre's staff see and work only their own citizens' cases, on the real engine over REST.

The hand-over, the document check and the follow-up of a breached agency deadline go to the group of the
citizen's service centre (`centre-<area>-<name>`, engine/access.py); a breach also to the coordination division
of the centre's area. Staff of any other centre, of the same area or not, find none of them, and claiming,
completing or reading one answers 403. The browser side is tests/browser/test_centre_access.py.
"""

from collections.abc import AsyncIterator, Awaitable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime

import pytest

from catalog.loader import load_service_centres
from engine.access import ensure_access
from engine.launcher import admin_client
from engine.settings import EngineSettings
from engine_client import EngineClient, EngineError
from tests.history import UserTask
from tests.process.documents import CHECK, FROM_CITIZEN, child_of, pdf, upload
from tests.process.harness import BATBOLD, PROCESS, SARANTUYA, Harness
from tests.process.test_public_service import SINGLE, finish

pytestmark = pytest.mark.engine

BAYANZURKH, KHAN_UUL = "centre-capital-bayanzurkh", "centre-capital-khan-uul"  # BATBOLD's centre, a neighbour
ORKHON, KHOVD = "centre-aimag-orkhon", "centre-aimag-khovd"  # SARANTUYA's centre, another aimag's
CAPITAL, AIMAG = "capital-city-coordination", "aimag-coordination"
RETIRED = "service-centre-staff"  # the one group of every centre's staff, before each centre had its own


@asynccontextmanager
async def staff(settings: EngineSettings, *groups: str) -> AsyncIterator[list[EngineClient]]:
    """A REST client per staff user (user id = group id, the staff password)."""
    async with AsyncExitStack() as stack:
        yield [await stack.enter_async_context(
            EngineClient(settings.rest_url, group, settings.staff_password.get_secret_value())) for group in groups]


async def assert_out_of_reach(settings: EngineSettings, task: UserTask, *groups: str) -> None:
    """Not listed, not found by id, and claiming, completing or reading its variables is refused."""
    async with staff(settings, *groups) as clients:
        for group, client in zip(groups, clients, strict=True):
            assert await client.tasks(processInstanceId=task.process_instance_id) == [], group
            assert await client.tasks(taskId=task.id) == [], group
            case_variables = f"/process-instance/{task.process_instance_id}/variables"
            statuses = [await status_of(client.claim(task.id, group)),
                        await status_of(client.complete_task(task.id, {})),
                        await status_of(client.request("GET", f"/task/{task.id}/variables")),
                        await status_of(client.request("GET", case_variables))]
            assert statuses == [403, 403, 403, 403], f"{group}: claim, complete, task and case variables"


async def status_of(call: Awaitable[object]) -> int:
    """The engine's answer to a call: 200, or the status it refused it with."""
    try:
        await call
    except EngineError as error:
        return error.status
    return 200


async def work_as(settings: EngineSettings, group: str, task: UserTask, variables: dict[str, object]) -> None:
    """The centre's own staff member finds the task in their list, claims it and completes it."""
    async with staff(settings, group) as (own,):
        assert [t["id"] for t in await own.tasks(processInstanceId=task.process_instance_id)] == [task.id]
        await own.claim(task.id, group)
        assert (await own.tasks(taskId=task.id))[0]["assignee"] == group
        await own.complete_task(task.id, variables)


async def test_a_walk_in_started_at_a_centre_is_handed_over_there_and_nowhere_else(
    harness: Harness, engine_settings: EngineSettings,
) -> None:
    async with staff(engine_settings, BAYANZURKH) as (centre,):  # centre staff start walk-ins from Tasklist
        instance = str((await centre.start(PROCESS, {
            "serviceCode": SINGLE, "registerNumber": BATBOLD.register_number, "birthDate": BATBOLD.birth_date,
            "phone": BATBOLD.phone, "serviceCentre": BATBOLD.service_centre, "deliveryMethod": "in-person"}))["id"])
    await harness.reached(instance, "Task_RegisterWalkInCase")
    case = str((await harness.variables(instance))["caseNumber"])
    await harness.decide(await harness.wait_forwarded(case, 1), case, 1, "approve")

    hand_over = await harness.user_task(instance, "UserTask_HandOverResult")
    assert hand_over.candidate_groups == [BAYANZURKH]
    await assert_out_of_reach(engine_settings, hand_over, KHAN_UUL, ORKHON, CAPITAL)
    await work_as(engine_settings, BAYANZURKH, hand_over, {"resultHandedOver": True})

    await finish(harness, case, instance)
    done = await harness.api.history_tasks(taskId=hand_over.id)
    assert [(t["assignee"], t["deleteReason"]) for t in done] == [(BAYANZURKH, "completed")]


async def test_a_breach_goes_to_the_citizens_centre_and_the_coordination_division_of_its_area(
    harness: Harness, engine_settings: EngineSettings,
) -> None:
    case, instance = await harness.submit(SINGLE, SARANTUYA)
    await harness.wait_forwarded(case, 1)
    await harness.reached(instance, "Task_NotifyForwarded")
    sla = await harness.variables(instance)
    await harness.fire_due(instance, "BoundaryEvent_AgencySlaWarning", datetime.fromisoformat(sla["stageWarningAt"]))
    await harness.reached(instance, "Task_RemindAgency")
    await harness.fire_due(instance, "BoundaryEvent_AgencySlaBreached", datetime.fromisoformat(sla["stageDueAt"]))

    follow_up = await harness.user_task(instance, "UserTask_FollowUpSlaBreach")
    assert sorted(follow_up.candidate_groups) == [AIMAG, ORKHON]
    await assert_out_of_reach(engine_settings, follow_up, KHOVD, BAYANZURKH, CAPITAL)
    async with staff(engine_settings, AIMAG) as (division,):  # the division sees it too, and could take it
        assert [t["id"] for t in await division.tasks(processInstanceId=instance)] == [follow_up.id]
    await work_as(engine_settings, ORKHON, follow_up, {"followUpNote": "Байгууллагатай утсаар холбогдсон"})

    await harness.reached(instance, "Task_SendBreachNotice")
    await harness.decide("police", case, 1, "approve")
    await finish(harness, case, instance)


async def test_an_upload_is_checked_by_the_citizens_centre_only(
    harness: Harness, engine_settings: EngineSettings,
) -> None:
    case, instance = await harness.submit(FROM_CITIZEN, SARANTUYA)
    child = await child_of(harness, case)
    assert (await upload(harness, case, "photo", pdf("photo"))).status_code == 202

    check = await harness.user_task(child, CHECK)
    assert check.candidate_groups == [ORKHON]
    await assert_out_of_reach(engine_settings, check, BAYANZURKH, KHOVD, AIMAG)
    await work_as(engine_settings, ORKHON, check, {"documentCheckDecision": "accept"})

    done = await harness.api.history_tasks(taskId=check.id)
    assert [(t["assignee"], t["deleteReason"]) for t in done] == [(ORKHON, "completed")]
    await harness.api.request("DELETE", f"/process-instance/{instance}")


async def test_setting_up_access_again_changes_nothing_and_every_centre_has_its_staff(
    api: EngineClient, engine_settings: EngineSettings,
) -> None:
    centres = load_service_centres().service_centres
    # what a database from before the centres' own groups holds: one group, its login and grants, for every centre
    await api.request("POST", "/group/create", json={"id": RETIRED, "name": "Үйлчилгээний төвийн ажилтан"})
    await api.request("POST", "/user/create", json={"profile": {"id": RETIRED}, "credentials": {"password": "demo"}})
    await api.request("PUT", f"/group/{RETIRED}/members/{RETIRED}")
    await api.request("POST", "/authorization/create", json={
        "type": 1, "permissions": ["ACCESS"], "groupId": RETIRED, "resourceType": 0, "resourceId": "tasklist"})

    async def grants() -> list[tuple[str, int, str, tuple[str, ...]]]:
        group_ids = ",".join(c.staff_group for c in centres)
        found = await api.request("GET", "/authorization", params={"groupIdIn": group_ids})
        return sorted((a["groupId"], a["resourceType"], a["resourceId"], tuple(sorted(a["permissions"])))
                      for a in found if a["resourceType"] in (0, 5, 6, 8))

    before = await grants()
    async with admin_client(engine_settings) as admin:
        await ensure_access(admin, engine_settings)
    assert await grants() == before
    assert await api.request("GET", "/group", params={"id": RETIRED}) == []
    assert await api.request("GET", "/user", params={"id": RETIRED}) == []
    assert await api.request("GET", "/authorization", params={"groupIdIn": RETIRED}) == []

    groups = {g["id"]: g["name"] for g in await api.request("GET", "/group", params={"idIn": ",".join(
        c.staff_group for c in centres)})}
    assert groups == {c.staff_group: c.name_mn for c in centres}
    for centre in centres:
        members = await api.request("GET", "/user", params={"memberOfGroup": centre.staff_group})
        assert [m["id"] for m in members] == [centre.staff_group]
    per_centre = {(group, kind, resource) for group, kind, resource, _ in before}
    assert (BAYANZURKH, 6, PROCESS) in per_centre, "centre staff start walk-in requests"
    # Tasklist, its welcome page, the two filters, the definitions, starting walk-ins: instance and definition
    assert len(per_centre) == len(before) == 7 * len(centres)
