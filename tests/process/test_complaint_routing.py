"""ComplaintRouting on the real engine: every rule of the DMN, hit by inputs that reach exactly that rule.

The session engine deploys workflows/ at start; each case evaluates the decision through the REST API
(`POST /decision-definition/key/ComplaintRouting/evaluate`), and the rule that matched is read from the
history of that evaluation (`GET /history/decision-instance`, with its outputs' rule ids).
"""

from pathlib import Path
from typing import Any, NamedTuple

import pytest

from engine_client import EngineClient, EngineError
from tests.contract.test_dmn_contract import DMN_FILE, rule_ids

pytestmark = pytest.mark.engine

ADMIN, SYSTEMS, QUALITY, CENTRES = (
    "Administration", "System Integration and Training", "Quality Control", "Unified Service Centre Coordination",
)

INPUT_CLAUSES = {"kind": "Input_Kind", "topic": "Input_Topic", "agency": "Input_Agency", "channel": "Input_Channel"}


class Case(NamedTuple):
    rule: str
    kind: str
    topic: str
    agency: str
    channel: str
    unit: str
    group: str
    first_level: bool
    days: int
    deadline_kind: str


CASES = [
    Case("InquiryByCallCentre", "inquiry", "other", "tax-authority", "call-centre",
         ADMIN, "customer-service", True, 1, "working"),
    Case("InquiryByLetter", "inquiry", "service-delay", "police", "letter",
         ADMIN, "customer-service", True, 5, "working"),
    Case("Inquiry", "inquiry", "system-access", "state-registration", "portal",
         ADMIN, "customer-service", True, 3, "working"),
    Case("ComplaintSystemAccess", "complaint", "system-access", "state-registration", "portal",
         SYSTEMS, "system-integration", False, 30, "calendar"),
    Case("ComplaintPersonalData", "complaint", "personal-data", "social-insurance", "letter",
         SYSTEMS, "system-integration", False, 30, "calendar"),
    Case("ComplaintServiceDecision", "complaint", "service-decision", "land-agency", "portal",
         QUALITY, "quality-control", False, 30, "calendar"),
    Case("StaffConductAtCapitalServiceCentre", "complaint", "staff-conduct", "capital:bayanzurkh", "portal",
         CENTRES, "capital-city-coordination", False, 30, "calendar"),
    Case("StaffConductAtAimagServiceCentre", "complaint", "staff-conduct", "aimag:darkhan-uul", "service-centre",
         CENTRES, "aimag-coordination", False, 30, "calendar"),
    Case("StaffConductAtServiceCentreCounter", "complaint", "staff-conduct", "police", "service-centre",
         CENTRES, "capital-city-coordination", False, 30, "calendar"),
    Case("StaffConductOfAgency", "complaint", "staff-conduct", "tax-authority", "call-centre",
         QUALITY, "quality-control", False, 30, "calendar"),
    Case("ServiceDelayAtCapitalServiceCentre", "complaint", "service-delay", "capital:khan-uul", "service-centre",
         CENTRES, "capital-city-coordination", False, 30, "calendar"),
    Case("ServiceDelayAtAimagServiceCentre", "complaint", "service-delay", "aimag:orkhon", "call-centre",
         CENTRES, "aimag-coordination", False, 30, "calendar"),
    Case("ServiceDelayByAgency", "complaint", "service-delay", "land-agency", "portal",
         ADMIN, "customer-service", True, 30, "calendar"),
    Case("Complaint", "complaint", "other", "specialized-inspection", "letter",
         ADMIN, "customer-service", True, 30, "calendar"),
    Case("PetitionSystemAccess", "petition", "system-access", "state-registration", "letter",
         SYSTEMS, "system-integration", False, 30, "calendar"),
    Case("PetitionPersonalData", "petition", "personal-data", "social-insurance", "portal",
         SYSTEMS, "system-integration", False, 30, "calendar"),
    Case("Petition", "petition", "service-decision", "capital-governor", "service-centre",
         ADMIN, "customer-service", False, 30, "calendar"),
    Case("SuggestionOnSystems", "suggestion", "personal-data", "state-registration", "portal",
         SYSTEMS, "system-integration", False, 10, "working"),
    Case("SuggestionOnServices", "suggestion", "service-delay", "land-agency", "letter",
         QUALITY, "quality-control", False, 10, "working"),
    Case("Suggestion", "suggestion", "staff-conduct", "capital:sukhbaatar", "service-centre",
         ADMIN, "customer-service", True, 10, "working"),
    Case("CatchAll", "appeal", "other", "police", "portal",
         ADMIN, "customer-service", False, 30, "calendar"),
]


def plain(typed: dict[str, Any]) -> Any:
    return typed.get("value")


async def matched_rules(api: EngineClient, key: str, variables: dict[str, Any]) -> list[str]:
    """The rules that matched the latest stand-alone evaluation of `key` with these inputs (the history keeps
    each evaluation with its inputs and, per output, the rule that produced it)."""
    found = await api.request("GET", "/history/decision-instance", params={
        "decisionDefinitionKey": key, "includeInputs": "true", "includeOutputs": "true",
        "sortBy": "evaluationTime", "sortOrder": "desc", "maxResults": "20"})
    for instance in found:
        if instance.get("processInstanceId"):
            continue  # a business rule task of a running process, not this test's call
        inputs = {i["clauseId"]: i["value"] for i in instance["inputs"]}
        if all(inputs.get(clause) == variables.get(name) for name, clause in INPUT_CLAUSES.items()):
            return list(dict.fromkeys(o["ruleId"] for o in instance["outputs"]))
    raise AssertionError(f"no evaluation of {key} with {variables} in the history")


