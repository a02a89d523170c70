"""Every form fits the form-js Operaton's Tasklist runs (1.17.0: its JSON Schema and its viewer), targets Camunda 7,
submits primitives only, and follows the project's form conventions (see check-forms.mjs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.contract.conftest import REPO_ROOT, RunTool

FORM_FILES = sorted([*REPO_ROOT.glob("forms/*.form"), *REPO_ROOT.glob("tests/resources/*.form")])


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_form_is_valid(path: Path, run_modeling_tool: RunTool) -> None:
    result = run_modeling_tool("check-forms.mjs", path)
    assert result.returncode == 0, f"form check rejected {path.name}:\n{result.stdout}{result.stderr}"


# --- The checker must reject broken forms ---------------------------------------------------


def _form(form_id: str, *components: dict[str, Any]) -> dict[str, Any]:
    return {"id": form_id, "type": "default", "schemaVersion": 16, "executionPlatform": "Camunda Platform",
            "executionPlatformVersion": "7.24.0", "components": list(components)}


_PHONE_OK: dict[str, Any] = {
    "id": "Field_Phone",
    "key": "applicantPhone",
    "type": "textfield",
    "label": "Утасны дугаар",
    "validate": {"pattern": "^[0-9]{8}$", "patternErrorMessage": "Утасны дугаар 8 оронтой байна"},
}


def _write(tmp_path: Path, name: str, schema: dict[str, Any]) -> Path:
    path = tmp_path / f"{name}.form"
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    return path


def test_checker_accepts_a_valid_form(tmp_path: Path, run_modeling_tool: RunTool) -> None:
    result = run_modeling_tool("check-forms.mjs", _write(tmp_path, "probe", _form("probe", _PHONE_OK)))
    assert result.returncode == 0, result.stdout + result.stderr


def test_checker_rejects_convention_violations(tmp_path: Path, run_modeling_tool: RunTool) -> None:
    schema = _form(
        "other-id",
        {"id": "Field_NoLabel", "key": "comment", "type": "textarea"},
        {"id": "Field_Latin", "key": "name", "type": "textfield", "label": "Name"},
        {"id": "Field_Phone", "key": "phone", "type": "textfield", "label": "Утас"},
        {
            "id": "Field_Register",
            "key": "ownerRegisterNumber",
            "type": "textfield",
            "label": "Регистрийн дугаар",
            "validate": {"pattern": "^[А-ЯӨҮ]{2}[0-9]{8}$"},
        },
    )
    result = run_modeling_tool("check-forms.mjs", _write(tmp_path, "probe", schema))
    assert result.returncode == 1, result.stdout + result.stderr
    for expected in (
        'form id "other-id" does not match the file name (expected "probe")',
        'Field_NoLabel (textarea, key "comment"): missing label',
        'Field_Latin (textfield, key "name"): label "Name" has no Cyrillic text',
        'Field_Phone (textfield, key "phone"): needs validate.pattern',
        'Field_Phone (textfield, key "phone"): needs validate.patternErrorMessage',
        'Field_Register (textfield, key "ownerRegisterNumber"): needs validate.patternErrorMessage',
    ):
        assert expected in result.stdout, f"missing {expected!r} in:\n{result.stdout}"


def test_checker_rejects_forms_form_js_cannot_import(tmp_path: Path, run_modeling_tool: RunTool) -> None:
    duplicate_key = {**_PHONE_OK, "id": "Field_Phone2"}
    schema = _form("probe", _PHONE_OK, duplicate_key)
    result = run_modeling_tool("check-forms.mjs", _write(tmp_path, "probe", schema))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "form-js import failed: binding path 'applicantPhone' is already claimed" in result.stdout, result.stdout


def test_checker_rejects_what_form_js_1_17_does_not_know(tmp_path: Path, run_modeling_tool: RunTool) -> None:
    schema = {
        **_form(
            "probe",
            {**_PHONE_OK, "searchable": True, "hint": "x", "validate": {**_PHONE_OK["validate"], "mustMatch": "y"}},
            {"id": "Field_Rating", "key": "rating", "type": "rating", "label": "Үнэлгээ"},
        ),
        "schemaVersion": 20,
    }
    result = run_modeling_tool("check-forms.mjs", _write(tmp_path, "probe", schema))
    assert result.returncode == 1, result.stdout + result.stderr
    for expected in (
        "form-js 1.17.0 schema: /schemaVersion must be <= 19",
        "form-js 1.17.0 schema: /components/0/searchable is not allowed on a textfield",
        "form-js 1.17.0 schema: /components/1/type must be equal to one of the allowed values",
        'Field_Phone (textfield): property "hint" is unknown to form-js 1.17.0',
        "Field_Phone (textfield): validate.mustMatch is unknown to form-js 1.17.0",
        "form-js import failed: form field of type <rating> not supported",
    ):
        assert expected in result.stdout, f"missing {expected!r} in:\n{result.stdout}"


def test_checker_rejects_what_tasklist_on_operaton_cannot_submit_or_show(
    tmp_path: Path, run_modeling_tool: RunTool
) -> None:
    schema = {
        **_form(
            "probe",
            {"id": "Text_Intro", "type": "text", "text": "Шат {{stage.number}}: {{stageAgencyName}}"},
            {"id": "Field_Docs", "key": "documents", "type": "checklist", "label": "Баримтууд",
             "values": [{"label": "Үнэмлэх", "value": "id-card"}]},
            {"id": "Field_Nested", "key": "applicant.name", "type": "textfield", "label": "Нэр"},
            {"id": "Field_Agency", "key": "agency", "type": "select", "label": "Байгууллага", "valuesKey": "agencies",
             "conditional": {"hide": '=document.source = "xyp"'}},
        ),
        "executionPlatform": "Camunda Cloud",
        "executionPlatformVersion": "8.6.0",
    }
    result = run_modeling_tool("check-forms.mjs", _write(tmp_path, "probe", schema))
    assert result.returncode == 1, result.stdout + result.stderr
    for expected in (
        'executionPlatform is "Camunda Cloud", expected "Camunda Platform"',
        'executionPlatformVersion is "8.6.0", expected 7.x.y',
        'Text_Intro (text): reads "stage.number", but structured variables are JSON text',
        'Field_Docs (checklist, key "documents"): its value is a list or object',
        'Field_Nested (textfield, key "applicant.name"): a dotted key submits an object',
        'Field_Agency (select, key "agency"): valuesKey needs a Json variable',
        'Field_Agency (select, key "agency"): reads "document.source"',
    ):
        assert expected in result.stdout, f"missing {expected!r} in:\n{result.stdout}"
    assert "stageAgencyName" not in result.stdout, result.stdout


def test_checker_rejects_invalid_json(tmp_path: Path, run_modeling_tool: RunTool) -> None:
    path = tmp_path / "probe.form"
    path.write_text('{"id": "probe",', encoding="utf-8")
    result = run_modeling_tool("check-forms.mjs", path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "cannot read/parse JSON" in result.stdout, result.stdout
