"""The HTTP API fuzzed from its own OpenAPI schema (schemathesis), against a live daphne.

Every operation of /api/openapi.json gets generated requests — valid ones and ones that
break the schema (wrong types, missing fields, out-of-range values) — from a resident and
from a committee member, each logged in the way the browser is (session cookie, CSRF
header, Origin). Each response must not be a server error, must have a status and a
content type the schema declares, and must match what the schema declares for its status.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chat.services import estate_conversations_ensure
from notifications import vapid
from tests.conftest import PASSWORD, World, make_member
from tests.fuzz.budget import SEED, examples, timeout
from tests.servers import Server, daphne

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(timeout(300))]

# Per operation (each example from one of the two people, drawn): enough for each
# operation to see valid and invalid input, few enough that ~200 operations fit the suite's
# budget. FUZZ_EXAMPLES=20 tries forty.
MAX_EXAMPLES = examples(2)
PEOPLE = ("wang_fang", "li_wei")  # a resident of 美罗一期 and a member of its committee


@dataclass
class Live:
    server: Server
    http: requests.Session
    headers: dict[str, str]


def log_in(server: Server, username: str) -> Live:
    """Log in as the browser does: CSRF cookie first, then the form with the token."""
    http = requests.Session()
    origin = {"Origin": server.url, "Referer": server.url + "/"}
    token = http.get(f"{server.url}/api/auth/csrf", timeout=10).json()["csrf_token"]
    response = http.post(
        f"{server.url}/api/auth/login",
        json={"username": username, "password": PASSWORD},
        headers={"X-CSRFToken": token, **origin},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    # Logging in rotates the CSRF token: send the new one from now on.
    headers = {"X-CSRFToken": str(http.cookies["csrftoken"]), **origin}
    return Live(server=server, http=http, headers=headers)


@pytest.fixture
def live(world: World, tmp_path: Path) -> Iterator[dict[str, Live]]:
    """A daphne, and each of PEOPLE logged in to it. Their estate has its chat."""
    make_member(world.people["zhao_lei"], world.meiluo_1)
    estate_conversations_ensure(estate_ids=[world.meiluo_1.pk])
    # A deployment has its VAPID key (`make run` writes one); without it the push key
    # endpoint cannot answer.
    vapid.generate(tmp_path / "vapid.pem")
    with daphne(
        tmp_path,
        SMS_BACKEND="communities.sms.FileBackend",
        SMS_FILE_PATH=str(tmp_path / "sms.jsonl"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        MEDIA_ROOT=str(tmp_path / "media"),
        VAPID_KEY_FILE=str(tmp_path / "vapid.pem"),
    ) as server:
        yield {username: log_in(server, username) for username in PEOPLE}


@pytest.fixture
def api_schema(live: dict[str, Live]) -> schemathesis.BaseSchema:
    # The session is ours: no generated cookies or bearer tokens in its place. (How many
    # examples, and their seed, are hypothesis' settings in fuzz_operation.)
    config = SchemathesisConfig.from_dict({"generation": {"with-security-parameters": False}})
    url = live[PEOPLE[0]].server.url
    return schemathesis.openapi.from_url(f"{url}/api/openapi.json", config=config, timeout=10)


# Ends the very session the fuzzer runs in: every later request would be anonymous.
EXCLUDED = {"communities_api_auth_logout"}


def fuzz_operation(operation: APIOperation, live: dict[str, Live]) -> None:
    """Valid and invalid requests for one operation, each checked as it is answered."""
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @seed(SEED)
    @settings(
        max_examples=MAX_EXAMPLES,
        database=None,
        deadline=None,
        # A failure is reported as found: shrinking would cost many more requests.
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(who=st.sampled_from(PEOPLE), case=cases)
    def run(who: str, case: schemathesis.Case) -> None:
        session = live[who]
        case.call_and_validate(
            base_url=session.server.url,
            session=session.http,
            headers=session.headers,
            # Every status must be one the schema declares (the 4xx through the shared
            # error body config/api.py adds to each operation), and the body must match it.
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ],
            timeout=10,
        )

    run()


def describe(exc: BaseException) -> str:
    """The failure with the failures inside it (hypothesis and schemathesis group them)."""
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, BaseExceptionGroup):
        text += "".join("\n  " + describe(inner) for inner in exc.exceptions)
    return text


def test_no_server_error_and_responses_match_the_schema(
    live: dict[str, Live], api_schema: schemathesis.BaseSchema
) -> None:
    """Every operation is tried, and every failing one is reported, not only the first."""
    failures: dict[str, str] = {}
    tried = 0
    for result in api_schema.get_all_operations():
        assert isinstance(result, Ok), result  # the schema is valid OpenAPI
        operation = result.ok()
        if operation.definition.raw.get("operationId") in EXCLUDED:
            continue
        tried += 1
        try:
            fuzz_operation(operation, live)
        except (Exception, BaseExceptionGroup) as exc:  # each operation's failure is collected
            failures[operation.label] = describe(exc)[:3000]
    assert tried > 150, tried  # the schema was read whole
    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
