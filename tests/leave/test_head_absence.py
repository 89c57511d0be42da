"""第四十四条, the head's own absence: the office asks the city government office and reports to the district party
committee office → records the city principal leader's approval (who, when, how) → reports to the city committee.
第六条: the approval opens the delegation of the head's post to the executive vice head (or the vice head named)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from haimen_gov.workflow import actions as engine
from haimen_gov.workflow.models import ExternalDecision, HistoryEntry, Notification, Task, TaskStatus
from leave import actions
from leave.models import AbsenceState

from .conftest import days, fresh, on, report

pytestmark = pytest.mark.django_db

SENT = "11月30日已书面向市政府办公室请示，同日报区委办公室。"


def city(**extra: Any) -> dict[str, Any]:
    data = {
        "decided_by": "市长 王某",
        "decided_on": days(0).isoformat(),
        "means": "phone",
        "reference": "",
        "decision": "同意区长赴北京参加会议。",
        "evidence": "市政府办公室秘书一处电话告知",
    }
    data.update(extra)
    return data


def open_posts(absence) -> set[int]:  # type: ignore[no-untyped-def]
    return {t.post_id for t in Task.objects.filter(item=absence, status=TaskStatus.OPEN)}


def head_absence(org: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
    kwargs.setdefault("by", org.office_clerk)
    return report(org.head, destination="北京市", **kwargs)


def approved_by_city(org: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
    absence = head_absence(org, **kwargs)
    actions.absence_send(absence.pk, actor=org.deputy1, comment=SENT)
    return actions.absence_record(absence.pk, actor=org.deputy1, data=city())


def test_the_heads_absence_goes_through_the_office_to_the_city_and_the_city_committee(org):
    absence = head_absence(org)
    assert absence.for_head and absence.state == AbsenceState.REQUEST
    # 第六条: nobody named — the executive vice head presides.
    assert absence.acting == org.exec_vice
    office = {org.posts.director.pk, org.posts.deputy1.pk, org.posts.deputy2.pk}
    assert open_posts(absence) == office

    absence = actions.absence_send(absence.pk, actor=org.director, comment=SENT)
    assert absence.state == AbsenceState.CITY
    assert absence.delegation is None  # not approved yet
    assert open_posts(absence) == office

    absence = actions.absence_record(
        absence.pk, actor=org.deputy2, data=city(means="document", reference="通政办复〔2026〕12号")
    )
    assert absence.state == AbsenceState.CITY_FILING
    recorded = ExternalDecision.objects.get(item_id=absence.pk)
    assert (recorded.body, recorded.decided_by, recorded.reference) == ("市政府", "市长 王某", "通政办复〔2026〕12号")
    entry = HistoryEntry.objects.get(item=absence, verb="record")
    assert entry.verb_label == "代市政府登记"
    assert "市政府（市长 王某）" in entry.comment and "通政办复〔2026〕12号" in entry.comment

    absence = actions.absence_report_city(absence.pk, actor=org.director, comment="12月1日电话报市委办公室备案。")
    assert absence.state == AbsenceState.FILED and absence.closed_at is not None
    assert [e.verb for e in HistoryEntry.objects.filter(item=absence).order_by("id")] == [
        "create",
        "submit",
        "send",
        "record",
        "report",
    ]


def test_the_citys_approval_opens_the_delegation_to_the_exec_vice_head_for_exactly_those_dates(org):
    absence = fresh(approved_by_city(org, start=days(3), end=days(5)))
    delegation = absence.delegation
    assert delegation is not None
    assert (delegation.post, delegation.delegate) == (org.posts.head, org.exec_vice)
    assert (delegation.start, delegation.end) == (days(3), days(5))
    told = set(Notification.objects.filter(item=absence, title__startswith="【委托】").values_list("user", flat=True))
    assert told == {org.head.pk, org.exec_vice.pk}

    # An exception request waits on the head: the exec vice head approves it "受区长委托" during the dates only.
    from leave.models import ExceptionRequest

    invite = actions.exception_create(
        actor=org.dept1_clerk,
        unit=org.units.dept1,
        leader_post=org.posts.vice2,
        category="forum",
        event="长江经济带论坛",
        event_date=days(20),
        place="海门",
        reason="区委统一安排",
    )
    with on(days(2)), pytest.raises(engine.Forbidden):
        engine.item_fire(ExceptionRequest, invite.pk, verb="approve", actor=org.exec_vice)
    with on(days(4)):
        engine.item_fire(ExceptionRequest, invite.pk, verb="approve", actor=org.exec_vice, comment="同意。")
    assert HistoryEntry.objects.get(item=invite, verb="approve").acting_label == "受区长委托"


def test_a_vice_head_named_by_the_head_presides_instead(org):
    absence = fresh(approved_by_city(org, acting=org.vice2))
    assert absence.delegation is not None and absence.delegation.delegate == org.vice2


@pytest.mark.parametrize(
    ("who", "message"),
    [("dept1_head", "第六条"), ("director", "第六条"), ("office_clerk", "第六条"), ("outsider", "在职的领导干部")],
)
def test_only_a_vice_head_may_preside_for_the_head(org, who, message):
    with pytest.raises(ValidationError) as caught:
        head_absence(org, acting=org.users[who])
    assert message in caught.value.message_dict["acting"][0]


def test_the_head_may_file_it_and_the_office_may_file_it_nobody_else(org):
    assert report(org.head, destination="北京市").state == AbsenceState.REQUEST
    for who in ("exec_vice", "dept1_clerk", "secretary"):
        with pytest.raises(ValidationError):
            report(org.head, by=org.users[who], start=days(40))


@pytest.mark.parametrize("who", ["head", "exec_vice", "vice1", "secretary", "dept1_head", "outsider"])
def test_only_the_office_records_each_step(org, who):
    absence = head_absence(org)
    with pytest.raises(engine.Forbidden):
        actions.absence_send(absence.pk, actor=org.users[who], comment=SENT)
    actions.absence_send(absence.pk, actor=org.deputy1, comment=SENT)
    with pytest.raises(engine.Forbidden):
        actions.absence_record(absence.pk, actor=org.users[who], data=city())
    actions.absence_record(absence.pk, actor=org.deputy1, data=city())
    with pytest.raises(engine.Forbidden):
        actions.absence_report_city(absence.pk, actor=org.users[who], comment="已报。")
    assert fresh(absence).state == AbsenceState.CITY_FILING


def test_the_office_clerk_who_filed_it_does_not_record_it_but_the_director_does(org):
    absence = head_absence(org, by=org.director)
    with pytest.raises(engine.Forbidden, match="本人"):
        actions.absence_send(absence.pk, actor=org.director, comment=SENT)
    assert actions.absence_send(absence.pk, actor=org.deputy1, comment=SENT).state == AbsenceState.CITY


def test_the_delegate_of_an_office_post_records_for_it(org):
    from tests.factories import DelegationFactory

    DelegationFactory(post=org.posts.director, delegate=org.dept1_head, start=days(0), end=days(3))
    absence = head_absence(org)
    actions.absence_send(absence.pk, actor=org.dept1_head, comment=SENT)
    assert HistoryEntry.objects.get(item=absence, verb="send").acting_label == "受区政府办公室主任委托"


def test_the_order_is_enforced(org):
    absence = head_absence(org)
    # No city approval before the request went out; no report to the city committee before the approval.
    with pytest.raises(engine.Conflict):
        actions.absence_record(absence.pk, actor=org.deputy1, data=city())
    with pytest.raises(engine.Conflict):
        actions.absence_report_city(absence.pk, actor=org.deputy1, comment="已报。")
    # The head does not approve their own absence: there is no 区长批准 step in this chain.
    with pytest.raises(engine.Conflict):
        actions.absence_approve(absence.pk, actor=org.head)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decided_by": ""}, "decided_by"),
        ({"decided_by": "王" * 61}, "decided_by"),
        ({"means": "document", "reference": ""}, "reference"),
        ({"means": "telepathy"}, "means"),
        ({"decided_on": "2099-01-01"}, "decided_on"),
        ({"decided_on": "2001-01-01"}, "decided_on"),
        ({"decision": "同" * 501}, "decision"),
    ],
)
def test_the_citys_decision_must_be_recorded_whole_and_bounded(org, data, field):
    absence = head_absence(org)
    actions.absence_send(absence.pk, actor=org.deputy1, comment=SENT)
    with pytest.raises(ValidationError) as caught:
        actions.absence_record(absence.pk, actor=org.deputy1, data=city(**data))
    assert field in caught.value.message_dict
    assert fresh(absence).state == AbsenceState.CITY
    assert not ExternalDecision.objects.filter(item_id=absence.pk).exists()


def test_sending_and_reporting_need_a_comment(org):
    absence = head_absence(org)
    with pytest.raises(engine.CommentRequired):
        actions.absence_send(absence.pk, actor=org.deputy1, comment="")


def test_the_city_refusing_closes_it_without_a_delegation(org):
    absence = head_absence(org)
    actions.absence_send(absence.pk, actor=org.deputy1, comment=SENT)
    with pytest.raises(engine.CommentRequired):
        engine.item_fire(type(absence), absence.pk, verb="reject", actor=org.deputy1)
    absence = engine.item_fire(
        type(absence), absence.pk, verb="reject", actor=org.deputy1, comment="市政府办公室电话告知：不同意。"
    )
    assert absence.state == AbsenceState.REJECTED
    assert fresh(absence).delegation is None


def test_cancelling_the_heads_absence_ends_the_delegation(org):
    absence = approved_by_city(org)
    absence = actions.absence_cancel(absence.pk, actor=org.office_clerk, comment="会议延期。")
    assert absence.state == AbsenceState.CANCELLED
    assert fresh(absence).delegation.revoked_at is not None  # type: ignore[union-attr]


def test_a_heads_report_after_leaving_is_a_late_report(org):
    absence = head_absence(org, start=days(-1), end=days(2))
    assert absence.late is True


def test_the_head_and_exec_vice_away_together_warns_the_office(org):
    approved_by_city(org, start=days(3), end=days(6))
    mine = report(org.exec_vice, start=days(5), end=days(8), acting=org.vice1)
    assert any("区长与常务副区长同时不在海门" in w for w in fresh(mine).office_warnings)


def test_two_office_posts_recording_at_once_one_wins(org):
    absence = head_absence(org)
    actions.absence_send(absence.pk, actor=org.deputy1, comment=SENT)
    with pytest.raises(engine.Conflict):
        actions.absence_send(absence.pk, actor=org.deputy2, comment=SENT)


# ------------------------------------------------------------------------------------------------- pages


def test_the_office_files_the_heads_absence_and_records_the_city_from_the_item_page(org, client_for):
    clerk = client_for(org.office_clerk)
    page = clerk.get("/leave/absences/new/").content.decode()
    assert "区长" in page and "由区政府办公室向市政府办公室请示" in page
    response = clerk.post(
        "/leave/absences/new/",
        {
            "leader_post": org.posts.head.pk,
            "category": "trip",
            "start": days(3).isoformat(),
            "end": days(4).isoformat(),
            "destination": "北京市",
            "reason": "参加座谈会",
            "contact": "13900000000",
            "acting": "",
            "action": "submit",
        },
        follow=True,
    )
    assert "向市政府办公室请示" in response.content.decode()
    absence = fresh(head_absence_of(org))
    assert (absence.state, absence.acting) == (AbsenceState.REQUEST, org.exec_vice)

    deputy = client_for(org.deputy1)
    deputy.post(f"/items/{absence.pk}/transitions/send/", {"state": "request", "comment": SENT})
    assert fresh(absence).state == AbsenceState.CITY
    page = deputy.get(f"/items/{absence.pk}/").content.decode()
    assert "决定方式" in page and "登记市政府批准" in page and "市政府未批准" in page
    url = f"/items/{absence.pk}/transitions/record/"
    bad = deputy.post(url, {"state": "city", **city(means="document", reference="")}, follow=True)
    assert "以文件决定的，请填写文号。" in bad.content.decode()
    assert fresh(absence).state == AbsenceState.CITY
    deputy.post(url, {"state": "city", **city()})
    absence = fresh(absence)
    assert absence.state == AbsenceState.CITY_FILING and absence.delegation is not None
    page = deputy.get(f"/items/{absence.pk}/").content.decode()
    assert "代市政府登记" in page and "受区长委托" in page


def head_absence_of(org: Any):  # type: ignore[no-untyped-def]
    from leave.models import Absence

    return Absence.objects.get(leader=org.head)


def test_the_filing_step_of_a_vice_heads_absence_asks_no_decision_fields(org, client_for):
    from .conftest import approved

    absence = approved(org.vice1, org)
    page = client_for(org.director).get(f"/items/{absence.pk}/").content.decode()
    assert "已报区委办备案" in page and "决定方式" not in page
