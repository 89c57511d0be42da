"""Issue 9, item 11: the OpenAPI document matches the API. schemathesis generates requests from /api/schema/ for
every operation — valid ones and invalid ones — as two roles (a department clerk and the office director, by token),
with a fixed seed and a bounded number of examples, sends them to the portal's WSGI application, and runs every
check it has on each answer: no server error, a documented status code, content type and headers, a body that
matches its schema, invalid input refused, valid input accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis import checks

from tests.seals.helpers import pdf_upload

pytestmark = pytest.mark.django_db

SEED = 20261130
EXAMPLES = 12  # per operation, generation mode and role: about a minute in all


@contextmanager
def portal_in_this_transaction() -> Iterator[WSGIHandler]:
    """The portal's WSGI application inside the test's transaction: like Django's test client, the requests must
    not close the connection that holds it (and a test client used meanwhile would connect the closing again)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(org, settings, tmp_path):  # type: ignore[no-untyped-def]
    """Something to read: the seals and a seal request of dept1 waiting on vice1."""
    from seals import actions as seal_actions
    from seals.demo import seed_seals

    settings.MEDIA_ROOT = tmp_path / "media"
    government, _office = seed_seals()
    seal_actions.seal_request_create(
        actor=org.dept1_clerk,
        unit=org.units.dept1,
        seal=government,
        purpose="申报项目",
        document_title="关于申报项目的请示",
        copies=2,
        files=[pdf_upload()],
        submit=True,
    )
    return org


def load_schema(user) -> schemathesis.BaseSchema:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json())


@pytest.mark.parametrize("who", ["dept1_clerk", "director"])
def test_the_api_answers_as_its_schema_says(world, who):
    user = getattr(world, who)
    token = Token.objects.create(user=user).key
    schema = load_schema(user)
    with portal_in_this_transaction() as app:
        schema.app = app
        failures = run_schemathesis(schema, headers={"Authorization": f"Token {token}"})
    assert not failures, "\n\n".join(failures)


