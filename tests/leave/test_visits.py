"""出访 (第三十五条): the yearly plan (计划管理) and the three chains — the head: the party secretary agrees → the city
approves (recorded); a vice head: the head agrees → the secretary approves → the city approves (recorded); a unit
head: the vice head in charge → the head → approval by procedure (recorded). Who may act at each step and who may not
(delegation included), the order, the plan check, bounded input; the pages and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import ExternalDecision, HistoryEntry, Task, TaskStatus
from leave import actions
from leave.models import Visit, VisitChain, VisitPlanEntry, VisitState

from .conftest import days, on

pytestmark = pytest.mark.django_db


def plan(org: Any, who: str, *, start: dt.date | None = None, approve: bool = True, countries: str = "德国") -> Any:
    start = start or days(60)
    year = start.year
    entry = actions.visit_plan_add(
        actor=org.director,
        year=year,
        traveller_post=org.posts[who] if isinstance(org.posts, dict) else getattr(org.posts, who),
        countries=countries,
        purpose="招商引资、考察先进制造业",
        approx_start=start,
        approx_end=min(start + dt.timedelta(days=10), dt.date(year, 12, 31)),
    )
    if approve:
        actions.visit_plan_approve(year, actor=org.head)
        entry.refresh_from_db()
    return entry


def file(org: Any, who: str, *, by: str | None = None, entry: Any = None, reason: str = "", **extra: Any) -> Visit:
    start = extra.pop("start", days(60))
    fields: dict[str, Any] = {
        "countries": "德国",
        "purpose": "招商引资、考察先进制造业",
        "members": "区发改委、区商务局各 1 人",
        "start": start,
        "end": extra.pop("end", start + dt.timedelta(days=6)),
        "plan_entry": entry,
        "out_of_plan_reason": reason,
    }
    fields.update(extra)
    return actions.visit_create(
        actor=org.users[by or who], traveller_post=getattr(org.posts, who), submit=True, **fields
    )


def record_data(**extra: Any) -> dict[str, Any]:
    data = {
        "decided_by": "市政府外事办 周某",
        "decided_on": days(0).isoformat(),
        "means": "document",
        "reference": "通外事〔2026〕8号",
        "decision": "同意按计划出访。",
        "evidence": "",
    }
    data.update(extra)
    return data


def fire(visit: Visit, verb: str, who: Any, **kwargs: Any) -> Visit:
    kwargs.setdefault("comment", "同意。" if verb != "record" else "")
    return actions.visit_fire(visit.pk, verb=verb, actor=who, **kwargs)


def open_posts(visit: Visit) -> set[int]:
    return {t.post_id for t in Task.objects.filter(item=visit, status=TaskStatus.OPEN)}


def state(visit: Visit) -> str:
    return Visit.objects.get(pk=visit.pk).state


# ------------------------------------------------------------------------------------------------- the chains


def test_the_heads_visit_secretary_then_the_city_recorded(org):
    visit = file(org, "head", entry=plan(org, "head"))
    assert (visit.chain, visit.state, visit.out_of_plan) == (VisitChain.HEAD, VisitState.SECRETARY, False)
    assert open_posts(visit) == {org.posts.secretary.pk}
    visit = fire(visit, "approve", org.secretary)
    assert visit.state == VisitState.CITY
    assert open_posts(visit) == {org.posts.director.pk, org.posts.deputy1.pk, org.posts.deputy2.pk}
    visit = fire(visit, "record", org.deputy1, data=record_data())
    assert visit.state == VisitState.APPROVED and visit.closed_at is not None
    recorded = ExternalDecision.objects.get(item_id=visit.pk)
    assert (recorded.body, recorded.reference) == ("市政府", "通外事〔2026〕8号")
    assert HistoryEntry.objects.get(item=visit, verb="record").verb_label == "代市政府登记"


def test_a_vice_heads_visit_head_then_secretary_then_city(org):
    visit = file(org, "vice1", entry=plan(org, "vice1"))
    assert (visit.chain, visit.state) == (VisitChain.VICE, VisitState.HEAD)
    assert open_posts(visit) == {org.posts.head.pk}
    # The order is enforced: the secretary cannot approve before the head, nor the office record the city's decision.
    with pytest.raises(engine.Forbidden):
        fire(visit, "approve", org.secretary)
    with pytest.raises(engine.Conflict):
        fire(visit, "record", org.deputy1, data=record_data())
    visit = fire(visit, "approve", org.head)
    assert visit.state == VisitState.SECRETARY
    with pytest.raises(engine.Forbidden):
        fire(visit, "approve", org.exec_vice)
    visit = fire(visit, "approve", org.secretary)
    assert visit.state == VisitState.CITY
    visit = fire(visit, "record", org.director, data=record_data(means="phone", reference=""))
    assert visit.state == VisitState.APPROVED


def test_a_unit_heads_visit_goes_up_level_by_level_then_by_procedure(org):
    visit = file(org, "dept1_head", reason="应邀参加中德产业合作对接会，邀请函 11 月下旬才收到")
    assert (visit.chain, visit.state, visit.out_of_plan) == (VisitChain.UNIT, VisitState.IN_CHARGE, True)
    assert open_posts(visit) == {org.posts.vice1.pk}  # vice1 is in charge of dept1
    with pytest.raises(engine.Forbidden):
        fire(visit, "approve", org.head)
    visit = fire(visit, "approve", org.vice1)
    assert visit.state == VisitState.HEAD
    visit = fire(visit, "approve", org.head)
    assert visit.state == VisitState.PROCEDURE
    assert not Task.objects.filter(item=visit, post=org.posts.secretary).exists()  # no secretary in this chain
    visit = fire(visit, "record", org.deputy2, data=record_data())
    assert visit.state == VisitState.APPROVED
    assert ExternalDecision.objects.get(item_id=visit.pk).body == "外事审批机关"


@pytest.mark.parametrize("who", ["vice1", "exec_vice", "director", "dept1_head", "outsider"])
def test_only_the_secretary_agrees_to_the_heads_visit(org, who):
    visit = file(org, "head", reason="临时受邀")
    with pytest.raises(engine.Forbidden):
        fire(visit, "approve", org.users[who])
    assert state(visit) == VisitState.SECRETARY


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("head", engine.Forbidden),
        ("vice1", engine.Forbidden),
        # The secretary acted in this round: a late click is a 409, as everywhere in the engine.
        ("secretary", engine.Conflict),
        ("dept1_head", engine.Forbidden),
        ("outsider", engine.Forbidden),
    ],
)
def test_only_the_office_records_the_citys_decision(org, who, refusal):
    visit = fire(file(org, "head", reason="临时受邀"), "approve", org.secretary)
    with pytest.raises(refusal):
        fire(visit, "record", org.users[who], data=record_data())
    assert state(visit) == VisitState.CITY


def test_the_traveller_never_approves_their_own_visit_even_acting_for_the_head(org):
    from tests.factories import DelegationFactory

    DelegationFactory(post=org.posts.head, delegate=org.vice1, start=days(0), end=days(5))
    visit = file(org, "vice1", reason="临时受邀")
    with pytest.raises(engine.Forbidden, match="本人"):
        fire(visit, "approve", org.vice1)
    # Another traveller's visit: the delegate agrees for the head, and the trail says so.
    other = fire(file(org, "vice2", reason="临时受邀"), "approve", org.vice1)
    assert other.state == VisitState.SECRETARY
    assert HistoryEntry.objects.get(item=other, verb="approve").acting_label == "受区长委托"


def test_the_delegate_acts_only_during_the_delegation(org):
    from tests.factories import DelegationFactory

    DelegationFactory(post=org.posts.secretary, delegate=org.discipline, start=days(3), end=days(4))
    visit = file(org, "head", reason="临时受邀")
    with on(days(2)), pytest.raises(engine.Forbidden):
        fire(visit, "approve", org.discipline)
    with on(days(3)):
        fire(visit, "approve", org.discipline)
    assert state(visit) == VisitState.CITY


def test_return_resubmit_withdraw_reject_and_cancel(org):
    visit = file(org, "vice1", reason="临时受邀")
    with pytest.raises(engine.CommentRequired):
        fire(visit, "return", org.head, comment="")
    visit = fire(visit, "return", org.head, comment="请补充团组成员。")
    assert visit.state == VisitState.RETURNED
    visit = fire(visit, "submit", org.vice1)
    assert visit.state == VisitState.HEAD
    visit = fire(visit, "withdraw", org.vice1)
    assert visit.state == VisitState.WITHDRAWN

    refused = fire(file(org, "vice2", reason="临时受邀"), "approve", org.head)
    refused = fire(refused, "reject", org.secretary, comment="不同意。")
    assert refused.state == VisitState.REJECTED

    done = fire(
        fire(file(org, "head", reason="临时受邀"), "approve", org.secretary), "record", org.deputy1, data=record_data()
    )
    with pytest.raises(engine.Forbidden):
        fire(done, "cancel", org.vice1, comment="x")
    done = fire(done, "cancel", org.head, comment="行程取消。")
    assert done.state == VisitState.CANCELLED


def test_two_approvers_at_once_one_wins(org):
    visit = fire(file(org, "head", reason="临时受邀"), "approve", org.secretary)
    fire(visit, "record", org.deputy1, data=record_data())
    with pytest.raises(engine.Conflict):
        fire(visit, "record", org.deputy2, data=record_data())


def test_the_citys_decision_is_bounded(org):
    visit = fire(file(org, "head", reason="临时受邀"), "approve", org.secretary)
    for bad, field in [
        ({"decided_by": ""}, "decided_by"),
        ({"means": "document", "reference": ""}, "reference"),
        ({"decided_on": "2099-01-01"}, "decided_on"),
        ({"decision": "x" * 501}, "decision"),
    ]:
        with pytest.raises(ValidationError) as caught:
            fire(visit, "record", org.deputy1, data=record_data(**bad))
        assert field in caught.value.message_dict
    assert state(visit) == VisitState.CITY


# ------------------------------------------------------------------------------------------------- the plan


def test_a_visit_in_the_approved_plan_is_in_plan(org):
    entry = plan(org, "vice1")
    visit = file(org, "vice1", entry=entry)
    assert visit.out_of_plan is False and visit.plan_entry == entry


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unapproved", "尚未经区长批准"),
        ("someone_elses", "不是该出访人的计划"),
        ("far_from_plan", "相差一个月以上"),
        ("no_reason", "须说明计划外出访的理由"),
    ],
)
def test_the_plan_check(org, case, message):
    entry = plan(org, "vice2" if case == "someone_elses" else "vice1", approve=case != "unapproved")
    kwargs: dict[str, Any] = {"entry": entry}
    if case == "far_from_plan":
        kwargs["start"] = entry.approx_end + dt.timedelta(days=40)
    if case == "no_reason":
        kwargs = {"entry": None, "reason": "  "}
    with pytest.raises(ValidationError) as caught:
        file(org, "vice1", **kwargs)
    assert message in str(caught.value)
    assert not Visit.objects.exists()


def test_a_plan_entry_serves_one_visit_at_a_time(org):
    entry = plan(org, "vice1")
    first = file(org, "vice1", entry=entry)
    with pytest.raises(ValidationError, match="已有出访"):
        file(org, "vice1", entry=entry)
    fire(first, "withdraw", org.vice1)
    assert file(org, "vice1", entry=entry).state == VisitState.HEAD


def test_out_of_plan_is_marked_and_keeps_its_reason(org):
    visit = file(org, "vice1", reason="应邀出席友好城市建交 30 周年活动")
    assert visit.out_of_plan is True and visit.plan_entry is None
    assert ("计划管理", "计划外（应邀出席友好城市建交 30 周年活动）") in visit.slip_fields()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"start": days(-1), "end": days(3)}, "start"),  # no 补报 of a visit abroad
        ({"start": days(10), "end": days(50)}, "end"),  # longer than 30 days
        ({"start": days(10), "end": days(8)}, "end"),
        ({"start": days(400), "end": days(402)}, "start"),
    ],
)
def test_visit_dates_are_bounded(org, extra, field):
    with pytest.raises(ValidationError) as caught:
        file(org, "vice1", reason="临时受邀", **extra)
    assert field in caught.value.message_dict


@pytest.mark.parametrize(("who", "by"), [("vice1", "vice2"), ("vice1", "dept1_clerk"), ("dept1_clerk", "dept1_clerk")])
def test_who_may_file_a_visit_for_whom(org, who, by):
    with pytest.raises(ValidationError):
        file(org, who, by=by, reason="临时受邀")


def test_the_office_files_for_a_leader_who_then_counts_as_the_applicant(org):
    visit = file(org, "vice1", by="office_clerk", reason="临时受邀")
    assert visit.submitter == org.office_clerk and visit.traveller == org.vice1
    assert fire(visit, "withdraw", org.vice1).state == VisitState.WITHDRAWN


def test_only_the_office_adds_to_the_plan_and_only_the_head_approves_it(org):
    with pytest.raises(engine.Forbidden):
        actions.visit_plan_add(
            actor=org.vice1,
            year=days(60).year,
            traveller_post=org.posts.vice1,
            countries="法国",
            purpose="考察",
            approx_start=days(60),
            approx_end=days(65),
        )
    entry = plan(org, "vice1", approve=False)
    for who in ("vice1", "director", "secretary", "exec_vice"):
        with pytest.raises(engine.Forbidden):
            actions.visit_plan_approve(entry.year, actor=org.users[who])
    assert actions.visit_plan_approve(entry.year, actor=org.head) == 1
    assert actions.visit_plan_approve(entry.year, actor=org.head) == 0  # a second click approves nothing again
    with pytest.raises(engine.Conflict):
        actions.visit_plan_remove(entry.pk, actor=org.director)


def test_the_heads_delegate_approves_the_plan(org):
    from tests.factories import DelegationFactory

    DelegationFactory(post=org.posts.head, delegate=org.exec_vice, start=days(0), end=days(2))
    entry = plan(org, "vice1", approve=False)
    assert actions.visit_plan_approve(entry.year, actor=org.exec_vice) == 1


@pytest.mark.parametrize(
    ("year_offset", "start_offset", "end_offset", "field"),
    [(5, 0, 0, "year"), (0, 0, -1, "approx_end"), (0, 400, 400, "approx_start")],
)
def test_plan_entries_are_bounded(org, year_offset, start_offset, end_offset, field):
    year = days(0).year + year_offset
    start = dt.date(days(0).year, 6, 1) + dt.timedelta(days=start_offset)
    with pytest.raises(ValidationError) as caught:
        actions.visit_plan_add(
            actor=org.director,
            year=year,
            traveller_post=org.posts.vice1,
            countries="法国",
            purpose="考察",
            approx_start=start,
            approx_end=start + dt.timedelta(days=end_offset),
        )
    assert field in caught.value.message_dict


# ------------------------------------------------------------------------------------------------- pages and API


def test_the_visit_form_files_an_out_of_plan_visit(org, client_for):
    client = client_for(org.vice1)
    page = client.get("/leave/visits/new/")
    assert page.status_code == 200 and "第三十五条" in page.content.decode()
    body = {
        "traveller_post": org.posts.vice1.pk,
        "countries": "日本",
        "purpose": "友好城市交流",
        "members": "",
        "start": days(30).isoformat(),
        "end": days(34).isoformat(),
        "plan_entry": "",
        "out_of_plan_reason": "",
        "action": "submit",
    }
    refused = client.post("/leave/visits/new/", body)
    assert refused.status_code == 200 and "须说明计划外出访的理由" in refused.content.decode()
    assert client.post("/leave/visits/new/", {**body, "countries": "日" * 101}).status_code == 200
    assert not Visit.objects.exists()
    response = client.post("/leave/visits/new/", {**body, "out_of_plan_reason": "对方临时邀请"})
    visit = Visit.objects.get()
    assert response.status_code == 302 and visit.out_of_plan and visit.state == VisitState.HEAD
    assert client_for(org.dept1_clerk).get("/leave/visits/new/").status_code == 403


def test_the_plan_page_adds_and_the_head_approves(org, client_for):
    office = client_for(org.director)
    year = days(60).year
    page = office.get(f"/leave/visits/plan/?year={year}")
    assert page.status_code == 200 and 'id="plan-form"' in page.content.decode()
    response = office.post(
        "/leave/visits/plan/",
        {
            "year": year,
            "traveller_post": org.posts.vice1.pk,
            "countries": "新加坡",
            "purpose": "学习营商环境建设经验",
            "approx_start": days(60).isoformat(),
            "approx_end": days(60).isoformat(),
        },
    )
    assert response.status_code == 302
    head = client_for(org.head)
    assert 'id="plan-approve"' in head.get(f"/leave/visits/plan/?year={year}").content.decode()
    assert client_for(org.vice1).post("/leave/visits/plan/approve/", {"year": year}).status_code == 403
    assert client_for(org.vice1).post("/leave/visits/plan/", {"year": year}).status_code == 403
    assert head.post("/leave/visits/plan/approve/", {"year": year}).status_code == 302
    assert VisitPlanEntry.objects.get().approved


@pytest.mark.parametrize("who", ["director", "vice1"])
def test_the_visit_list_runs_the_same_queries_for_3_and_30_rows(org, client_for, django_assert_max_num_queries, who):
    def add(n: int) -> None:
        for i in range(n):
            file(org, "vice1", reason=f"邀请{i}", countries=f"国家{i}")

    client = client_for(org.users[who])
    add(3)
    with django_assert_max_num_queries(30) as three:
        page = client.get("/leave/visits/?state=")
    assert page.status_code == 200 and page.content.decode().count("计划外") >= 3
    add(27)
    with django_assert_max_num_queries(len(three.captured_queries)):
        assert client.get("/leave/visits/?state=").status_code == 200
    assert client.get("/leave/visits.csv").status_code == 200


def test_other_units_do_not_see_a_visit(org, client_for):
    file(org, "vice1", reason="临时受邀")
    assert "临时受邀" not in client_for(org.dept2_head).get("/leave/visits/").content.decode()


def test_the_api_creates_reads_and_records(org, api_client_for):
    client = api_client_for(org.head)
    response = client.post(
        "/api/v1/leave/visits/",
        {
            "traveller_post": org.posts.head.pk,
            "countries": "德国",
            "purpose": "招商",
            "start": days(40).isoformat(),
            "end": days(45).isoformat(),
            "out_of_plan_reason": "临时受邀",
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    pk = response.data["id"]
    assert (response.data["state"], response.data["chain"], response.data["out_of_plan"]) == ("secretary", "head", True)
    bad = client.post(
        "/api/v1/leave/visits/", {"traveller_post": org.posts.head.pk, "countries": "德国"}, format="json"
    )
    assert bad.status_code == 400
    secretary = api_client_for(org.secretary)
    assert secretary.post(f"/api/v1/leave/visits/{pk}/transitions/approve/", {"state": "secretary"}).status_code == 200
    director = api_client_for(org.director)
    missing = director.post(f"/api/v1/leave/visits/{pk}/transitions/record/", {"state": "city"}, format="json")
    assert missing.status_code == 400
    done = director.post(
        f"/api/v1/leave/visits/{pk}/transitions/record/", {"state": "city", **record_data()}, format="json"
    )
    assert done.status_code == 200 and done.data["state"] == "approved"
    again = api_client_for(org.deputy1).post(
        f"/api/v1/leave/visits/{pk}/transitions/record/", {"state": "city", **record_data()}, format="json"
    )
    assert again.status_code == 409
    assert api_client_for(org.dept2_head).get(f"/api/v1/leave/visits/{pk}/").status_code == 404


def test_the_plan_api(org, api_client_for):
    body = {
        "year": days(60).year,
        "traveller_post": org.posts.vice1.pk,
        "countries": "法国",
        "purpose": "考察",
        "approx_start": days(60).isoformat(),
        "approx_end": days(60).isoformat(),
    }
    assert api_client_for(org.vice1).post("/api/v1/leave/visit-plan/", body, format="json").status_code == 403
    created = api_client_for(org.director).post("/api/v1/leave/visit-plan/", body, format="json")
    assert created.status_code == 201, created.data
    assert (
        api_client_for(org.director)
        .post("/api/v1/leave/visit-plan/", {**body, "year": 1999}, format="json")
        .status_code
        == 400
    )
    assert (
        api_client_for(org.vice1).post("/api/v1/leave/visit-plan/approve/", {"year": body["year"]}).status_code == 403
    )
    approved = api_client_for(org.head).post("/api/v1/leave/visit-plan/approve/", {"year": body["year"]})
    assert approved.status_code == 200 and approved.data == {"approved": 1}
    assert api_client_for(org.outsider).get("/api/v1/leave/visit-plan/").status_code == 200


def test_the_plan_page_and_the_absence_ledger_run_the_same_queries_for_3_and_30_rows(
    org, client_for, django_assert_max_num_queries
):
    from .conftest import approved

    travellers = [org.posts.vice1, org.posts.vice2, org.posts.exec_vice, org.posts.dept1_head, org.posts.head]
    leaders = iter([org.vice1, org.vice2, org.exec_vice, org.dept1_head, org.dept2_head, org.town1_head] * 5)

    def add(n: int, offset: int) -> None:
        for i in range(n):
            actions.visit_plan_add(
                actor=org.director,
                year=days(0).year,
                traveller_post=travellers[i % len(travellers)],
                countries=f"国家{offset + i}",
                purpose="考察",
                approx_start=dt.date(days(0).year, 12, 1),
                approx_end=dt.date(days(0).year, 12, 5),
            )
            approved(next(leaders), org, start=days(offset + i * 3), end=days(offset + i * 3 + 1))

    client = client_for(org.director)
    add(3, 0)
    counts = []
    for path in ("/leave/visits/plan/", "/leave/absences/?status="):
        with django_assert_max_num_queries(30) as three:
            page = client.get(path)
        assert page.status_code == 200
        counts.append(len(three.captured_queries))
    add(27, 10)
    for path, count in zip(("/leave/visits/plan/", "/leave/absences/?status="), counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(path).status_code == 200
    assert client.get("/leave/absences.csv").status_code == 200
    assert client.get("/leave/absences/?first=2026-13-01").status_code == 200  # a bad date is reported, not a 500
