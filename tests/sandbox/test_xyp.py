"""XYP over real HTTP: found, not found, unknown service code, bad token."""

import uuid

import httpx
import pytest

from sandbox.citizens import SERVICES

TOKEN = {"X-Xyp-Token": "sandbox-xyp-token"}


def query(regnum: str) -> dict[str, str]:
    return {"regnum": regnum, "requestId": f"test-{uuid.uuid4()}"}


async def test_id_card_of_a_known_citizen(client: httpx.AsyncClient) -> None:
    response = await client.post("/xyp/WS100101", headers=TOKEN, json=query("УБ99051212"))
    assert response.status_code == 200
    body = response.json()
    assert (body["found"], body["serviceCode"]) == (True, "WS100101")
    assert body["data"]["civilId"].isdigit()
    assert {k: body["data"][k] for k in ("regnum", "surname", "givenName", "birthDate", "sex")} == {
        "regnum": "УБ99051212", "surname": "Ганбаатар", "givenName": "Батболд", "birthDate": "1999-05-12",
        "sex": "male"}


@pytest.mark.parametrize("code", sorted(SERVICES))
async def test_a_citizen_with_full_records_is_found_by_every_service(client: httpx.AsyncClient, code: str) -> None:
    response = await client.post(f"/xyp/{code}", headers=TOKEN, json=query("УБ99051212"))
    assert response.status_code == 200, response.text
    assert response.json()["data"]["regnum"] == "УБ99051212"


async def test_lists_of_property_and_vehicles(client: httpx.AsyncClient) -> None:
    property_ = (await client.post("/xyp/WS100201", headers=TOKEN, json=query("ӨҮ88123134"))).json()["data"]
    vehicles = (await client.post("/xyp/WS100401", headers=TOKEN, json=query("ӨҮ88123134"))).json()["data"]
    assert len(property_["properties"]) == 2
    assert len(vehicles["vehicles"]) == 2


@pytest.mark.parametrize(("regnum", "code"), [
    ("ЮЯ99051212", "WS100101"),  # nobody has this register number
    ("ШЮ96101522", "WS100401"),  # a citizen the registry holds no vehicle for
    ("ГО67041873", "WS100102"),  # no digitised birth certificate
])
async def test_missing_person_or_record_is_404_not_found(client: httpx.AsyncClient, regnum: str, code: str) -> None:
    response = await client.post(f"/xyp/{code}", headers=TOKEN, json=query(regnum))
    assert response.status_code == 404
    assert response.json() == {"found": False, "reason": "not found"}


async def test_unknown_service_code_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/xyp/WS999999", headers=TOKEN, json=query("УБ99051212"))
    assert response.status_code == 400
    assert "WS999999" in response.json()["reason"]


@pytest.mark.parametrize("headers", [[], [(b"X-Xyp-Token", b"wrong")], [(b"X-Xyp-Token", "токен".encode())]])
async def test_missing_or_bad_token_is_401(client: httpx.AsyncClient, headers: list[tuple[bytes, bytes]]) -> None:
    response = await client.post("/xyp/WS100101", headers=headers, json=query("УБ99051212"))
    assert response.status_code == 401
    assert "X-Xyp-Token" in response.json()["reason"]


async def test_queries_are_journaled_in_order(client: httpx.AsyncClient) -> None:
    first, second = query("УБ99051212"), query("ЮЯ99051212")
    await client.post("/xyp/WS100103", headers=TOKEN, json=first)
    await client.post("/xyp/WS100103", headers=TOKEN, json=second)
    received = (await client.get("/control/xyp/received")).json()["received"]
    mine = [(e["requestId"], e["status"]) for e in received if e["requestId"] in (first["requestId"],
                                                                                second["requestId"])]
    assert mine == [(first["requestId"], 200), (second["requestId"], 404)]
    assert all("at" in e for e in received)


async def test_control_lists_the_synthetic_citizens(client: httpx.AsyncClient) -> None:
    citizens = (await client.get("/control/citizens")).json()
    assert len(citizens) == 12
    by_regnum = {c["regnum"]: c for c in citizens}
    assert "WS100401" not in by_regnum["ШЮ96101522"]["services"]
    assert by_regnum["УЮ01320955"]["birthDate"] == "2001-12-09"