# Operations where "schema-valid data is accepted" cannot hold, and why: the schema states shapes and bounds, not
# these rules, which the API answers with 400 and a Chinese message.
VALID_SHAPE_MAY_BE_REFUSED = {
    "/api/v1/auth/token/": "made-up credentials are refused",
    "/api/v1/seals/requests/": "the unit and seal must exist and be the applicant's; off-site use needs a place "
    "and a reason (第三十三条)",
    "/api/v1/seals/requests/{id}/transitions/{name}/": "a return or refusal needs a comment; register needs the "
    "copies stamped",
    "/api/v1/seals/requests/{id}/attachments/": "only an applicant's draft or returned request takes files",
    "/api/v1/workdays/add": "the start date must lie in 1900—2200",
    "/api/v1/meetings/leave-requests/": "the attendee must exist and be the requester",
    "/api/v1/meetings/topics/": "the meeting must exist and take topics",
    "/api/v1/meetings/minutes/": "only the office drafts, from a held 常务会议/区长办公会议/专题会议, once (第十九条)",
    "/api/v1/meetings/minutes/{id}/transitions/{name}/": "a return needs a comment, an opinion its text; submitting "
    "needs a decision (第十九条)",
    "/api/v1/meetings/minutes/{id}/decisions/{decision_id}/supervise/": "only the office, after 签发, once per "
    "decision (第三十七、三十九条)",
    "/api/v1/leave/absences/": "the leader's post must exist and report to the district (第四十四条), the dates lie "
    "within a year and a report filed late at most 30 days after leaving",
    "/api/v1/leave/absences/{id}/transitions/{name}/": "a return, refusal, cancellation or 备案 needs a comment; the "
    "city's approval of the head's absence needs who decided, when and how (第四十四条)",
    "/api/v1/leave/absences/{id}/shorten/": "the new end must lie within the approved absence",
    "/api/v1/leave/exceptions/": "the unit and the leader's post must exist; a leader holding a post in the unit is "
    "exempt (第三十四条)",
    "/api/v1/leave/exceptions/{id}/transitions/{name}/": "a return or refusal needs a comment",
    "/api/v1/leave/visits/": "the traveller's post must exist and be a leader's or a unit head's; the visit is filed "
    "beforehand, lasts at most 30 days, and is in the approved plan or says why not (第三十五条)",
    "/api/v1/leave/visits/{id}/transitions/{name}/": "a return, refusal or cancellation needs a comment; a recorded "
    "decision needs who decided, when and how",
    "/api/v1/leave/visit-plan/": "only the office adds to the plan, for this year or the next (第三十五条)",
    "/api/v1/leave/visit-plan/{id}/": "only the office removes an entry, and not an approved one",
    "/api/v1/leave/visit-plan/approve/": "only the head (or the head's delegate) approves the year's plan",
    "/api/v1/leave/research/": "the leader must be a district leader the caller may log for; dates within the year",
    "/api/v1/leave/research/{id}/": "the leader must be a district leader the caller may log for; dates within the "
    "year",
    "/api/v1/documents/incoming/": "the unit must be the caller's own; a 请示 goes to one organ, never past the "
    "district or to a leader personally (第二十四条)",
    "/api/v1/documents/incoming/register/": "only the office registers; a 请示 has one 主送 (第二十四条)",
    "/api/v1/documents/incoming/{id}/transitions/{name}/": "退文 and 退回 need a reason; 批办 needs a unit and a "
    "matter type (第二十九条)",
    "/api/v1/documents/incoming/{id}/attachments/": "only an applicant's draft or returned document takes files",
    "/api/v1/documents/outgoing/": "the unit must be the caller's own; a unit's 规范性文件 needs its legality opinion, "
    "fair-competition review and consultation record, each a file in its slot (第二十八条)",
    "/api/v1/documents/outgoing/{id}/materials/": "only the drafter's draft or returned document takes a material, "
    "a PDF, OFD or DOCX file (第二十八条)",
    "/api/v1/documents/incoming/{id}/supervise/": "only the office opens a supervision item, from a 批示 on this very "
    "document, once per document (第三十七、三十九条)",
    "/api/v1/documents/outgoing/{id}/transitions/{name}/": "signing needs a passed legality review (第二十八条), the "
    "emergency path the recorded consent (第二十六条)",
    "/api/v1/documents/outgoing/{id}/distribute/": "only an issued document is distributed, to existing units",
    "/api/v1/documents/outgoing/{id}/attachments/": "only an applicant's draft or returned document takes files",
    "/api/v1/documents/assignments/{id}/transitions/{name}/": "an answer needs its text and waits for the co-units' "
    "opinions (会办, 第二十九条); 退回重办 a reason",
    "/api/v1/supervision/items/": "only the office or a designated unit opens an item (第三十九条), the units must "
    "exist, and the same matter for the same lead unit is refused while one is open",
    "/api/v1/supervision/items/{id}/transitions/{name}/": "退回续办 and 延期 decisions need a reason; 回访 a method",
    "/api/v1/supervision/items/{id}/feedback/": "only a unit with an open report task reports, its text and percentage "
    "given",
    "/api/v1/supervision/items/{id}/extension/": "only the lead unit asks, once, with a reason and a later deadline",
    "/api/v1/meetings/meetings/": "only the office prepares a meeting, dated from today to two years ahead, ending "
    "after it starts; a 专题会议 names its leader and units (第十八条)",
    "/api/v1/meetings/press-releases/": "the meeting and the leader's post must exist",
    "/api/v1/meetings/topics/{id}/attachments/": "only the sponsor's draft or returned topic takes files",
    "/api/v1/meetings/district-meetings/": "the office or a department asks, dated from today to two years ahead; a "
    "decision names a 议定事项 of signed 常务会议/区长办公会议 minutes, a vice head summoning town leaders a reason "
    "(第二十一条)",
    "/api/v1/meetings/district-meetings/{id}/transitions/{name}/": "a return or refusal needs a comment",
    "/api/v1/dashboard/": "the month must lie between 2000-01 and this month, the unit within the viewer's scope "
    "(a vice head's portfolio), and only leaders and the office see the dashboard (403)",
}
# Operations where "schema-invalid data is refused" cannot hold, and why (none at present).
INVALID_SHAPE_MAY_BE_ACCEPTED: set[str] = set()


def excluded_checks(case: schemathesis.Case) -> list[Any]:
    excluded = []
    if case.operation.path in VALID_SHAPE_MAY_BE_REFUSED:
        excluded.append(checks.positive_data_acceptance)
    if case.operation.path in INVALID_SHAPE_MAY_BE_ACCEPTED:
        excluded.append(checks.negative_data_rejection)
    return excluded


def run_schemathesis(schema: schemathesis.BaseSchema, *, headers: dict[str, str]) -> list[str]:
    failures: list[str] = []

    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            cache.clear()  # the token endpoint's rate limit counts per address, across operations otherwise

            @hypothesis.seed(SEED)
            @hypothesis.settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            def run(case: schemathesis.Case) -> None:
                case.call_and_validate(headers=headers, excluded_checks=excluded_checks(case))

            try:
                run()
            except SystemExit:
                raise
            except Unsatisfiable:
                if mode is schemathesis.GenerationMode.NEGATIVE:
                    continue  # an operation without parameters or body: nothing to make invalid
                raise
            except BaseException as exc:  # one operation's failure must not hide the others'
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    return failures
