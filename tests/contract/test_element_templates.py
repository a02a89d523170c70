"""The Camunda Modeler element templates (.camunda/element-templates/esra-tasks.json): valid against the Camunda 7
element-templates JSON Schema, in step with the task registry (workers.tasks.HANDLERS) and with how the models use
each topic, and the XML they produce passes bpmnlint and the model contracts."""

import itertools
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import pytest

from tests.contract.conftest import REPO_ROOT, RunTool
from tests.contract.model_index import CAMUNDA, identifiers, index_models, juel_expressions
from tests.contract.test_contracts import TaskContract, foreign_platform_problems, handler_mismatches
from tools.element_templates import (
    ID_PREFIX,
    MEANINGS,
    OUTPUT,
    RETRIES_PROPERTY,
    TASK_LABELS_MN,
    TemplateError,
    build,
    generate,
    is_structured,
    template,
)
from workers.models import ProcessVariables
from workers.registry import TaskContext, TaskHandler, handles
from workers.tasks import HANDLERS

Json = dict[str, Any]
WORKFLOWS = sorted((REPO_ROOT / "workflows").glob("*.bpmn"))


def load_templates() -> list[Json]:
    assert OUTPUT.exists(), f"{OUTPUT} is missing: run .venv/bin/python tools/element_templates.py"
    templates: list[Json] = json.loads(OUTPUT.read_text(encoding="utf-8"))
    return templates


def bindings(template: Json, kind: str) -> list[Json]:
    return [p for p in template["properties"] if p["binding"]["type"] == kind]


def hidden_value(template: Json, attribute: str) -> str:
    [prop] = [p for p in bindings(template, "property") if p["binding"]["name"] == attribute]
    assert prop["type"] == "Hidden", f"{template['id']}: {attribute} must be fixed"
    return str(prop["value"])


def by_topic(templates: list[Json]) -> dict[str, Json]:
    return {hidden_value(t, "camunda:topic"): t for t in templates}


# --- In step with the registry ------------------------------------------------------------------------------------

def test_file_is_what_the_registry_generates() -> None:
    assert OUTPUT.read_text(encoding="utf-8") == generate(HANDLERS, OUTPUT), (
        f"{OUTPUT.relative_to(REPO_ROOT)} is out of date: run .venv/bin/python tools/element_templates.py")


def test_every_topic_has_one_template_and_every_template_a_topic() -> None:
    templates = load_templates()
    topics = [hidden_value(t, "camunda:topic") for t in templates]
    assert len(topics) == len(set(topics)), f"two templates for one topic: {topics}"
    assert sorted(topics) == sorted(h.topic for h in HANDLERS)
    assert all(t["id"] == ID_PREFIX + topic for t, topic in zip(templates, topics, strict=True))


@pytest.mark.parametrize("handler", HANDLERS, ids=lambda h: h.topic)
def test_template_maps_the_handlers_inputs_outputs_and_errors(handler: TaskHandler[Any, Any]) -> None:
    t = by_topic(load_templates())[handler.topic]
    assert t["appliesTo"] == ["bpmn:ServiceTask"]
    assert hidden_value(t, "camunda:type") == "external"
    assert TASK_LABELS_MN[handler.topic] in t["name"]
    [retries] = bindings(t, "camunda:property")
    assert retries["binding"]["name"] == RETRIES_PROPERTY
    assert retries["type"] == "String"
    assert re.fullmatch(retries["constraints"]["pattern"]["value"], retries["value"])

    inputs = bindings(t, "camunda:inputParameter")
    assert [p["binding"]["name"] for p in inputs] == handler.input_model.variable_names()
    for prop, field in zip(inputs, handler.input_model.model_fields.values(), strict=True):
        assert prop["value"], f"{prop['label']}: an empty input parameter would hide the process variable with null"
        if is_structured(field.annotation):
            assert prop["label"].endswith("· JSON"), prop
            assert "JSON text" in prop["description"], prop
        if prop["type"] == "Dropdown":
            assert prop["value"] in [choice["value"] for choice in prop["choices"]]
        else:
            assert prop["binding"]["name"] in prop["value"], f"{prop['label']} does not default to its variable"

    outputs = bindings(t, "camunda:outputParameter")
    names = handler.output_model.variable_names()
    assert [p["binding"]["source"] for p in outputs] == [f"${{{name}}}" for name in names]
    assert [p["value"] for p in outputs] == names  # each result goes to the process variable of its own name

    for code in handler.errors:
        assert code in t["description"], f"{handler.topic} may throw {code}: the template must say so"
    if not handler.errors:
        assert "no BPMN error" in t["description"]


def test_vocabulary_has_nothing_the_registry_lacks() -> None:
    variables = {name for h in HANDLERS for model in (h.input_model, h.output_model) for name in model.variable_names()}
    assert sorted(set(MEANINGS) - variables) == [], "meanings of variables no handler has"
    assert sorted(set(TASK_LABELS_MN) - {h.topic for h in HANDLERS}) == [], "labels of topics no handler has"
    assert all(re.search("[А-Яа-яӨөҮүЁё]", label) for label in TASK_LABELS_MN.values())


