"""What Camunda 7 model files declare, read straight from the XML/JSON: external-task topics, forms, candidate
groups, errors caught, messages awaited, the variables expressions read and the parameters the models set."""

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
# `execution.getVariable('x')` reads x without failing when it was never set.
VARIABLE_BY_NAME = re.compile(r"\.(?:getVariable|getVariableLocal|hasVariable|hasVariableLocal)\(\s*['\"](\w+)['\"]")
# Beans and objects expressions call (engine/app: `json`, `clock`), and JUEL's reserved words.
NOT_VARIABLES = {"json", "clock", "execution",
                 "empty", "not", "and", "or", "eq", "ne", "lt", "gt", "le", "ge", "true", "false", "null", "div", "mod",
                 "instanceof"}
CATCHING_EVENTS = ("startEvent", "intermediateCatchEvent", "boundaryEvent")
# A candidate group per value of a variable, its ':' made '-' (ids of service centres): `centre-${serviceCentre.
# replace(':', '-')}` is indexed as the template `centre-{serviceCentre}`.
PER_VALUE_GROUP = re.compile(r"^([\w-]+)\$\{\s*(\w+)\.replace\(\s*':'\s*,\s*'-'\s*\)\s*\}$")
YIELDED = re.compile(r"(?:^|[?:])\s*(?:'([^']*)'|\"([^\"]*)\")\s*(?=$|:)")  # a literal an expression yields


@dataclass
class ModelIndex:
    topics: dict[str, list[str]] = field(default_factory=dict)  # external-task topic -> ["File.bpmn#ElementId"]
    form_refs: dict[str, list[str]] = field(default_factory=dict)
    form_ref_bindings: dict[str, str | None] = field(default_factory=dict)  # "File.bpmn#ElementId" -> binding
    candidate_groups: dict[str, list[str]] = field(default_factory=dict)
    decision_refs: dict[str, list[str]] = field(default_factory=dict)
    called_processes: dict[str, list[str]] = field(default_factory=dict)
    process_ids: set[str] = field(default_factory=set)
    history_time_to_live: dict[str, str | None] = field(default_factory=dict)  # executable process -> its TTL
    caught_error_codes: set[str] = field(default_factory=set)
    awaited_messages: set[str] = field(default_factory=set)  # start events included
    # Each element that waits for a message (not a start event) -> the input parameters of the scope holding its
    # subscription: the element itself, or for a boundary event the activity it is attached to.
    message_waits: dict[str, set[str]] = field(default_factory=dict)
    expression_names: set[str] = field(default_factory=set)  # identifiers read by JUEL expressions and mappings
    parameter_names: set[str] = field(default_factory=set)  # variables the models set: parameters, in/out targets

    def add(self, table: dict[str, list[str]], key: str, where: str) -> None:
        table.setdefault(key, []).append(where)


def index_models(paths: list[Path]) -> ModelIndex:
    index = ModelIndex()
    for path in paths:
        root = ET.parse(path).getroot()
        errors = {e.get("id"): e.get("errorCode") for e in root.iter(f"{BPMN}error")}
        messages = {m.get("id"): m.get("name") for m in root.iter(f"{BPMN}message")}
        elements = {e.get("id"): e for e in root.iter() if e.get("id")}
        for element in root.iter():
            where = f"{path.name}#{element.get('id')}"
            tag = local(element.tag)
            if element.tag == f"{BPMN}process":
                index.process_ids.add(element.get("id", ""))
                if element.get("isExecutable") == "true":
                    index.history_time_to_live[where] = element.get(f"{CAMUNDA}historyTimeToLive")
            if element.get(f"{CAMUNDA}type") == "external":
                index.add(index.topics, element.get(f"{CAMUNDA}topic", ""), where)
            if element.get(f"{CAMUNDA}formRef") is not None:
                index.add(index.form_refs, element.get(f"{CAMUNDA}formRef", ""), where)
                index.form_ref_bindings[where] = element.get(f"{CAMUNDA}formRefBinding")
            if element.get(f"{CAMUNDA}candidateGroups"):
                for group in candidate_groups(element.get(f"{CAMUNDA}candidateGroups", "")):
                    index.add(index.candidate_groups, group, where)
            if element.get(f"{CAMUNDA}decisionRef"):
                index.add(index.decision_refs, element.get(f"{CAMUNDA}decisionRef", ""), where)
            if element.tag == f"{BPMN}callActivity":
                index.add(index.called_processes, element.get("calledElement", ""), where)
            if tag in CATCHING_EVENTS:
                for definition in element.findall(f"{BPMN}errorEventDefinition"):
                    index.caught_error_codes.add(errors.get(definition.get("errorRef")) or "")
            message_refs = [d.get("messageRef") for d in element.findall(f"{BPMN}messageEventDefinition")]
            if tag == "receiveTask":
                message_refs.append(element.get("messageRef"))
            if tag in (*CATCHING_EVENTS, "receiveTask") and message_refs:
                index.awaited_messages |= {messages[ref] or "" for ref in message_refs if ref in messages}
                if tag != "startEvent":
                    holder = elements.get(element.get("attachedToRef")) if tag == "boundaryEvent" else element
                    index.message_waits[where] = input_parameters(holder) if holder is not None else set()
            index.expression_names |= names_read(element)
            index.parameter_names |= names_set(element)
    return index


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def input_parameters(element: ET.Element) -> set[str]:
    return {p.get("name", "") for p in element.iterfind(f"{BPMN}extensionElements/{CAMUNDA}inputOutput/"
                                                         f"{CAMUNDA}inputParameter")}


