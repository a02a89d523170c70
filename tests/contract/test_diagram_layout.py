"""Layout geometry checks on BPMN diagram interchange (DI), in pure Python.

For every ``workflows/*.bpmn`` and ``tests/resources/*.bpmn``:

* every flow node and sequence flow has a DI element (BPMNShape / BPMNEdge);
* no two flow-node shapes of the same diagram plane overlap, except a boundary event with
  its attached activity and a node inside an expanded subprocess with that subprocess;
* every sequence-flow edge starts on/inside its source shape and ends on/inside its target
  shape (within ``TOLERANCE`` px);
* every flow node has a non-empty ``name``, except unnamed parallel/exclusive joining gateways.

``check_layout(path)`` returns the problems as readable strings, so other tests can reuse it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
BPMN_DIRS = (REPO_ROOT / "workflows", REPO_ROOT / "tests" / "resources")
TOLERANCE = 2.0

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {
    "bpmn": BPMN,
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}

ACTIVITIES = {
    "task", "serviceTask", "userTask", "manualTask", "scriptTask", "businessRuleTask",
    "sendTask", "receiveTask", "callActivity", "subProcess", "transaction", "adHocSubProcess",
}  # fmt: skip
CONTAINERS = {"subProcess", "transaction", "adHocSubProcess"}
EVENTS = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
}  # fmt: skip
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
FLOW_NODES = ACTIVITIES | EVENTS | GATEWAYS


@dataclass(frozen=True)
class Bounds:
    x: float
    y: float
    width: float
    height: float

    def overlaps(self, other: Bounds) -> bool:
        """True if the interiors intersect (touching edges is fine)."""
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )

    def contains(self, x: float, y: float, tolerance: float = TOLERANCE) -> bool:
        return (
            self.x - tolerance <= x <= self.x + self.width + tolerance
            and self.y - tolerance <= y <= self.y + self.height + tolerance
        )


@dataclass(frozen=True)
class FlowNode:
    id: str
    kind: str  # local BPMN element name, e.g. "userTask"
    name: str
    ancestors: tuple[str, ...]  # ids of enclosing subprocesses, innermost last
    attached_to: str | None  # boundary events only


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _collect_flow_nodes(scope: ET.Element, ancestors: tuple[str, ...], out: dict[str, FlowNode]) -> None:
    for child in scope:
        if not child.tag.startswith(f"{{{BPMN}}}"):
            continue
        kind = _local(child.tag)
        if kind not in FLOW_NODES:
            continue
        node_id = child.get("id", "?")
        out[node_id] = FlowNode(
            id=node_id,
            kind=kind,
            name=(child.get("name") or "").strip(),
            ancestors=ancestors,
            attached_to=child.get("attachedToRef"),
        )
        if kind in CONTAINERS:
            _collect_flow_nodes(child, (*ancestors, node_id), out)


def _display(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def check_layout(path: Path) -> list[str]:
    """Return the layout problems of one BPMN file (empty list = OK)."""
    where = _display(path)
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as err:
        return [f"{where}: XML parse error: {err}"]

    nodes: dict[str, FlowNode] = {}
    for process in root.iter(f"{{{BPMN}}}process"):
        _collect_flow_nodes(process, (), nodes)
    flows = {f.get("id", "?"): (f.get("sourceRef"), f.get("targetRef")) for f in root.iter(f"{{{BPMN}}}sequenceFlow")}

    # DI: shapes per plane (overlaps only matter within one plane), edges with waypoints.
    shapes: dict[str, Bounds] = {}
    shapes_by_plane: list[dict[str, Bounds]] = []
    edges: dict[str, list[tuple[float, float]]] = {}
    for plane in root.iterfind(".//bpmndi:BPMNPlane", NS):
        plane_shapes: dict[str, Bounds] = {}
        for shape in plane.iterfind("bpmndi:BPMNShape", NS):
            b = shape.find("dc:Bounds", NS)  # direct child; label bounds are nested deeper
            element = shape.get("bpmnElement")
            if b is None or element is None:
                continue
            bounds = Bounds(*(float(b.get(attr, "0")) for attr in ("x", "y", "width", "height")))
            plane_shapes[element] = shapes[element] = bounds
        shapes_by_plane.append(plane_shapes)
        for edge in plane.iterfind("bpmndi:BPMNEdge", NS):
            points = [(float(p.get("x", "0")), float(p.get("y", "0"))) for p in edge.iterfind("di:waypoint", NS)]
            edges[edge.get("bpmnElement", "?")] = points

    problems: list[str] = []

    # 1. DI present.
    problems += [f"{where}: flow node {n.id} ({n.kind}) has no BPMNShape" for n in nodes.values() if n.id not in shapes]
    problems += [f"{where}: sequence flow {f} has no BPMNEdge" for f in flows if f not in edges]

    # 2. No overlapping flow-node shapes.
    def overlap_allowed(a: FlowNode, b: FlowNode) -> bool:
        return a.attached_to == b.id or b.attached_to == a.id or a.id in b.ancestors or b.id in a.ancestors

    for plane_shapes in shapes_by_plane:
        ids = sorted(i for i in plane_shapes if i in nodes)
        for i, first in enumerate(ids):
            for second in ids[i + 1 :]:
                if plane_shapes[first].overlaps(plane_shapes[second]) and not overlap_allowed(
                    nodes[first], nodes[second]
                ):
                    problems.append(f"{where}: shapes of {first} and {second} overlap")

    # 3. Edges start at their source shape and end at their target shape.
    for flow_id, (source, target) in flows.items():
        waypoints = edges.get(flow_id)
        if waypoints is None:
            continue
        if len(waypoints) < 2:
            problems.append(f"{where}: edge of {flow_id} has fewer than 2 waypoints")
            continue
        for label, ref, (x, y) in (("first", source, waypoints[0]), ("last", target, waypoints[-1])):
            end_shape = shapes.get(ref or "")
            if end_shape is not None and not end_shape.contains(x, y):
                problems.append(
                    f"{where}: {label} waypoint ({x:g},{y:g}) of {flow_id} is not on its "
                    f"{'source' if label == 'first' else 'target'} shape {ref}"
                )

    # 4. Names: everything but unnamed parallel/exclusive joining gateways.
    incoming = {n: sum(1 for _, t in flows.values() if t == n) for n in nodes}
    outgoing = {n: sum(1 for s, _ in flows.values() if s == n) for n in nodes}
    for node in nodes.values():
        joining = node.kind in {"parallelGateway", "exclusiveGateway"} and (
            incoming[node.id] >= 2 and outgoing[node.id] <= 1
        )
        if not node.name and not joining:
            problems.append(f"{where}: flow node {node.id} ({node.kind}) has no name")

    return problems


def bpmn_files() -> list[Path]:
    return sorted(p for d in BPMN_DIRS for p in d.glob("*.bpmn"))


@pytest.mark.parametrize("path", bpmn_files(), ids=lambda p: _display(p))
def test_diagram_layout(path: Path) -> None:
    problems = check_layout(path)
    assert not problems, "Layout problems:\n" + "\n".join(problems)


# --- The checker itself must catch problems -------------------------------------------------

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="Defs" targetNamespace="http://test">\n'
)


def _bpmn(process: str, plane: str) -> str:
    return (
        f'{_HEAD}<bpmn:process id="P" isExecutable="true">{process}</bpmn:process>\n'
        '<bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="Plane" bpmnElement="P">'
        f"{plane}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>\n"
    )


def _shape(element: str, x: int, y: int, w: int = 100, h: int = 80) -> str:
    return (
        f'<bpmndi:BPMNShape id="{element}_di" bpmnElement="{element}">'
        f'<dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}" /></bpmndi:BPMNShape>'
    )


def _edge(element: str, *points: tuple[int, int]) -> str:
    waypoints = "".join(f'<di:waypoint x="{x}" y="{y}" />' for x, y in points)
    return f'<bpmndi:BPMNEdge id="{element}_di" bpmnElement="{element}">{waypoints}</bpmndi:BPMNEdge>'


_PROCESS = (
    '<bpmn:startEvent id="Start" name="Started" />'
    '<bpmn:task id="Work" name="Do work" />'
    '<bpmn:endEvent id="End" name="Done" />'
    '<bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Work" />'
    '<bpmn:sequenceFlow id="F2" sourceRef="Work" targetRef="End" />'
)
_GOOD_PLANE = (
    _shape("Start", 100, 100, 36, 36)
    + _shape("Work", 200, 78)
    + _shape("End", 362, 100, 36, 36)
    + _edge("F1", (136, 118), (200, 118))
    + _edge("F2", (300, 118), (362, 118))
)


def _check(tmp_path: Path, xml: str) -> list[str]:
    path = tmp_path / "Broken.bpmn"
    path.write_text(xml, encoding="utf-8")
    return check_layout(path)


def test_checker_accepts_a_clean_diagram(tmp_path: Path) -> None:
    assert _check(tmp_path, _bpmn(_PROCESS, _GOOD_PLANE)) == []


def test_checker_reports_missing_di(tmp_path: Path) -> None:
    plane = _shape("Start", 100, 100, 36, 36) + _shape("Work", 200, 78) + _edge("F1", (136, 118), (200, 118))
    problems = _check(tmp_path, _bpmn(_PROCESS, plane))
    assert any("End (endEvent) has no BPMNShape" in p for p in problems), problems
    assert any("sequence flow F2 has no BPMNEdge" in p for p in problems), problems
    assert all(p.startswith(str(tmp_path / "Broken.bpmn")) for p in problems), problems


def test_checker_reports_overlapping_shapes(tmp_path: Path) -> None:
    plane = _GOOD_PLANE.replace('x="362" y="100"', 'x="280" y="100"')  # End now sits on Work
    problems = _check(tmp_path, _bpmn(_PROCESS, plane))
    assert any("shapes of End and Work overlap" in p for p in problems), problems


def test_checker_reports_detached_waypoints(tmp_path: Path) -> None:
    plane = _GOOD_PLANE.replace('<di:waypoint x="300" y="118" />', '<di:waypoint x="320" y="118" />')
    problems = _check(tmp_path, _bpmn(_PROCESS, plane))
    assert any("first waypoint (320,118) of F2 is not on its source shape Work" in p for p in problems), problems


def test_checker_reports_missing_names(tmp_path: Path) -> None:
    problems = _check(tmp_path, _bpmn(_PROCESS.replace(' name="Do work"', ""), _GOOD_PLANE))
    assert any("flow node Work (task) has no name" in p for p in problems), problems


def test_checker_allows_boundary_events_subprocess_children_and_unnamed_joins(tmp_path: Path) -> None:
    process = (
        '<bpmn:startEvent id="Start" name="Started" />'
        '<bpmn:parallelGateway id="Split" name="Split work" />'
        '<bpmn:subProcess id="Sub" name="Sub work">'
        '<bpmn:startEvent id="SubStart" name="Sub started" />'
        "</bpmn:subProcess>"
        '<bpmn:task id="Other" name="Other work" />'
        '<bpmn:boundaryEvent id="Timer" name="Timed out" attachedToRef="Other" />'
        '<bpmn:parallelGateway id="Join" />'
        '<bpmn:endEvent id="End" name="Done" />'
        '<bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Split" />'
        '<bpmn:sequenceFlow id="F2" sourceRef="Split" targetRef="Sub" />'
        '<bpmn:sequenceFlow id="F3" sourceRef="Split" targetRef="Other" />'
        '<bpmn:sequenceFlow id="F4" sourceRef="Sub" targetRef="Join" />'
        '<bpmn:sequenceFlow id="F5" sourceRef="Other" targetRef="Join" />'
        '<bpmn:sequenceFlow id="F6" sourceRef="Join" targetRef="End" />'
    )
    plane = (
        _shape("Start", 100, 100, 36, 36)
        + _shape("Split", 180, 93, 50, 50)
        + _shape("Sub", 280, 40, 200, 150)
        + _shape("SubStart", 300, 100, 36, 36)
        + _shape("Other", 330, 250)
        + _shape("Timer", 362, 312, 36, 36)
        + _shape("Join", 530, 93, 50, 50)
        + _shape("End", 630, 100, 36, 36)
        + _edge("F1", (136, 118), (180, 118))
        + _edge("F2", (230, 118), (280, 118))
        + _edge("F3", (205, 143), (205, 290), (330, 290))
        + _edge("F4", (480, 118), (530, 118))
        + _edge("F5", (430, 290), (555, 290), (555, 143))
        + _edge("F6", (580, 118), (630, 118))
    )
    assert _check(tmp_path, _bpmn(process, plane)) == []
