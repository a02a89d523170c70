"""The staff groups engine/access.py creates: the Agency's units from catalog/roles.yaml and one group per unified
service centre from catalog/service_centres.yaml, each with what its staff may do in Tasklist."""

from pathlib import Path

import pytest
import yaml

from catalog import CatalogError
from catalog.loader import CATALOG_DIR, load_roles, load_service_centres
from engine.access import APPLICATION, FILTER, PROCESS_DEFINITION, PROCESS_INSTANCE, staff_grants, staff_groups

REQUESTS = "PublicServiceRequestProcess"


def test_every_service_centre_has_its_own_staff_group_named_after_it_in_mongolian() -> None:
    centres = load_service_centres().service_centres
    groups = {group.id: group for group in staff_groups(CATALOG_DIR)}

    assert [c.area for c in centres].count("capital") == 9
    assert [c.area for c in centres].count("aimag") == 21
    assert len(groups) == len(staff_groups(CATALOG_DIR)), "group ids are unique"
    for centre in centres:
        group = groups[f"centre-{centre.id.replace(':', '-')}"]
        assert (group.name, group.starts) == (centre.name_mn, (REQUESTS,))
        assert "нэгдсэн үйлчилгээний төв" in group.name
    assert groups["centre-aimag-orkhon"].name == "Орхон аймгийн нэгдсэн үйлчилгээний төв"
    assert {"capital-city-coordination", "aimag-coordination", "customer-service"} <= set(groups)
    assert groups["aimag-coordination"].starts == ()
    assert "service-centre-staff" not in groups, "retired: each centre has its own group"


def test_centre_staff_get_tasklist_the_filters_and_walk_in_requests_and_no_more() -> None:
    groups = {group.id: group for group in staff_groups(CATALOG_DIR)}

    grants = {(g.resource_type, g.resource_id): g.permissions for g in staff_grants(groups["centre-aimag-orkhon"],
                                                                                    ["f1", "f2"])}
    assert grants == {
        (APPLICATION, "tasklist"): ("ACCESS",), (APPLICATION, "welcome"): ("ACCESS",),
        (FILTER, "f1"): ("READ",), (FILTER, "f2"): ("READ",),
        (PROCESS_DEFINITION, "*"): ("READ",),  # names and diagrams; no instance, no history
        (PROCESS_DEFINITION, REQUESTS): ("READ", "CREATE_INSTANCE"), (PROCESS_INSTANCE, "*"): ("CREATE",),
    }
    coordination = staff_grants(groups["capital-city-coordination"], ["f1", "f2"])
    assert {g.resource_type for g in coordination} == {APPLICATION, FILTER, PROCESS_DEFINITION}
    assert all(g.permissions in (("ACCESS",), ("READ",)) for g in coordination)


def test_a_unit_may_not_take_a_group_id_of_the_service_centres(tmp_path: Path) -> None:
    roles = yaml.safe_load((CATALOG_DIR / "roles.yaml").read_text(encoding="utf-8"))
    roles["roles"][0]["group"] = "centre-capital-bayanzurkh"
    broken = tmp_path / "roles.yaml"
    broken.write_text(yaml.safe_dump(roles, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogError, match="belong to the service centres"):
        load_roles(broken)
