"""The place tree, loading it from files, and estates' join codes and QR codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from communities.errors import Invalid
from communities.models import Place, PlaceKind
from communities.services import place_create
from tests.conftest import World, client_for


def test_a_place_only_goes_under_the_right_kind_of_parent(world: World) -> None:
    for kind, parent in [
        (PlaceKind.ESTATE, world.luodian),
        (PlaceKind.RESIDENTS_COMMITTEE, world.district),
        (PlaceKind.TOWN, world.meiluo),
        (PlaceKind.DISTRICT, world.district),
        (PlaceKind.ESTATE, None),
    ]:
        with pytest.raises(Invalid):
            place_create(name="x", kind=kind, parent=parent)


def test_paths_let_one_query_find_everything_below(world: World) -> None:
    below = Place.objects.filter(path__startswith=world.luodian.path)
    assert {p.name for p in below} == {"罗店镇", "美罗家园居委", "美罗一期", "美罗二期"}
    assert world.meiluo_1.ancestor_ids == [
        world.district.pk,
        world.luodian.pk,
        world.meiluo.pk,
        world.meiluo_1.pk,
    ]


def test_every_estate_gets_its_own_join_code(world: World) -> None:
    codes = {world.meiluo_1.join_code, world.meiluo_2.join_code, world.gongkang_1.join_code}
    assert len(codes) == 3
    assert None not in codes
    assert world.meiluo.join_code is None


def test_load_tree_from_the_baoshan_csv_is_idempotent(db: None) -> None:
    csv = Path(settings.BASE_DIR) / "data" / "baoshan-streets.csv"
    call_command("load_tree", str(csv))
    call_command("load_tree", str(csv))
    district = Place.objects.get(kind=PlaceKind.DISTRICT)
    assert district.name == "宝山区"
    streets = Place.objects.filter(parent=district)
    assert streets.count() == 13
    assert streets.get(name="罗店镇").kind == PlaceKind.TOWN
    assert streets.get(name="宝山城市工业园区").kind == PlaceKind.PARK


def test_load_tree_from_nested_json_with_parents(db: None, tmp_path: Path) -> None:
    tree = {
        "name": "宝山区",
        "kind": "district",
        "children": [
            {
                "name": "罗店镇",
                "kind": "town",
                "children": [
                    {
                        "name": "天平村",
                        "kind": "village",
                        "children": [{"name": "天平村一组", "kind": "estate"}],
                    }
                ],
            }
        ],
    }
    path = tmp_path / "tree.json"
    path.write_text(json.dumps(tree, ensure_ascii=False), encoding="utf-8")
    call_command("load_tree", str(path))
    estate = Place.objects.get(name="天平村一组")
    assert estate.parent is not None
    assert estate.parent.kind == PlaceKind.VILLAGE
    assert estate.join_code


def test_load_tree_csv_with_parent_paths(db: None, tmp_path: Path) -> None:
    path = tmp_path / "tree.csv"
    path.write_text(
        "kind,name,parent\ndistrict,宝山区,\ntown,罗店镇,宝山区\n"
        "residents_committee,美罗家园居委,宝山区/罗店镇\nestate,美罗一期,宝山区/罗店镇/美罗家园居委\n",
        encoding="utf-8",
    )
    call_command("load_tree", str(path))
    assert Place.objects.get(name="美罗一期").path.count("/") == 5


@pytest.mark.parametrize(
    "content",
    [
        "kind,name\nplanet,地球\n",
        "kind,name,parent\ntown,罗店镇,不存在区\n",
        "kind,name\nestate,孤岛小区\n",
    ],
)
def test_load_tree_refuses_bad_files_and_writes_nothing(
    db: None, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_tree", str(path))
    assert not Place.objects.exists()


def test_committee_rotates_the_join_code_and_the_old_link_dies(world: World) -> None:
    old = world.meiluo_1.join_code
    committee = client_for(world.li_wei)
    shown = committee.get(f"/api/estates/{world.meiluo_1.pk}/join-code").json()
    assert shown["code"] == old
    assert shown["join_url"] == f"{settings.SITE_URL}/join/{old}"
    rotated = committee.post(f"/api/estates/{world.meiluo_1.pk}/join-code/rotate").json()
    assert rotated["code"] != old
    assert client_for(None).get(f"/api/join/{old}").status_code == 404
    assert client_for(None).get(f"/api/join/{rotated['code']}").status_code == 200


@pytest.mark.parametrize("person", ["wang_fang", "zhou_qiang", "liu_yang", "lin_na", "chen_jie"])
def test_only_the_committee_sees_or_rotates_the_join_code(world: World, person: str) -> None:
    client = client_for(world.people[person])
    estate = world.meiluo_1
    assert client.get(f"/api/estates/{estate.pk}/join-code").status_code == 404
    assert client.get(f"/api/estates/{estate.pk}/qr.png").status_code == 404
    assert client.post(f"/api/estates/{estate.pk}/join-code/rotate").status_code == 404
    estate.refresh_from_db()
    assert estate.join_code == world.meiluo_1.join_code


def test_qr_code_as_png_and_svg(world: World) -> None:
    committee = client_for(world.li_wei)
    png = committee.get(f"/api/estates/{world.meiluo_1.pk}/qr.png")
    assert png.status_code == 200
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    svg = committee.get(f"/api/estates/{world.meiluo_1.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    assert "美罗一期".encode() in svg.content


def test_qr_code_encodes_the_join_link(world: World) -> None:
    import segno

    from communities.qr import join_url

    expected = segno.make(join_url(world.meiluo_1), error="m")
    # Same payload, same symbol: compare the module matrices.
    ours = segno.make(f"{settings.SITE_URL}/join/{world.meiluo_1.join_code}", error="m")
    assert list(expected.matrix) == list(ours.matrix)


def test_estate_detail_and_community_estates_for_members_only(world: World) -> None:
    resident = client_for(world.wang_fang)
    assert resident.get(f"/api/estates/{world.meiluo_2.pk}").json()["member_count"] == 0
    names = [e["name"] for e in resident.get(f"/api/communities/{world.meiluo.pk}/estates").json()]
    assert names == ["美罗一期", "美罗二期"]
    outsider = client_for(world.chen_jie)
    assert outsider.get(f"/api/estates/{world.meiluo_2.pk}").status_code == 404
    assert outsider.get(f"/api/communities/{world.meiluo.pk}/estates").status_code == 404


def test_openapi_schema_is_served(client: Any) -> None:
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Shequtong API"
    for path in ("/api/auth/login", "/api/join/{code}/applications", "/api/review/applications"):
        assert path in schema["paths"], path
