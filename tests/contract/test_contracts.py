"""DESIGN.md's contracts: task types <-> handlers, formId <-> files, form keys <-> variables,
BPMN error codes thrown <-> caught, messages published <-> awaited, candidate groups <-> roles."""

import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from pyzeebe import ZeebeTaskRouter

from engine.settings import PROJECT_ROOT
from tests.contract.model_index import ModelIndex, candidate_groups, form_fields, index_models
from tests.smoke_tasks import router as smoke_router
from workers.handler import CONTRACTS, TaskContract
from workers.tasks import ROUTERS


@dataclass(frozen=True)
class ModelSet:
    """Models, their forms and the routers that serve them: production, or the test-only smoke set."""

    name: str
    bpmn: list[Path]
    forms: list[Path]
    routers: list[ZeebeTaskRouter]

    @property
    def index(self) -> ModelIndex:
        return index_models(self.bpmn)

    def contracts(self) -> dict[str, TaskContract]:
        return {task.type: CONTRACTS[task.type] for router in self.routers for task in router.tasks}


PRODUCTION = ModelSet("production", sorted((PROJECT_ROOT / "workflows").glob("*.bpmn")),
                      sorted((PROJECT_ROOT / "forms").glob("*.form")), ROUTERS)
SMOKE = ModelSet("smoke", [PROJECT_ROOT / "tests/resources/SmokeProcess.bpmn"],
                 [PROJECT_ROOT / "tests/resources/smoke-review.form"], [smoke_router])
SETS = pytest.mark.parametrize("models", [PRODUCTION, SMOKE], ids=lambda m: m.name)


def published_messages() -> set[str]:
    """Message names intake publishes (its registry, once intake exists)."""
    try:
        module = importlib.import_module("intake.messages")
    except ModuleNotFoundError:
        return set()
    return set(module.PUBLISHED_MESSAGES)


def handler_mismatches(index: ModelIndex, contracts: dict[str, TaskContract]) -> list[str]:
    problems = [f"task type {t} ({', '.join(w)}) has no handler" for t, w in index.task_types.items()
                if t not in contracts]
    problems += [f"handler {t} is used by no model" for t in contracts if t not in index.task_types]
    return problems


def form_mismatches(index: ModelIndex, forms: list[Path]) -> list[str]:
    files = {f.stem for f in forms}
    problems = [f"formId {f} ({', '.join(w)}) has no file" for f, w in index.form_ids.items() if f not in files]
    return problems + [f"form {f} is linked by no model" for f in sorted(files - set(index.form_ids))]


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
    return [f"{task} may throw {code}, caught nowhere" for task, c in contracts.items() for code in c.errors
            if code not in index.caught_error_codes]


@SETS
def test_every_task_type_has_exactly_one_handler_and_every_handler_is_used(models: ModelSet) -> None:
    types = [task.type for router in models.routers for task in router.tasks]
    assert len(types) == len(set(types)), f"duplicate handlers: {types}"
    assert handler_mismatches(models.index, models.contracts()) == []


@SETS
def test_every_form_id_resolves_to_a_file_and_every_form_is_used(models: ModelSet) -> None:
    assert form_mismatches(models.index, models.forms) == []


@SETS
def test_form_field_keys_are_process_variables(models: ModelSet) -> None:
    assert form_key_mismatches(models.index, models.forms, models.contracts()) == []


@SETS
def test_every_bpmn_error_a_worker_may_throw_is_caught(models: ModelSet) -> None:
    assert error_mismatches(models.index, models.contracts()) == []


def test_every_message_intake_publishes_is_awaited() -> None:
    missing = published_messages() - PRODUCTION.index.caught_messages
    assert not missing, f"published but awaited nowhere: {sorted(missing)}"


def test_candidate_groups_are_documented_roles_of_the_agencys_units() -> None:
    roles = yaml.safe_load((PROJECT_ROOT / "catalog/roles.yaml").read_text())
    groups = {role["group"] for role in roles["roles"]}
    assert all(role["unit"] in roles["units"] for role in roles["roles"])
    assert all(role["name_mn"] for role in roles["roles"])
    undocumented = {g: w for g, w in PRODUCTION.index.candidate_groups.items() if g not in groups}
    assert undocumented == {}


# The checkers must catch what they claim to catch.

def test_checkers_reject_a_broken_model_set(tmp_path: Path) -> None:
    bpmn = (PROJECT_ROOT / "tests/resources/SmokeProcess.bpmn").read_text()
    broken = tmp_path / "Broken.bpmn"
    broken.write_text(bpmn.replace('type="smoke-prepare-greeting"', 'type="no-such-task"')
                      .replace('formId="smoke-review"', 'formId="missing-form"'))
    form = tmp_path / "orphan-form.form"
    form.write_text('{"id": "orphan-form", "components": [{"key": "nobodyReadsThis", "type": "textfield"},'
                    '{"key": "nobodyWritesThis", "type": "textfield", "readonly": true}]}')
    index = index_models([broken])
    contracts = {"smoke-prepare-greeting": TaskContract(("name",), ("greeting",), ("NEVER_CAUGHT",))}

    assert handler_mismatches(index, contracts) == [
        "task type no-such-task (Broken.bpmn#Task_PrepareGreeting) has no handler",
        "handler smoke-prepare-greeting is used by no model",
    ]
    assert form_mismatches(index, [form]) == [
        "formId missing-form (Broken.bpmn#UserTask_ReviewGreeting) has no file",
        "form orphan-form is linked by no model",
    ]
    assert form_key_mismatches(index, [form], contracts) == [
        "orphan-form: entered field nobodyReadsThis is read by no worker, expression or form",
        "orphan-form: shown field nobodyWritesThis is produced by no worker or form",
    ]
    assert error_mismatches(index, contracts) == ["smoke-prepare-greeting may throw NEVER_CAUGHT, caught nowhere"]


def test_model_index_reads_errors_messages_and_groups(tmp_path: Path) -> None:
    path = tmp_path / "Catches.bpmn"
    path.write_text("""<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
      xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="t">
      <bpmn:process id="P" isExecutable="true">
        <bpmn:userTask id="U"><bpmn:extensionElements>
          <zeebe:assignmentDefinition candidateGroups="quality-control, leadership" />
        </bpmn:extensionElements></bpmn:userTask>
        <bpmn:boundaryEvent id="B" attachedToRef="U"><bpmn:errorEventDefinition errorRef="E" /></bpmn:boundaryEvent>
        <bpmn:intermediateCatchEvent id="C"><bpmn:messageEventDefinition messageRef="M" /></bpmn:intermediateCatchEvent>
      </bpmn:process>
      <bpmn:error id="E" name="Mismatch" errorCode="IDENTITY_MISMATCH" />
      <bpmn:message id="M" name="AgencyDecision"><bpmn:extensionElements>
        <zeebe:subscription correlationKey="=caseNumber" /></bpmn:extensionElements></bpmn:message>
    </bpmn:definitions>""")
    index = index_models([path])
    assert index.caught_error_codes == {"IDENTITY_MISMATCH"}
    assert index.caught_messages == {"AgencyDecision"}
    assert set(index.candidate_groups) == {"quality-control", "leadership"}
    assert "caseNumber" in index.expression_names


def test_candidate_groups_of_an_expression_are_its_list_items() -> None:
    expression = '=if starts with(centre, "capital") then ["capital-city-coordination"] else ["aimag-coordination"]'
    assert candidate_groups(expression) == ["capital-city-coordination", "aimag-coordination"]
    assert candidate_groups("quality-control, leadership") == ["quality-control", "leadership"]
