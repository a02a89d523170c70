"""Every form imports into form-js and follows the project's form conventions (see check-forms.mjs)."""

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
    return {"id": form_id, "type": "default", "schemaVersion": 16, "components": list(components)}


_PHONE_OK = {
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


def test_checker_rejects_invalid_json(tmp_path: Path, run_modeling_tool: RunTool) -> None:
    path = tmp_path / "probe.form"
    path.write_text('{"id": "probe",', encoding="utf-8")
    result = run_modeling_tool("check-forms.mjs", path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "cannot read/parse JSON" in result.stdout, result.stdout
