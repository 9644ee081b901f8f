"""Phone numbers are whole only for the committee of the person's own community (and the
person themself); everyone else sees 138****5678, and no log line keeps one whole."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.conf import settings

from communities.logmask import MaskPhones, mask_phones
from communities.sms import ConsoleBackend
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