# --- The generator refuses what it cannot describe ----------------------------------------------------------------

class Mystery(ProcessVariables):
    case_number: str
    mystery_value: str


class Nothing(ProcessVariables):
    pass


async def mystery(_variables: Mystery, _context: TaskContext, _services: Any) -> Nothing:
    return Nothing()


async def plain(_variables: Nothing, _context: TaskContext, _services: Any) -> Nothing:
    return Nothing()


def test_generator_refuses_a_topic_or_variable_it_cannot_describe() -> None:
    with pytest.raises(TemplateError, match="brand-new-topic: no Mongolian label"):
        template(handles("brand-new-topic")(plain))
    with pytest.raises(TemplateError, match="variable mysteryValue has no meaning"):
        template(handles("verify-identity")(mystery))
    with pytest.raises(TemplateError, match="docstring must start with 'verify-identity: '"):
        template(handles("verify-identity")(plain))  # this module's docstring does not describe a topic


def test_version_goes_up_only_when_a_template_changes() -> None:
    first = build(HANDLERS)
    assert {t["version"] for t in first} == {1}
    assert build(HANDLERS, first) == first
    edited = [dict(t) for t in first]
    edited[0]["description"] = "an older description"
    again = build(HANDLERS, edited)
    assert [t["version"] for t in again] == [2] + [1] * (len(first) - 1)
    assert build(HANDLERS, again) == again


# --- The JSON Schema ----------------------------------------------------------------------------------------------

def test_templates_pass_the_camunda_7_schema(run_modeling_tool: RunTool) -> None:
    result = run_modeling_tool("check-element-templates.mjs", OUTPUT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_rejects_broken_templates(tmp_path: Path, run_modeling_tool: RunTool) -> None:
    templates = load_templates()
    templates[0]["properties"][2]["type"] = "Text"  # camunda:property takes String, Hidden or Dropdown
    templates[1]["properties"][2]["lable"] = "typo"  # the schema allows unknown keys; the check does not
    templates[2]["properties"][0]["binding"] = {"type": "flowable:taskListener", "property": "type"}  # not C7
    del templates[3]["name"]
    templates[4]["$schema"] = "https://example.org/another-engines-element-templates/schema.json"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(templates), encoding="utf-8")

    result = run_modeling_tool("check-element-templates.mjs", broken)
    assert result.returncode == 1, result.stdout + result.stderr
    for expected in ("[0] esra.task.compute-deadline: schema: /properties/2/type must be equal to one of the "
                     "allowed values (String, Hidden, Dropdown)",
                     '[1] esra.task.confirm-dossier-complete properties[2] (Оролдлогын тоо · Retries): unknown key '
                     '"lable"',
                     "[2] esra.task.deliver-result properties[0]: binding flowable:taskListener is not a Camunda 7 "
                     "binding type",
                     "[3] esra.task.fetch-registry-document: schema: / must have required property 'name'",
                     "[4] esra.task.forward-complaint: $schema is"):
        assert expected in result.stdout, result.stdout


# --- The models ---------------------------------------------------------------------------------------------------

def external_tasks() -> list[tuple[str, ET.Element]]:
    return [(f"{path.name}#{element.get('id')}", element) for path in WORKFLOWS
            for element in ET.parse(path).getroot().iter() if element.get(f"{CAMUNDA}type") == "external"]


def test_template_bindings_match_how_the_models_use_each_topic() -> None:
    templates = by_topic(load_templates())
    tasks = external_tasks()
    assert len(tasks) > 20
    properties_used: set[str] = set()
    for where, element in tasks:
        topic = element.get(f"{CAMUNDA}topic", "")
        assert topic in templates, f"{where}: no template for topic {topic!r}"
        t = templates[topic]
        assert hidden_value(t, "camunda:type") == element.get(f"{CAMUNDA}type")
        assert hidden_value(t, "camunda:topic") == topic
        used = {p.get("name", "") for p in element.iter(f"{CAMUNDA}property")}
        offered = {p["binding"]["name"] for p in bindings(t, "camunda:property")}
        assert used <= offered, f"{where}: extension properties {sorted(used - offered)} are not in {t['id']}"
        properties_used |= used
    assert properties_used == {RETRIES_PROPERTY}