def candidate_groups(value: str) -> list[str]:
    """The groups of a candidateGroups value, split on commas as the engine splits it (not inside `${...}`): a
    static group; a group per value of a variable (`centre-${serviceCentre.replace(':', '-')}`), as the template
    `centre-{serviceCentre}`; or the quoted groups an expression can yield (`${c ? 'a' : 'b'}`, `${'a'}`): string
    literals that are a whole expression or a branch of a conditional, not arguments such as startsWith('x')."""
    groups = []
    for part in comma_separated(value):
        if per_value := PER_VALUE_GROUP.match(part):
            groups.append(f"{per_value.group(1)}{{{per_value.group(2)}}}")
        elif (expressions := juel_expressions(part)) and part[:2] in ("${", "#{") and len(expressions) == 1 \
                and part.endswith("}"):
            groups += [group.strip() for match in YIELDED.finditer(expressions[0].strip())
                       for group in (match.group(1) or match.group(2) or "").split(",") if group.strip()]
        elif part:
            groups.append(part)  # static, or text around an expression no rule here knows: checked as it stands
    return groups


def comma_separated(value: str) -> list[str]:
    """Operaton's BpmnParse.parseCommaSeparatedList: a comma after `$` or `{` and before `}` is the expression's."""
    parts, current, inside = [], "", False
    for char in value:
        if char in "${":
            inside = True
        elif char == "}":
            inside = False
        if char == "," and not inside:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()] if current.strip() else parts


def juel_expressions(text: str) -> list[str]:
    """The bodies of the `${...}` / `#{...}` expressions in a text, braces inside string literals allowed."""
    found, start = [], 0
    while (begin := _find_expression_start(text, start)) >= 0:
        depth, quote, i = 1, None, begin + 2
        while i < len(text) and depth:
            char = text[i]
            if quote:
                if char == "\\":
                    i += 1
                elif char == quote:
                    quote = None
            elif char in "'\"":
                quote = char
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            i += 1
        found.append(text[begin + 2 : i - 1] if depth == 0 else text[begin + 2 :])
        start = i
    return found


def _find_expression_start(text: str, start: int) -> int:
    positions = [p for p in (text.find("${", start), text.find("#{", start)) if p >= 0]
    return min(positions, default=-1)


def identifiers(expression: str) -> set[str]:
    """Variables a JUEL expression reads: top-level identifiers (not members, beans or keywords), plus the
    names it reads with `getVariable('x')`."""
    by_name = set(VARIABLE_BY_NAME.findall(expression))
    without_strings = STRING_LITERAL.sub("''", expression)
    return by_name | {word for word in IDENTIFIER.findall(without_strings) if word not in NOT_VARIABLES}


def names_read(element: ET.Element) -> set[str]:
    """Identifiers an element reads: expressions in its attributes and text (conditions, timers, parameters,
    collections, candidate groups, ...), and the variables a call activity passes in or takes out."""
    texts = [*element.attrib.values(), element.text or ""]
    found = {name for text in texts for expression in juel_expressions(text) for name in identifiers(expression)}
    if element.tag in (f"{CAMUNDA}in", f"{CAMUNDA}out") and element.get("source"):
        found.add(element.get("source", ""))
    return found


def names_set(element: ET.Element) -> set[str]:
    """Variables an element sets: input/output parameter names, call-activity in/out targets, result, element and
    error variables."""
    found = set()
    if element.tag in (f"{CAMUNDA}inputParameter", f"{CAMUNDA}outputParameter") and element.get("name"):
        found.add(element.get("name", ""))
    if element.tag in (f"{CAMUNDA}in", f"{CAMUNDA}out") and element.get("target"):
        found.add(element.get("target", ""))
    for attribute in ("resultVariable", "elementVariable", "errorCodeVariable", "errorMessageVariable"):
        if element.get(f"{CAMUNDA}{attribute}"):
            found.add(element.get(f"{CAMUNDA}{attribute}", ""))
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
