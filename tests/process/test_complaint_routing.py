"""ComplaintRouting on the real engine: every rule of the DMN, hit by inputs that reach exactly that rule.

The session engine deploys workflows/ at start (an invalid DMN fails that deployment loudly); each case
evaluates the decision through the REST API v2 (`POST /v2/decision-definitions/evaluation`).
"""

import json
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from engine.api import CamundaApi, CamundaApiError
from tests.contract.test_dmn_contract import DMN_FILE, rule_ids

pytestmark = pytest.mark.engine

ADMIN, SYSTEMS, QUALITY, CENTRES = (
    "Administration", "System Integration and Training", "Quality Control", "Unified Service Centre Coordination",
)


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


async def route(api: CamundaApi, variables: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """The ids of the matched rules and the decision's output."""
    result = await api.evaluate_decision("ComplaintRouting", variables)
    assert not result.get("failureMessage"), result["failureMessage"]
    (evaluated,) = result["evaluatedDecisions"]
    return [rule["ruleId"] for rule in evaluated["matchedRules"]], json.loads(result["output"])


@pytest.mark.parametrize("case", CASES, ids=[case.rule for case in CASES])
async def test_each_rule_routes_to_its_unit_with_its_deadline(case: Case, api: CamundaApi) -> None:
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
    variables: dict[str, Any], rule: str, api: CamundaApi
) -> None:
    matched, _ = await route(api, variables)
    assert matched == [f"Rule_{rule}"]


@pytest.mark.parametrize(
    ("good", "bad", "reason"),
    [
        ('starts with(?, "capital:")', 'starts with(?, "capital:"', "FEEL unary-tests: failed to parse expression"),
        ('hitPolicy="FIRST"', 'hitPolicy="SOMETIMES"', "Failed to parse DMN"),
    ],
    ids=["feel-syntax", "hit-policy"],
)
async def test_the_engine_refuses_a_broken_copy_at_deployment(
    good: str, bad: str, reason: str, api: CamundaApi, tmp_path: Path
) -> None:
    """Why the session's deployment of workflows/ proves the real table parses: a broken one is refused."""
    text = DMN_FILE.read_text(encoding="utf-8").replace('id="ComplaintRouting"', 'id="ComplaintRoutingBroken"')
    copy = tmp_path / "ComplaintRoutingBroken.dmn"
    copy.write_text(text.replace(good, bad, 1), encoding="utf-8")

    with pytest.raises(CamundaApiError) as refused:
        await api.deploy([copy])
    assert refused.value.status == 400
    assert "'ComplaintRoutingBroken.dmn': " + reason in refused.value.body
