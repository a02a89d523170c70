"""DESIGN.md's contracts over the Camunda 7 models: topics <-> handlers, formRef <-> files, form keys <-> variables,
BPMN error codes thrown <-> caught, messages published <-> awaited, candidate groups <-> roles; and what Operaton
needs of every model: a history time to live, a correlationKey on every message wait, only Camunda 7 namespaces."""

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog.loader import load_service_centres
from engine.settings import PROJECT_ROOT
from intake.messages import PUBLISHED_MESSAGES
from tests.contract.model_index import ModelIndex, candidate_groups, form_fields, identifiers, index_models
from tests.smoke_tasks import SMOKE_HANDLERS
from workers.registry import TaskHandler
from workers.tasks import HANDLERS

TEST_RESOURCES = PROJECT_ROOT / "tests" / "resources"
CENTRE_GROUP_TEMPLATE = "centre-{serviceCentre}"  # how the index names centre-${serviceCentre.replace(':', '-')}


@dataclass(frozen=True)
class TaskContract:
    """What a topic's handler reads, writes and may throw."""

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    errors: tuple[str, ...]

    @classmethod
    def of(cls, handler: TaskHandler[Any, Any]) -> "TaskContract":
        return cls(tuple(handler.input_model.variable_names()), tuple(handler.output_model.variable_names()),
                   tuple(handler.errors))


@dataclass(frozen=True)
class ModelSet:
    """Models, their forms and the handlers that serve them: production, or the test-only models."""

    name: str
    bpmn: list[Path]
    forms: list[Path]
    handlers: list[TaskHandler[Any, Any]]

    @property
    def index(self) -> ModelIndex:
        return index_models(self.bpmn)

    def contracts(self) -> dict[str, TaskContract]:
        return {handler.topic: TaskContract.of(handler) for handler in self.handlers}


PRODUCTION = ModelSet("production", sorted((PROJECT_ROOT / "workflows").glob("*.bpmn")),
                      sorted((PROJECT_ROOT / "forms").glob("*.form")), HANDLERS)
TEST_MODELS = ModelSet("test-resources", sorted(TEST_RESOURCES.glob("*.bpmn")), sorted(TEST_RESOURCES.glob("*.form")),
                       SMOKE_HANDLERS)
