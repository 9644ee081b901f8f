"""Phone numbers are whole only for the committee of the person's own community (and the
person themself); everyone else sees 138****5678, and no log line keeps one whole."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.conf import settings

from communities.cases import selectors as case_selectors
from communities.cases import services
from communities.cases.models import Case
from communities.logmask import MaskPhones, mask_phones
from communities.sms import ConsoleBackend
from realtime.groups import community_staff_feed, observe_feed, user_group
from realtime.models import Event
from tests.cases import conftest as cases_conftest
from tests.cases.conftest import Units
from tests.cases.helpers import events, raise_case
from tests.communities.test_joining import apply_anonymously
from tests.conftest import World, client_for


@pytest.mark.parametrize(
    ("person", "phone"),
    [
        ("li_wei", "+8613812345678"),  # the committee of the applicant's community
        ("liu_yang", "138****5678"),  # the street's supervisor reads the queue, masked
        ("huang_jun", "138****5678"),  # the district's supervisor too
    ],
)
def test_the_review_queue_shows_the_whole_number_only_to_the_committee(
    world: World, person: str, phone: str
) -> None:
    _, application = apply_anonymously(world)
    assert application["phone_masked"] == "138****5678"
    queue = client_for(world.people[person]).get("/api/review/applications").json()
    assert [(a["id"], a["phone"], a["phone_masked"]) for a in queue] == [
        (application["id"], phone, "138****5678")
    ]


def test_the_person_sees_their_own_number_masked_on_every_page(world: World) -> None:
    world.wang_fang.phone = "+8613900000001"
    world.wang_fang.save(update_fields=["phone"])
    me = client_for(world.wang_fang).get("/api/me").json()
    assert me["phone_masked"] == "139****0001"
    assert "+8613900000001" not in str(me)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("SMS to +8613912345678: your code", "SMS to 139****5678: your code"),
        ("login 139 0000 0001 failed", "login 139****0001 failed"),
        ("13812345678,+86-138-1234-5679", "138****5678,138****5679"),
        ("order 20261202183000 and id 1234567890123", "order 20261202183000 and id 1234567890123"),
    ],
)
def test_the_log_filter_masks_numbers_and_leaves_other_digits(text: str, masked: str) -> None:
    assert mask_phones(text) == masked


def test_every_log_line_goes_through_the_mask() -> None:
    logging_config: dict[str, Any] = settings.LOGGING
    assert logging_config["handlers"]["console"]["filters"] == ["mask_phones"]
    mask = logging_config["filters"]["mask_phones"]
    assert mask["()"] == "communities.logmask.MaskPhones"


def test_the_sms_console_backend_logs_a_masked_number(caplog: Any) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskPhones())
    logger = logging.getLogger("shequtong.sms")
    logger.addHandler(handler)
    try:
        ConsoleBackend().send("+8613812345678", "[Shequtong] Your verification code is 123456")
    finally:
        logger.removeHandler(handler)
    line = stream.getvalue()
    assert "138****5678" in line
    assert "13812345678" not in line
    assert "123456" in line  # the code itself: the console backend exists to show it


# --- Cases: the reporter's phone -----------------------------------------------------------
WHOLE, MASKED = "+8613812345678", "138****5678"
units = cases_conftest.units  # the cases tests' fixture: the district's case units, officers


@pytest.fixture
def reported(units: Units) -> Case:
    """wang_fang's case, taken by 美罗家园居委 up to 罗店镇's desk and on to its office."""
    world = units.world
    world.wang_fang.phone = WHOLE
    world.wang_fang.save(update_fields=["phone"])
    case = raise_case(units)
    services.case_escalate(actor=world.li_wei, case_id=case.pk, reason="需要街道处理")
    services.case_assign(actor=units.desk_officer, case_id=case.pk, unit_id=units.office.pk)
    return case


@pytest.mark.parametrize(
    ("who", "phone"),
    [
        ("li_wei", WHOLE),  # the committee of the reporter's own community
        ("zheng_hua", WHOLE),  # its social worker, on the committee's staff
        ("desk_officer", MASKED),  # the street's desk, which held it
        ("office_officer", MASKED),  # the office holding it now
        ("liu_yang", MASKED),  # the street's supervisor
        ("huang_jun", MASKED),  # the district's supervisor
        ("wang_fang", None),  # the reporter: their own number is not repeated to them
    ],
)
def test_a_cases_reporter_phone_is_whole_only_for_their_committee(
    units: Units, reported: Case, who: str, phone: str | None
) -> None:
    person = getattr(units, who, None) or units.world.people[who]
    detail = case_selectors.case_detail(person, reported.pk)
    assert detail["reporter"]["id"] == units.world.wang_fang.pk
    assert detail["reporter"]["phone"] == phone


def test_the_lists_mask_it_the_same_way(units: Units, reported: Case) -> None:
    patrol = case_selectors.patrol_of(units.world.liu_yang, units.world.luodian.pk)["cases"]
    queue = case_selectors.queue_of(units.office_officer, unit_id=units.office.pk)
    for shown in (patrol, queue):
        assert [c["reporter"]["phone"] for c in shown if c["id"] == reported.pk] == [MASKED]


def test_live_frames_carry_the_whole_number_only_on_the_committees_feed(
    units: Units, reported: Case
) -> None:
    world = units.world
    services.case_start(actor=units.office_officer, case_id=reported.pk)
    staff = events(community_staff_feed(world.meiluo.pk), "case.updated")
    assert staff
    assert {e["case"]["reporter"]["phone"] for e in staff} == {WHOLE}
    assert (
        events(community_staff_feed(world.meiluo.pk), "case.queue")[0]["case"]["reporter"]["phone"]
        == WHOLE
    )
    for stream in (
        observe_feed(world.luodian.pk),
        observe_feed(world.district.pk),
        user_group(units.office_officer.pk),
        user_group(units.desk_officer.pk),
    ):
        frames = [e for e in events(stream) if e.get("case")]
        assert frames, stream
        assert {e["case"]["reporter"]["phone"] for e in frames} == {MASKED}, stream
    assert (
        not Event.objects.filter(payload__icontains="13812345678")
        .exclude(stream=community_staff_feed(world.meiluo.pk))
        .exists()
    )
