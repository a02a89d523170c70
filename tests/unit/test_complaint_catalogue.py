"""catalog/complaints.yaml: the real one carries the law's numbers; a broken one names file and field."""

import shutil
from datetime import date
from pathlib import Path

import pytest

from catalog import CatalogError, DeadlineKind, load_complaint_rules
from catalog.loader import CATALOG_DIR


def test_the_catalogue_carries_the_legal_deadline_and_its_one_extension() -> None:
    rules = load_complaint_rules()
    assert (rules.legal_deadline.days, rules.legal_deadline.kind) == (30, DeadlineKind.CALENDAR)
    assert "art. 16" in rules.legal_deadline.source
    assert (rules.extension.max_extensions, rules.extension.max_days, rules.extension.notice_required) == (1, 30, True)
    assert rules.reminders.days_before_deadline == sorted(rules.reminders.days_before_deadline, reverse=True)
    assert rules.calendar.days_off.isdisjoint(rules.calendar.working_days)


@pytest.fixture
def complaints_copy(tmp_path: Path) -> Path:
    return Path(shutil.copy(CATALOG_DIR / "complaints.yaml", tmp_path / "complaints.yaml"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


TRANSFERS = """calendar:
  extra_days_off:
    - {date: 2027-07-16, reason: "Наадмын дараах нөхөх амралт"}
  extra_working_days:
    - {date: 2027-07-24, reason: "7/16-ны ажлын өдрийг нөхөж ажиллах"}
"""


def test_declared_transfers_are_read_as_dates(complaints_copy: Path) -> None:
    text = complaints_copy.read_text(encoding="utf-8")
    complaints_copy.write_text(text[: text.index("calendar:\n")] + TRANSFERS, encoding="utf-8")

    calendar = load_complaint_rules(complaints_copy).calendar
    assert calendar.days_off == {date(2027, 7, 16)}
    assert calendar.working_days == {date(2027, 7, 24)}


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  days: 30\n", "  days: 0\n",
         "complaints.yaml: field legal_deadline.days: Input should be greater than or equal to 1"),
        ("  kind: calendar\n", "  kind: lunar\n",
         "complaints.yaml: field legal_deadline.kind: Input should be 'calendar' or 'working'"),
        ("  notice_required: true\n", "", "complaints.yaml: field extension.notice_required: Field required"),
        ("[7, 3, 1]", "[1, 3]", "complaints.yaml: field reminders: Value error, days_before_deadline must be"),
        ("[7, 3, 1]", "[30, 3]", "complaints.yaml: field (whole entry): Value error, reminders.days_before_deadline: "
         "30 is not before a 30-day deadline"),
        ("  extra_days_off: []", "  extra_days_off: [{date: 2027-07-17, reason: x}]",
         "complaints.yaml: field calendar: Value error, extra_days_off.0: 2027-07-17 is not a working day anyway"),
        ("  extra_days_off: []", "  extra_days_off: [{date: 2027-02-08, reason: x}]",
         "complaints.yaml: field calendar: Value error, extra_days_off.0: 2027-02-08 is not a working day anyway"),
        ("  extra_working_days: []", "  extra_working_days: [{date: 2027-07-21, reason: x}]",
         "complaints.yaml: field calendar: Value error, extra_working_days.0: 2027-07-21 is a working day anyway"),
        ("  extra_working_days: []", "  extra_working_days: [{date: 2027-07-24, reason: x}, {date: 2027-07-24, "
         "reason: y}]", "complaints.yaml: field calendar: Value error, extra_working_days: dates repeat"),
        ("  extra_working_days: []", "  extra_working_days: [{date: 2027-02-31, reason: x}]",
         "complaints.yaml: not valid YAML: day is out of range for month"),
        ("  extra_working_days: []", "  extra_working_days: [{date: 24 July, reason: x}]",
         "complaints.yaml: field calendar.extra_working_days.0.date: Input should be a valid date"),
        ("  extra_days_off: []", "  extra_days_off: [{date: 2027-07-16}]",
         "complaints.yaml: field calendar.extra_days_off.0.reason: Field required"),
        ("reminders:", "remindres:", "complaints.yaml: field reminders: Field required"),
    ],
)
def test_broken_entries_are_refused_naming_file_and_field(
    complaints_copy: Path, old: str, new: str, message: str
) -> None:
    edit(complaints_copy, old, new)
    with pytest.raises(CatalogError) as error:
        load_complaint_rules(complaints_copy)
    assert str(error.value).startswith(message)


def test_a_missing_or_unreadable_file_is_named(complaints_copy: Path) -> None:
    with pytest.raises(CatalogError, match=r"^elsewhere.yaml: missing"):
        load_complaint_rules(complaints_copy.parent / "elsewhere.yaml")
    complaints_copy.write_text("legal_deadline: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"^complaints.yaml: not valid YAML"):
        load_complaint_rules(complaints_copy)