def applied(t: Json, element_id: str, name: str) -> str:
    """The service task Camunda Modeler writes when the template is applied with its defaults (as
    bpmn-js-element-templates' CreateHelper does: an input parameter's text is the field's value; an output
    parameter is named by the field's value and holds the binding's source)."""
    attributes = {p["binding"]["name"]: p["value"] for p in bindings(t, "property")}
    attributes |= {"camunda:modelerTemplate": t["id"], "camunda:modelerTemplateVersion": str(t["version"])}
    properties = "".join(f'<camunda:property name={quoteattr(p["binding"]["name"])} value={quoteattr(p["value"])} />'
                         for p in bindings(t, "camunda:property"))
    inputs = "".join(f'<camunda:inputParameter name={quoteattr(p["binding"]["name"])}>{escape(p["value"])}'
                     "</camunda:inputParameter>" for p in bindings(t, "camunda:inputParameter"))
    outputs = "".join(f'<camunda:outputParameter name={quoteattr(p["value"])}>{escape(p["binding"]["source"])}'
                      "</camunda:outputParameter>" for p in bindings(t, "camunda:outputParameter"))
    attribute_text = " ".join(f"{key}={quoteattr(value)}" for key, value in attributes.items())
    return (f'<bpmn:serviceTask id="{element_id}" name={quoteattr(name)} {attribute_text}><bpmn:extensionElements>'
            f"<camunda:properties>{properties}</camunda:properties>"
            f"<camunda:inputOutput>{inputs}{outputs}</camunda:inputOutput></bpmn:extensionElements>")


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def probe_model(templates: list[Json]) -> str:
    """One process running a task of every template in a row, drawn, so bpmnlint judges it as a real model."""
    ids = ["StartEvent_Probe", *[f"Task_Template{i}" for i in range(len(templates))], "EndEvent_Probe"]
    flows = [(f"Flow_{i}", source, target) for i, (source, target) in enumerate(itertools.pairwise(ids))]
    incoming = {target: flow for flow, _, target in flows}
    outgoing = {source: flow for flow, source, _ in flows}
    nodes = [f'<bpmn:startEvent id="StartEvent_Probe" name="Эхэлсэн"><bpmn:outgoing>{outgoing[ids[0]]}'
             "</bpmn:outgoing></bpmn:startEvent>"]
    for element_id, t in zip(ids[1:-1], templates, strict=True):
        nodes.append(applied(t, element_id, t["name"].split(" · ")[-1])
                     + f"<bpmn:incoming>{incoming[element_id]}</bpmn:incoming>"
                     f"<bpmn:outgoing>{outgoing[element_id]}</bpmn:outgoing></bpmn:serviceTask>")
    nodes.append(f'<bpmn:endEvent id="EndEvent_Probe" name="Дууссан"><bpmn:incoming>{incoming[ids[-1]]}'
                 "</bpmn:incoming></bpmn:endEvent>")
    nodes += [f'<bpmn:sequenceFlow id="{f}" sourceRef="{s}" targetRef="{t}" />' for f, s, t in flows]
    x = {element_id: 100 + 160 * i for i, element_id in enumerate(ids)}
    shapes = [f'<bpmndi:BPMNShape id="{i}_di" bpmnElement="{i}"><dc:Bounds x="{x[i]}" y="{100 if "Task" in i else 122}"'
              f' width="{100 if "Task" in i else 36}" height="{80 if "Task" in i else 36}" /></bpmndi:BPMNShape>'
              for i in ids]
    right = {i: x[i] + (100 if "Task" in i else 36) for i in ids}
    edges = [f'<bpmndi:BPMNEdge id="{f}_di" bpmnElement="{f}"><di:waypoint x="{right[s]}" y="140" />'
             f'<di:waypoint x="{x[t]}" y="140" /></bpmndi:BPMNEdge>' for f, s, t in flows]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_TemplateProbe" targetNamespace="http://test"
    modeler:executionPlatform="Camunda Platform" modeler:executionPlatformVersion="7.24.0">
  <bpmn:process id="TemplateProbeProcess" name="Template probe" isExecutable="true" camunda:historyTimeToLive="P180D">
    {"".join(nodes)}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_TemplateProbe"><bpmndi:BPMNPlane id="Plane_TemplateProbe"
      bpmnElement="TemplateProbeProcess">{"".join(shapes)}{"".join(edges)}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def test_tasks_made_from_the_templates_pass_bpmnlint_and_the_contracts(tmp_path: Path,
                                                                       run_modeling_tool: RunTool) -> None:
    templates = load_templates()
    probe = tmp_path / "TemplateProbeProcess.bpmn"
    probe.write_text(probe_model(templates), encoding="utf-8")

    result = run_modeling_tool("lint-models.mjs", probe)
    assert result.returncode == 0, f"bpmnlint rejected tasks made from the templates:\n{result.stdout}{result.stderr}"
    assert foreign_platform_problems([probe]) == []
    index = index_models([probe])
    contracts = {h.topic: TaskContract.of(h) for h in HANDLERS}
    assert handler_mismatches(index, contracts) == []
    read_by_default = [(p.get("name"), identifiers(expression)) for p in ET.parse(probe).getroot().iter(
        f"{CAMUNDA}inputParameter") for expression in juel_expressions(p.text or "")]
    assert read_by_default, "no input parameter reads a variable"
    assert [(name, names) for name, names in read_by_default if names != {name}] == [], (
        "an input parameter's default must read the process variable of its own name")
