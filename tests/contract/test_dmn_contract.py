"""workflows/ComplaintRouting.dmn read straight from the XML: a Modeler-ready DMN 1.3 decision table for the Camunda 7
(Operaton) DMN engine whose groups are the Agency's candidate groups, whose units match them, and whose numbers agree
with the catalogue."""

import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
import yaml

from catalog import DeadlineKind, load_complaint_rules
from engine.settings import PROJECT_ROOT

DMN_FILE = PROJECT_ROOT / "workflows" / "ComplaintRouting.dmn"
ROLES_FILE = PROJECT_ROOT / "catalog" / "roles.yaml"
DMN = "{https://www.omg.org/spec/DMN/20191111/MODEL/}"
DMNDI = "{https://www.omg.org/spec/DMN/20191111/DMNDI/}"
INPUTS = ["kind", "topic", "agency", "channel"]
OUTPUTS = ["responsibleUnit", "candidateGroup", "firstLevelResolution", "deadlineDays", "deadlineKind"]
READABLE_ID = re.compile(r"^[A-Z][A-Za-z]*(_[A-Z][A-Za-z]*)*$")
# The types Operaton's DMN engine knows (DefaultDataTypeTransformerRegistry); any other typeRef is logged as
# unsupported and its value passed on unconverted.
ENGINE_TYPES = {"string", "boolean", "integer", "long", "double", "date"}


@cache
def table(path: Path = DMN_FILE) -> ET.Element:
    root = ET.parse(path).getroot()
    decision = root.find(f"{DMN}decision[@id='ComplaintRouting']")
    assert decision is not None, f"{path.name}: no decision with id ComplaintRouting"
    found = decision.find(f"{DMN}decisionTable")
    assert found is not None, f"{path.name}: ComplaintRouting is not a decision table"
    return found


def rule_ids() -> list[str]:
    return [rule.get("id", "") for rule in table().iter(f"{DMN}rule")]


def rules() -> list[dict[str, str]]:
    """Each rule as {input expression or output name: entry text}, plus its id."""
    inputs = [i.findtext(f"{DMN}inputExpression/{DMN}text", "") for i in table().iter(f"{DMN}input")]
    outputs = [o.get("name", "") for o in table().iter(f"{DMN}output")]
    found = []
    for rule in table().iter(f"{DMN}rule"):
        entries = [e.findtext(f"{DMN}text", "").strip() for e in rule.iter(f"{DMN}inputEntry")]
        values = [e.findtext(f"{DMN}text", "").strip() for e in rule.iter(f"{DMN}outputEntry")]
        found.append({"id": rule.get("id", ""), **dict(zip(inputs, entries, strict=True)),
                      **dict(zip(outputs, values, strict=True))})
    return found


def roles() -> dict[str, str]:
    """Candidate group -> the Agency unit it belongs to."""
    data = yaml.safe_load(ROLES_FILE.read_text(encoding="utf-8"))
    return {role["group"]: role["unit"] for role in data["roles"]}


def unquoted(text: str) -> str:
    assert re.fullmatch(r'"[^"]*"', text), f"expected a string literal, got {text!r}"
    return text[1:-1]


def test_the_decision_table_is_modeler_ready() -> None:
    root = ET.parse(DMN_FILE).getroot()
    assert root.tag == f"{DMN}definitions", "DMN 1.3 namespace"
    assert table().get("hitPolicy") == "FIRST"
    shapes = [s.get("dmnElementRef") for s in root.iter(f"{DMNDI}DMNShape")]
    assert shapes == ["ComplaintRouting"], "the DRD shows the decision"
    assert [i.findtext(f"{DMN}inputExpression/{DMN}text") for i in table().iter(f"{DMN}input")] == INPUTS
    assert [o.get("name") for o in table().iter(f"{DMN}output")] == OUTPUTS
    for element in root.iter():
        if element.get("id") is not None:
            assert READABLE_ID.match(element.get("id", "")), f"unreadable id {element.get('id')!r}"
        if element.tag in (f"{DMN}input", f"{DMN}output", f"{DMN}decision"):
            assert element.get("label") or element.get("name"), f"{element.get('id')} has no name"


def test_inputs_and_outputs_have_types_the_engine_knows() -> None:
    typed = [*table().iter(f"{DMN}inputExpression"), *table().iter(f"{DMN}output")]
    assert {element.get("id"): element.get("typeRef") for element in typed
            if element.get("typeRef") not in ENGINE_TYPES} == {}


def test_at_least_fifteen_rules_each_explained_and_the_last_catches_everything() -> None:
    found = rules()
    assert len(found) >= 16
    assert len(rule_ids()) == len(set(rule_ids()))
    for rule in table().iter(f"{DMN}rule"):
        assert (rule.findtext(f"{DMN}description") or "").strip(), f"{rule.get('id')} has no description"
    *specific, last = found
    assert last["id"] == "Rule_CatchAll"
    assert all(last[name] in ("", "-") for name in INPUTS)
    assert all(any(rule[name] not in ("", "-") for name in INPUTS) for rule in specific)


@pytest.mark.parametrize("rule", rules(), ids=lambda rule: rule["id"])
def test_every_rule_names_a_known_group_of_its_unit_and_a_valid_deadline(rule: dict[str, str]) -> None:
    groups = roles()
    group = unquoted(rule["candidateGroup"])
    assert group in groups, f"{rule['id']}: candidateGroup {group!r} is not in catalog/roles.yaml"
    assert unquoted(rule["responsibleUnit"]) == groups[group], f"{rule['id']}: the unit is not the group's"
    assert rule["firstLevelResolution"] in ("true", "false")
    assert re.fullmatch(r"[1-9][0-9]*", rule["deadlineDays"]), f"{rule['id']}: deadlineDays {rule['deadlineDays']}"
    assert unquoted(rule["deadlineKind"]) in {kind.value for kind in DeadlineKind}


@pytest.mark.parametrize("kind", ["complaint", "petition"])
def test_complaints_and_petitions_keep_the_legal_deadline_of_the_catalogue(kind: str) -> None:
    legal = load_complaint_rules().legal_deadline
    of_kind = [rule for rule in rules() if rule["kind"] == f'"{kind}"']
    assert of_kind
    for rule in of_kind:
        assert (int(rule["deadlineDays"]), unquoted(rule["deadlineKind"])) == (legal.days, legal.kind.value), rule["id"]
