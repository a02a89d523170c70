"""Every BPMN model passes bpmnlint (recommended + camunda-compat for Camunda 7.24, see .bpmnlintrc) with zero errors
and warnings, read with the Camunda 7 moddle so unknown camunda:* elements and attributes are errors too."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contract.conftest import REPO_ROOT, RunTool

BPMN_FILES = sorted([*REPO_ROOT.glob("workflows/*.bpmn"), *REPO_ROOT.glob("tests/resources/*.bpmn")])


@pytest.mark.parametrize("path", BPMN_FILES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_model_passes_bpmnlint(path: Path, run_modeling_tool: RunTool) -> None:
    result = run_modeling_tool("lint-models.mjs", path)
    assert result.returncode == 0, f"bpmnlint rejected {path.name}:\n{result.stdout}{result.stderr}"


def test_models_linted_together_do_not_see_each_others_elements(run_modeling_tool: RunTool) -> None:
    """Models share ids (ReceiveTask_AwaitSatisfaction, say); one run over all must judge each on its own."""
    result = run_modeling_tool("lint-models.mjs", *BPMN_FILES)
    assert result.returncode == 0, result.stdout + result.stderr


# --- The linter must reject broken models ---------------------------------------------------

_VALID = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    id="Defs" targetNamespace="http://test">
  <bpmn:process id="LintProbe" name="Lint probe" isExecutable="true" camunda:historyTimeToLive="P180D">
    <bpmn:startEvent id="Start" name="Started"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="Work" name="Do work" camunda:type="external" camunda:topic="do-work">
      <bpmn:extensionElements><camunda:properties><camunda:property name="retries" value="3" /></camunda:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:endEvent id="End" name="Done"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Work" />
    <bpmn:sequenceFlow id="F2" sourceRef="Work" targetRef="End" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram">
    <bpmndi:BPMNPlane id="Plane" bpmnElement="LintProbe">
      <bpmndi:BPMNShape id="Start_di" bpmnElement="Start"><dc:Bounds x="100" y="100" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Work_di" bpmnElement="Work"><dc:Bounds x="200" y="78" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="End_di" bpmnElement="End"><dc:Bounds x="362" y="100" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="136" y="118" /><di:waypoint x="200" y="118" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="300" y="118" /><di:waypoint x="362" y="118" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


def _write(tmp_path: Path, xml: str) -> Path:
    path = tmp_path / "LintProbe.bpmn"
    path.write_text(xml, encoding="utf-8")
    return path


def _mutate(old: str, new: str) -> str:
    assert old in _VALID, f"test template has no {old!r}"
    return _VALID.replace(old, new)


def test_linter_accepts_valid_probe(tmp_path: Path, run_modeling_tool: RunTool) -> None:
    result = run_modeling_tool("lint-models.mjs", _write(tmp_path, _VALID))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            ' camunda:historyTimeToLive="P180D"', "", "camunda-compat/history-time-to-live", id="no-history-ttl"
        ),
        pytest.param(' name="Do work"', "", "label-required", id="missing-name"),
        pytest.param('bpmnElement="End">', 'bpmnElement="Nope">', "Element is missing bpmndi", id="missing-di"),
        pytest.param(
            "<camunda:properties>", "<camunda:bogus /><camunda:properties>", "Import warning: unparsable content",
            id="unknown-element",
        ),
        pytest.param(
            'camunda:topic="do-work"', 'camunda:topic="do-work" camunda:bogus="1"', "Import warning: unknown attribute",
            id="unknown-attribute",
        ),
    ],
)
def test_linter_rejects_broken_models(
    tmp_path: Path, run_modeling_tool: RunTool, old: str, new: str, expected: str
) -> None:
    result = run_modeling_tool("lint-models.mjs", _write(tmp_path, _mutate(old, new)))
    assert result.returncode == 1, result.stdout + result.stderr
    assert expected in result.stdout, result.stdout


def test_linter_fails_on_warnings_too(tmp_path: Path, run_modeling_tool: RunTool) -> None:
    # A terminate end event where nothing else runs only draws a bpmnlint *warning* (superfluous-termination).
    terminating = _mutate(
        '<bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>',
        "<bpmn:incoming>F2</bpmn:incoming><bpmn:terminateEventDefinition /></bpmn:endEvent>",
    )
    result = run_modeling_tool("lint-models.mjs", _write(tmp_path, terminating))
    categories = {line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")}
    assert categories == {"warn"}, result.stdout
    assert result.returncode == 1, result.stdout + result.stderr