async def route(api: EngineClient, variables: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """The ids of the matched rules and the decision's output."""
    results = await api.evaluate_decision("ComplaintRouting", variables)
    assert len(results) == 1, results  # hit policy FIRST: one result
    output = {name: plain(typed) for name, typed in results[0].items()}
    return await matched_rules(api, "ComplaintRouting", variables), output


@pytest.mark.parametrize("case", CASES, ids=[case.rule for case in CASES])
async def test_each_rule_routes_to_its_unit_with_its_deadline(case: Case, api: EngineClient) -> None:
    matched, output = await route(
        api, {"kind": case.kind, "topic": case.topic, "agency": case.agency, "channel": case.channel}
    )

    assert matched == [f"Rule_{case.rule}"]
    assert output == {
        "responsibleUnit": case.unit, "candidateGroup": case.group, "firstLevelResolution": case.first_level,
        "deadlineDays": case.days, "deadlineKind": case.deadline_kind,
    }


def test_every_rule_of_the_table_has_a_case() -> None:
    assert [f"Rule_{case.rule}" for case in CASES] == rule_ids()


@pytest.mark.parametrize(
    ("variables", "rule"),
    [
        ({"kind": "complaint", "topic": "staff-conduct", "channel": "portal"}, "StaffConductOfAgency"),
        ({"kind": "complaint", "topic": "service-delay", "agency": None, "channel": "letter"}, "ServiceDelayByAgency"),
        ({"kind": "inquiry"}, "Inquiry"),
        ({}, "CatchAll"),
    ],
    ids=["no-agency", "null-agency", "kind-only", "nothing"],
)
async def test_missing_inputs_fall_through_to_the_general_rules(
    variables: dict[str, Any], rule: str, api: EngineClient
) -> None:
    matched, _ = await route(api, variables)
    assert matched == [f"Rule_{rule}"]


def broken_copy(tmp_path: Path, good: str, bad: str) -> Path:
    text = DMN_FILE.read_text(encoding="utf-8").replace('id="ComplaintRouting"', 'id="ComplaintRoutingBroken"')
    assert good in text
    copy = tmp_path / "ComplaintRoutingBroken.dmn"
    copy.write_text(text.replace(good, bad, 1), encoding="utf-8")
    return copy


CAPITAL_STAFF_CONDUCT = {"kind": "complaint", "topic": "staff-conduct", "agency": "capital:bayanzurkh",
                         "channel": "portal"}  # reaches Rule_StaffConductAtCapitalServiceCentre's agency entry


@pytest.mark.parametrize(
    ("good", "bad", "refused_at", "reason"),
    [
        ('starts with(?, "capital:")', 'starts with(?, "capital:"', "evaluation",
         "Cannot evaluate decision ComplaintRoutingBroken:"),
        ('hitPolicy="FIRST"', 'hitPolicy="SOMETIMES"', "deployment",
         "ENGINE-22004 Unable to transform DMN resource 'ComplaintRoutingBroken.dmn'"),
    ],
    ids=["feel-syntax", "hit-policy"],
)
async def test_the_engine_refuses_a_broken_copy_at_deployment(
    good: str, bad: str, refused_at: str, reason: str, api: EngineClient, tmp_path: Path
) -> None:
    """Why the session's deployment of workflows/ and the evaluations above prove the real table works: a broken
    copy is refused. A wrong hit policy is refused at deployment. Operaton parses a rule's FEEL only when that
    entry is evaluated, so a FEEL syntax error passes the deployment and fails every evaluation that reaches it
    (and only those: an inquiry never reaches the broken staff-conduct entry)."""
    copy = broken_copy(tmp_path, good, bad)
    if refused_at == "deployment":
        with pytest.raises(EngineError) as refused:
            await api.deploy([copy], name="broken-routing")
        assert (refused.value.status, refused.value.kind) == (500, "ProcessEngineException")
        assert reason in refused.value.message
        return

    deployment = await api.deploy([copy], name="broken-routing")
    try:
        inquiry = await api.evaluate_decision("ComplaintRoutingBroken", {
            "kind": "inquiry", "topic": "system-access", "agency": "state-registration", "channel": "portal"})
        assert inquiry[0]["candidateGroup"]["value"] == "customer-service"
        with pytest.raises(EngineError) as failed:
            await api.evaluate_decision("ComplaintRoutingBroken", CAPITAL_STAFF_CONDUCT)
        assert failed.value.status == 500
        assert reason in failed.value.message
        _, output = await route(api, CAPITAL_STAFF_CONDUCT)  # the real table, same inputs
        assert output["candidateGroup"] == "capital-city-coordination"
    finally:
        await api.request("DELETE", f"/deployment/{deployment['id']}", params={"cascade": "true"})