SETS = pytest.mark.parametrize("models", [PRODUCTION, TEST_MODELS], ids=lambda m: m.name)
MODEL_DIRS = (PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms", TEST_RESOURCES)
CAMUNDA_7 = ("Camunda Platform", re.compile(r"7\.\d+\.\d+"))
CAMUNDA_7_NAMESPACES = {
    "http://www.omg.org/spec/BPMN/20100524/MODEL", "http://www.omg.org/spec/BPMN/20100524/DI",
    "http://www.omg.org/spec/DD/20100524/DC", "http://www.omg.org/spec/DD/20100524/DI",
    "https://www.omg.org/spec/DMN/20191111/MODEL/", "https://www.omg.org/spec/DMN/20191111/DMNDI/",
    "http://www.omg.org/spec/DMN/20180521/DC/", "http://www.omg.org/spec/DMN/20180521/DI/",
    "http://camunda.org/schema/1.0/bpmn", "http://camunda.org/schema/1.0/dmn", "http://camunda.org/schema/modeler/1.0",
    "http://www.w3.org/2001/XMLSchema-instance",
    # Colours Camunda Modeler writes when an analyst colours an element.
    "http://www.omg.org/spec/BPMN/non-normative/color/1.0", "http://bpmn.io/schema/bpmn/biocolor/1.0",
}
MODELER = "{http://camunda.org/schema/modeler/1.0}"


def handler_mismatches(index: ModelIndex, contracts: dict[str, TaskContract]) -> list[str]:
    problems = [f"topic {t!r} ({', '.join(w)}) has no handler" for t, w in index.topics.items() if t not in contracts]
    problems += [f"handler {t} is used by no model" for t in contracts if t not in index.topics]
    return problems


def form_mismatches(index: ModelIndex, forms: list[Path]) -> list[str]:
    files = {f.stem for f in forms}
    problems = [f"formRef {f} ({', '.join(w)}) has no file" for f, w in index.form_refs.items() if f not in files]
    problems += [f"{where}: formRefBinding is {binding!r}, not 'deployment'"
                 for where, binding in index.form_ref_bindings.items() if binding != "deployment"]
    return problems + [f"form {f} is linked by no model" for f in sorted(files - set(index.form_refs))]


def form_key_mismatches(index: ModelIndex, forms: list[Path], contracts: dict[str, TaskContract]) -> list[str]:
    """Shown (readonly) fields must be produced before; entered fields must be read by something."""
    fields = {form.stem: form_fields(form) for form in forms}
    produced = {v for c in contracts.values() for v in c.outputs}
    consumed = {v for c in contracts.values() for v in c.inputs} | index.expression_names
    problems = []
    for form, form_field_list in fields.items():
        shown_elsewhere = {f.key for other, fs in fields.items() if other != form for f in fs if f.readonly}
        entered_elsewhere = {f.key for other, fs in fields.items() if other != form for f in fs if not f.readonly}
        for field in form_field_list:
            if field.readonly and field.key not in produced | entered_elsewhere:
                problems.append(f"{form}: shown field {field.key} is produced by no worker or form")
            if not field.readonly and field.key not in consumed | shown_elsewhere:
                problems.append(f"{form}: entered field {field.key} is read by no worker, expression or form")
    return problems


def error_mismatches(index: ModelIndex, contracts: dict[str, TaskContract]) -> list[str]:
    return [f"{topic} may throw {code}, caught nowhere" for topic, c in contracts.items() for code in c.errors
            if code not in index.caught_error_codes]


def history_ttl_mismatches(index: ModelIndex) -> list[str]:
    return [f"{process} has no camunda:historyTimeToLive" for process, ttl in index.history_time_to_live.items()
            if not ttl]


def correlation_key_mismatches(index: ModelIndex) -> list[str]:
    """Intake correlates a waiting message with localCorrelationKeys {"correlationKey": K}: the scope holding the
    subscription (the receive task or catch event, or a boundary event's activity) must declare that parameter."""
    return [f"{where} waits for a message without a correlationKey input parameter"
            for where, parameters in index.message_waits.items() if "correlationKey" not in parameters]


def foreign_platform_problems(paths: list[Path]) -> list[str]:
    """Namespaces no Camunda 7 tool knows (another engine's extensions), and a Modeler execution platform other
    than Camunda 7, in model and form files."""
    problems = []
    for path in paths:
        if path.suffix in (".bpmn", ".dmn"):
            namespaces = {uri for _, (_, uri) in ET.iterparse(path, events=("start-ns",))}
            problems += [f"{path.name}: namespace {uri} is not Camunda 7's"
                         for uri in sorted(namespaces - CAMUNDA_7_NAMESPACES)]
            root = ET.parse(path).getroot()
            platform = (root.get(f"{MODELER}executionPlatform"), root.get(f"{MODELER}executionPlatformVersion"))
        elif path.suffix == ".form":
            schema = json.loads(path.read_text(encoding="utf-8"))
            platform = (schema.get("executionPlatform"), schema.get("executionPlatformVersion"))
        else:
            continue
        if platform[0] != CAMUNDA_7[0] or not CAMUNDA_7[1].fullmatch(platform[1] or ""):
            problems.append(f"{path.name}: execution platform {platform}, not Camunda Platform 7.x")
    return problems


def model_files() -> list[Path]:
    return sorted(p for d in MODEL_DIRS for p in d.glob("*") if p.suffix in (".bpmn", ".dmn", ".form"))


@SETS
def test_every_topic_has_exactly_one_handler_and_every_handler_is_used(models: ModelSet) -> None:
    topics = [handler.topic for handler in models.handlers]
    assert len(topics) == len(set(topics)), f"duplicate handlers: {topics}"
    assert handler_mismatches(models.index, models.contracts()) == []


@SETS
def test_every_form_ref_resolves_to_a_file_and_every_form_is_used(models: ModelSet) -> None:
    assert form_mismatches(models.index, models.forms) == []


@SETS
def test_form_field_keys_are_process_variables(models: ModelSet) -> None:
    assert form_key_mismatches(models.index, models.forms, models.contracts()) == []


@SETS
def test_every_bpmn_error_a_worker_may_throw_is_caught(models: ModelSet) -> None:
    assert error_mismatches(models.index, models.contracts()) == []


@SETS
def test_every_executable_process_has_a_history_time_to_live(models: ModelSet) -> None:
    assert models.index.history_time_to_live, f"no executable process in {models.name}"
    assert history_ttl_mismatches(models.index) == []


@SETS
def test_every_message_wait_declares_its_correlation_key(models: ModelSet) -> None:
    assert correlation_key_mismatches(models.index) == []


def test_every_message_intake_publishes_is_awaited() -> None:
    missing = set(PUBLISHED_MESSAGES) - PRODUCTION.index.awaited_messages
    assert not missing, f"published but awaited nowhere: {sorted(missing)}"


def test_called_decisions_and_processes_exist() -> None:
    decisions = {d.get("id") for dmn in (PROJECT_ROOT / "workflows").glob("*.dmn")
                 for d in ET.parse(dmn).getroot().iter("{https://www.omg.org/spec/DMN/20191111/MODEL/}decision")}
    index = PRODUCTION.index
    assert {d: w for d, w in index.decision_refs.items() if d not in decisions} == {}
    assert {p: w for p, w in index.called_processes.items() if p not in index.process_ids} == {}


def test_candidate_groups_are_documented_roles_of_the_agencys_units() -> None:
    roles = yaml.safe_load((PROJECT_ROOT / "catalog/roles.yaml").read_text())
    groups = {role["group"] for role in roles["roles"]}
    assert all(role["unit"] in roles["units"] for role in roles["roles"])
    assert all(role["name_mn"] for role in roles["roles"])
    undocumented = {g: w for g, w in PRODUCTION.index.candidate_groups.items()
                    if g not in groups and g != CENTRE_GROUP_TEMPLATE}
    assert undocumented == {}


def test_the_citizens_centre_group_is_a_staff_group_of_every_service_centre() -> None:
    """`centre-${serviceCentre.replace(':', '-')}` must name, for every centre in the catalogue, the group
    engine/access.py creates for it, and a case's hand-over, document check and breach follow-up go there."""
    centres = load_service_centres().service_centres
    template = CENTRE_GROUP_TEMPLATE
    yielded = {template.format(serviceCentre=centre.id.replace(":", "-")) for centre in centres}
    assert yielded == {centre.staff_group for centre in centres}
    assert sorted(PRODUCTION.index.candidate_groups[template]) == [
        "DocumentReductionProcess.bpmn#UserTask_CheckUploadedDocument",
        "PublicServiceRequestProcess.bpmn#UserTask_FollowUpSlaBreach",
        "PublicServiceRequestProcess.bpmn#UserTask_HandOverResult",
    ]
    assert "serviceCentre" in PRODUCTION.index.parameter_names  # passed into the documents process


def test_a_walk_in_can_be_registered_for_every_service_centre_by_its_mongolian_name() -> None:
    form = json.loads((PROJECT_ROOT / "forms" / "service-request-intake.form").read_text(encoding="utf-8"))
    field = next(c for c in form["components"] if c.get("key") == "serviceCentre")
    assert [(v["value"], v["label"]) for v in field["values"]] == [
        (c.id, c.name_mn) for c in load_service_centres().service_centres]


def test_models_and_forms_are_camunda_7_only() -> None:
    assert len(model_files()) > 5
    assert foreign_platform_problems(model_files()) == []


# The checkers must catch what they claim to catch.

_PROBE = """<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">
  <bpmn:process id="P" isExecutable="true">
    <bpmn:serviceTask id="Task_PrepareGreeting" camunda:type="external" camunda:topic="no-such-topic" />
    <bpmn:userTask id="UserTask_Review" camunda:formRef="missing-form" camunda:formRefBinding="latest" />
    <bpmn:receiveTask id="ReceiveTask_AwaitAnswer" messageRef="M" />
    <bpmn:boundaryEvent id="Boundary_Answered" attachedToRef="UserTask_Review">
      <bpmn:messageEventDefinition messageRef="M" /></bpmn:boundaryEvent>
    <bpmn:endEvent id="End_Failed"><bpmn:errorEventDefinition errorRef="E" /></bpmn:endEvent>
  </bpmn:process>
  <bpmn:message id="M" name="Answered" />
  <bpmn:error id="E" errorCode="NEVER_CAUGHT" />
</bpmn:definitions>"""


def test_checkers_reject_a_broken_model_set(tmp_path: Path) -> None:
    broken = tmp_path / "Broken.bpmn"
    broken.write_text(_PROBE)
    form = tmp_path / "orphan-form.form"
    form.write_text('{"id": "orphan-form", "components": [{"key": "nobodyReadsThis", "type": "textfield"},'
                    '{"key": "nobodyWritesThis", "type": "textfield", "readonly": true}]}')
    index = index_models([broken])
    contracts = {"smoke-prepare-greeting": TaskContract(("name",), ("greeting",), ("NEVER_CAUGHT",))}

    assert handler_mismatches(index, contracts) == [
        "topic 'no-such-topic' (Broken.bpmn#Task_PrepareGreeting) has no handler",
        "handler smoke-prepare-greeting is used by no model",
    ]
    assert form_mismatches(index, [form]) == [
        "formRef missing-form (Broken.bpmn#UserTask_Review) has no file",
        "Broken.bpmn#UserTask_Review: formRefBinding is 'latest', not 'deployment'",
        "form orphan-form is linked by no model",
    ]
    assert form_key_mismatches(index, [form], contracts) == [
        "orphan-form: entered field nobodyReadsThis is read by no worker, expression or form",
        "orphan-form: shown field nobodyWritesThis is produced by no worker or form",
    ]
    assert error_mismatches(index, contracts) == ["smoke-prepare-greeting may throw NEVER_CAUGHT, caught nowhere"]
    assert history_ttl_mismatches(index) == ["Broken.bpmn#P has no camunda:historyTimeToLive"]
    assert correlation_key_mismatches(index) == [
        "Broken.bpmn#ReceiveTask_AwaitAnswer waits for a message without a correlationKey input parameter",
        "Broken.bpmn#Boundary_Answered waits for a message without a correlationKey input parameter",
    ]


def test_foreign_namespaces_and_platforms_are_found(tmp_path: Path) -> None:
    bpmn = tmp_path / "Old.bpmn"
    bpmn.write_text('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
                    ' xmlns:flowable="http://flowable.org/bpmn" xmlns:modeler="http://camunda.org/schema/modeler/1.0"'
                    ' modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0" />')
    form = tmp_path / "old.form"
    form.write_text('{"executionPlatform": "Camunda Platform", "executionPlatformVersion": "7.24.0"}')
    assert foreign_platform_problems([bpmn, form]) == [
        "Old.bpmn: namespace http://flowable.org/bpmn is not Camunda 7's",
        "Old.bpmn: execution platform ('Camunda Cloud', '8.6.0'), not Camunda Platform 7.x",
    ]


def test_model_index_reads_camunda_7_models(tmp_path: Path) -> None:
    path = tmp_path / "Catches.bpmn"
    path.write_text("""<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
      xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">
      <bpmn:process id="P" isExecutable="true" camunda:historyTimeToLive="P180D">
        <bpmn:userTask id="U" camunda:candidateGroups="quality-control, leadership" camunda:formRef="review"
            camunda:formRefBinding="deployment">
          <bpmn:extensionElements><camunda:inputOutput>
            <camunda:inputParameter name="stageNumber">${json.field(stage, 'number')}</camunda:inputParameter>
            <camunda:outputParameter name="approved">${decision == 'approve' and not empty note}
            </camunda:outputParameter>
          </camunda:inputOutput></bpmn:extensionElements>
        </bpmn:userTask>
        <bpmn:serviceTask id="S" camunda:type="external" camunda:topic="verify-identity" />
        <bpmn:boundaryEvent id="B" attachedToRef="S"><bpmn:errorEventDefinition errorRef="E" /></bpmn:boundaryEvent>
        <bpmn:receiveTask id="R" messageRef="M"><bpmn:extensionElements><camunda:inputOutput>
          <camunda:inputParameter name="correlationKey">${caseNumber}-${json.field(stage,'number')}
          </camunda:inputParameter>
        </camunda:inputOutput></bpmn:extensionElements></bpmn:receiveTask>
        <bpmn:boundaryEvent id="T" attachedToRef="R"><bpmn:timerEventDefinition>
          <bpmn:timeDate>${stageDueAt}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>
        <bpmn:callActivity id="C" calledElement="DocumentReductionProcess"><bpmn:extensionElements>
          <camunda:in source="registerNumber" target="registerNumber" />
          <camunda:in businessKey="#{execution.processBusinessKey}" />
          <camunda:out source="dossier" target="dossier" />
        </bpmn:extensionElements></bpmn:callActivity>
        <bpmn:businessRuleTask id="D1" camunda:decisionRef="ComplaintRouting" camunda:resultVariable="routing" />
        <bpmn:endEvent id="X"><bpmn:errorEventDefinition errorRef="Thrown" /></bpmn:endEvent>
        <bpmn:sequenceFlow id="F" sourceRef="U" targetRef="S">
          <bpmn:conditionExpression>${execution.getVariable('answerText') != null or reopened}
          </bpmn:conditionExpression>
        </bpmn:sequenceFlow>
      </bpmn:process>
      <bpmn:process id="Doc" isExecutable="false" />
      <bpmn:error id="E" name="Mismatch" errorCode="IDENTITY_MISMATCH" />
      <bpmn:error id="Thrown" name="Thrown" errorCode="THROWN_NOT_CAUGHT" />
      <bpmn:message id="M" name="AgencyDecision" />
    </bpmn:definitions>""")
    index = index_models([path])
    assert index.topics == {"verify-identity": ["Catches.bpmn#S"]}
    assert index.form_refs == {"review": ["Catches.bpmn#U"]}
    assert index.form_ref_bindings == {"Catches.bpmn#U": "deployment"}
    assert index.caught_error_codes == {"IDENTITY_MISMATCH"}
    assert index.awaited_messages == {"AgencyDecision"}
    assert index.message_waits == {"Catches.bpmn#R": {"correlationKey"}}
    assert set(index.candidate_groups) == {"quality-control", "leadership"}
    assert index.history_time_to_live == {"Catches.bpmn#P": "P180D"}
    assert index.decision_refs == {"ComplaintRouting": ["Catches.bpmn#D1"]}
    assert index.called_processes == {"DocumentReductionProcess": ["Catches.bpmn#C"]}
    assert index.expression_names == {"stage", "decision", "note", "caseNumber", "stageDueAt", "registerNumber",
                                      "dossier", "answerText", "reopened"}
    assert index.parameter_names == {"stageNumber", "approved", "correlationKey", "registerNumber", "dossier",
                                     "routing"}


def test_expressions_read_variables_not_beans_members_or_keywords() -> None:
    assert identifiers("json.field(stage, 'agencyName') eq 'x' and not empty clock.utc()") == {"stage"}
    assert identifiers("remindersSent lt json.size(reminderTimes) ? 'a.b' : c") == {"remindersSent", "reminderTimes",
                                                                                  "c"}
    assert identifiers("execution.getVariable(\"forwardTo\") == null") == {"forwardTo"}


def test_candidate_groups_of_an_expression_are_the_groups_it_yields() -> None:
    expression = "${serviceCentre.startsWith('capital') ? 'capital-city-coordination' : 'aimag-coordination'}"
    assert candidate_groups(expression) == ["capital-city-coordination", "aimag-coordination"]
    assert candidate_groups("${'leadership'}") == ["leadership"]
    assert candidate_groups("${candidateGroup}") == []
    assert candidate_groups("quality-control, leadership") == ["quality-control", "leadership"]
    assert candidate_groups(f"centre-${{serviceCentre.replace(':', '-')}}, {expression}") == [
        CENTRE_GROUP_TEMPLATE, "capital-city-coordination", "aimag-coordination"]
    # text around an expression that no rule knows is kept as it stands, so the roles check names it
    assert candidate_groups("centre-${serviceCentre}") == ["centre-${serviceCentre}"]
