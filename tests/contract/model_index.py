"""What the model files declare, read straight from the XML/JSON: task types, forms, groups, errors, messages."""

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
ZEEBE = "{http://camunda.org/schema/zeebe/1.0}"
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
FEEL_WORDS = {"and", "or", "not", "null", "true", "false", "if", "then", "else", "for", "in", "return", "some",
              "every", "satisfies", "instance", "of", "between", "function", "date", "time", "duration",
              "count", "sum", "string", "number", "now", "today", "list", "contains", "context", "get", "value",
              "is", "defined", "item", "append", "concat", "length", "upper", "case", "lower", "substring"}


@dataclass
class ModelIndex:
    task_types: dict[str, list[str]] = field(default_factory=dict)  # type -> "File.bpmn#ElementId"
    form_ids: dict[str, list[str]] = field(default_factory=dict)
    candidate_groups: dict[str, list[str]] = field(default_factory=dict)
    caught_error_codes: set[str] = field(default_factory=set)
    caught_messages: set[str] = field(default_factory=set)
    expression_names: set[str] = field(default_factory=set)  # identifiers read by FEEL and mappings

    def add(self, table: dict[str, list[str]], key: str, where: str) -> None:
        table.setdefault(key, []).append(where)


def index_models(paths: list[Path]) -> ModelIndex:
    index = ModelIndex()
    for path in paths:
        root = ET.parse(path).getroot()
        errors = {e.get("id"): e.get("errorCode") for e in root.iter(f"{BPMN}error")}
        messages = {m.get("id"): m.get("name") for m in root.iter(f"{BPMN}message")}
        for element in root.iter():
            where = f"{path.name}#{element.get('id')}"
            extensions = element.find(f"{BPMN}extensionElements")
            for ext in extensions if extensions is not None else []:
                if ext.tag == f"{ZEEBE}taskDefinition":
                    index.add(index.task_types, ext.get("type", ""), where)
                elif ext.tag == f"{ZEEBE}formDefinition" and ext.get("formId"):
                    index.add(index.form_ids, ext.get("formId", ""), where)
                elif ext.tag == f"{ZEEBE}assignmentDefinition" and ext.get("candidateGroups"):
                    for group in candidate_groups(ext.get("candidateGroups", "")):
                        index.add(index.candidate_groups, group, where)
            if element.tag == f"{BPMN}errorEventDefinition" and element.get("errorRef") in errors:
                index.caught_error_codes.add(errors[element.get("errorRef")] or "")
            elif element.tag in (f"{BPMN}messageEventDefinition", f"{BPMN}receiveTask"):
                name = messages.get(element.get("messageRef"))
                if name:
                    index.caught_messages.add(name)
            index.expression_names |= names_read(element)
    return index


def candidate_groups(value: str) -> list[str]:
    """A static comma list, or the quoted groups in an expression's list literals (`=if c then ["a"] else ["b"]`)."""
    if value.startswith("="):
        return [group for literal in re.findall(r"\[([^\]]*)\]", value) for group in re.findall(r'"([^"]+)"', literal)]
    return [group.strip() for group in value.split(",")]


def names_read(element: ET.Element) -> set[str]:
    """Identifiers an element reads: FEEL expressions (`=...`), conditions, mapping sources, collections."""
    texts = [v for k, v in element.attrib.items() if k in ("source", "inputCollection", "correlationKey")
             or v.startswith("=")]
    if element.tag == f"{BPMN}conditionExpression" and element.text:
        texts.append(element.text)
    found: set[str] = set()
    for text in texts:
        without_strings = re.sub(r'"[^"]*"', "", text)
        found |= {word for word in IDENTIFIER.findall(without_strings) if word not in FEEL_WORDS}
    return found


@dataclass(frozen=True)
class FormField:
    key: str
    readonly: bool


def form_fields(path: Path) -> list[FormField]:
    def walk(components: list[dict[str, object]]) -> list[FormField]:
        fields = []
        for component in components:
            if isinstance(component.get("key"), str):
                fields.append(FormField(str(component["key"]), bool(component.get("readonly") or
                                                                  component.get("disabled"))))
            nested = component.get("components")
            if isinstance(nested, list):
                fields.extend(walk(nested))
        return fields

    return walk(json.loads(path.read_text())["components"])
