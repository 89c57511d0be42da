"""``manage.py seed_demo``: a realistic district, the same after every run, never in production by accident."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from haimen_gov.org.models import Portfolio, PortfolioRole, Post, PostKind, Unit, UnitKind, User
from haimen_gov.org.routing import in_charge, post_of_kind

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def snapshot() -> dict[str, object]:
    """Everything seed_demo writes, ids included, in a stable order."""
    return {
        "units": sorted(Unit.objects.values_list("id", "code", "name", "short_name", "kind", "parent__code", "order")),
        "users": sorted(
            User.objects.values_list("id", "username", "full_name", "email", "password", "is_staff", "is_superuser")
        ),
        "posts": sorted(
            Post.objects.values_list("id", "holder__username", "kind", "unit__code", "title", "superior_id", "order"),
            key=repr,
        ),
        "portfolios": sorted(Portfolio.objects.values_list("id", "unit__code", "role", "post_id")),
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"  # the demo seal requests' attachments


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    seed()


def test_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError) as error:
        seed()
    assert "DEBUG=False" in str(error.value)
    assert "--force" in str(error.value)
    assert "拒绝" in str(error.value)
    assert not User.objects.filter(username="head").exists()


def test_force_overrides_the_refusal(settings):
    settings.DEBUG = False
    seed(force=True)
    assert User.objects.filter(username="head").exists()


def test_running_twice_changes_nothing(seeded, settings):
    first = snapshot()
    counts = {model: model.objects.count() for model in (Unit, User, Post, Portfolio)}
    output = seed()
    assert snapshot() == first
    assert {model: model.objects.count() for model in (Unit, User, Post, Portfolio)} == counts
    assert "director" in output and "超级管理员" in output


def test_a_rerun_repairs_edits_to_demo_rows(seeded):
    first = snapshot()
    Portfolio.objects.filter(unit__code="dept1", role=PortfolioRole.VICE_HEAD).update(
        post=Post.objects.get(holder__username="vice2")
    )
    User.objects.filter(username="head").update(full_name="改过的名字")
    seed()
    assert snapshot() == first


def test_the_summary_lists_every_user_and_post(seeded, settings):
    output = seed()
    for username, title in [("head", "区长"), ("dept1_clerk", "区发改委文书"), ("outsider", "无职务")]:
        line = next(line for line in output.splitlines() if line.startswith(username + " "))
        assert title in line
    assert settings.DEMO_PASSWORD in output


def test_the_district_is_complete(seeded):
    kinds = dict(Unit.objects.values_list("code", "kind"))
    assert kinds["district_gov"] == UnitKind.DISTRICT_GOV
    assert kinds["gov_office"] == UnitKind.GOV_OFFICE
    assert kinds["party_committee"] == UnitKind.PARTY_COMMITTEE
    assert kinds["discipline"] == UnitKind.DISCIPLINE
    assert Unit.objects.get(code="gov_office").parent == Unit.objects.get(code="district_gov")
    assert Unit.objects.get(name="海门区司法局").kind == UnitKind.DEPARTMENT
    assert Unit.objects.get(name="海门区财政局").kind == UnitKind.DEPARTMENT
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT).count() >= 8
    assert {"dept1", "dept6", "town1", "town4"} <= set(kinds)
    assert Unit.objects.filter(kind=UnitKind.TOWN).count() == 4
    assert Unit.objects.get(code="town1").name == "海门区三厂街道"


HOLDS = {
    "head": [(PostKind.DISTRICT_HEAD, "district_gov")],
    "exec_vice": [(PostKind.EXEC_VICE_HEAD, "district_gov")],
    "vice1": [(PostKind.VICE_HEAD, "district_gov")],
    "vice3": [(PostKind.VICE_HEAD, "district_gov")],
    "director": [(PostKind.OFFICE_DIRECTOR, "gov_office")],
    "deputy2": [(PostKind.OFFICE_DEPUTY_DIRECTOR, "gov_office")],
    "custodian": [(PostKind.SEAL_CUSTODIAN, "gov_office")],
    "office_clerk": [(PostKind.UNIT_CLERK, "gov_office")],
    "justice": [(PostKind.JUSTICE_HEAD, "justice")],
    "finance": [(PostKind.FINANCE_HEAD, "finance")],
    "secretary": [(PostKind.PARTY_SECRETARY, "party_committee")],
    "discipline": [(PostKind.DISCIPLINE_OFFICER, "discipline")],
    "dept1_head": [(PostKind.UNIT_HEAD, "dept1")],
    "dept8_clerk": [(PostKind.UNIT_CLERK, "dept8")],
    "town4_head": [(PostKind.UNIT_HEAD, "town4")],
    "outsider": [],
}


def test_who_holds_what(seeded):
    held = {
        username: list(Post.objects.filter(holder__username=username).values_list("kind", "unit__code"))
        for username in HOLDS
    }
    assert held == HOLDS


def test_people_have_chinese_names_a_working_password_and_some_email(seeded, settings):
    for user in User.objects.filter(username__in=["head", "vice2", "dept3_clerk", "outsider"]):
        assert user.full_name and all("\u4e00" <= ch <= "\u9fff" for ch in user.full_name), user
        assert user.check_password(settings.DEMO_PASSWORD), user
    assert User.objects.get(username="head").email == "head@haimen.example"
    assert User.objects.get(username="town1_clerk").email == ""


def test_only_the_director_administers(seeded):
    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == ["director"]
    assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == ["director"]


def test_every_department_and_town_has_a_vice_head_and_a_deputy_in_charge(seeded):
    units = Unit.objects.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.TOWN])
    assert units.count() == 14
    for unit in units:
        vice = in_charge(unit, PortfolioRole.VICE_HEAD)
        deputy = in_charge(unit, PortfolioRole.OFFICE_DEPUTY)
        assert vice is not None and vice.kind in (PostKind.VICE_HEAD, PostKind.EXEC_VICE_HEAD), unit
        assert deputy is not None and deputy.kind == PostKind.OFFICE_DEPUTY_DIRECTOR, unit
    dept1 = Portfolio.objects.filter(unit__code="dept1").values_list("role", "post__holder__username")
    assert dict(dept1) == {PortfolioRole.VICE_HEAD: "vice1", PortfolioRole.OFFICE_DEPUTY: "deputy1"}
    vices = set(Portfolio.objects.filter(role=PortfolioRole.VICE_HEAD).values_list("post__holder__username", flat=True))
    assert vices == {"exec_vice", "vice1", "vice2", "vice3"}
    deputies = set(
        Portfolio.objects.filter(role=PortfolioRole.OFFICE_DEPUTY).values_list("post__holder__username", flat=True)
    )
    assert deputies == {"deputy1", "deputy2"}


SUPERIORS = {
    "head": None,
    "exec_vice": "head",
    "vice2": "head",
    "director": "exec_vice",
    "deputy1": "director",
    "custodian": "director",
    "office_clerk": "director",
    "dept1_head": "vice1",
    "dept1_clerk": "dept1_head",
    "town1_head": "vice1",
    "justice": "vice3",
    "finance": "exec_vice",
    "secretary": None,
}


def test_escalation_follows_the_chain_of_superiors(seeded):
    superiors = dict(
        Post.objects.filter(holder__username__in=SUPERIORS).values_list(
            "holder__username", "superior__holder__username"
        )
    )
    assert superiors == SUPERIORS


def test_every_unit_head_reports_to_the_vice_head_in_charge(seeded):
    for post in Post.objects.filter(kind=PostKind.UNIT_HEAD).select_related("unit"):
        assert post.superior == in_charge(post.unit, PortfolioRole.VICE_HEAD), post.unit


def test_the_single_posts_are_single(seeded):
    for kind in (PostKind.DISTRICT_HEAD, PostKind.EXEC_VICE_HEAD, PostKind.OFFICE_DIRECTOR, PostKind.JUSTICE_HEAD):
        assert Post.objects.filter(kind=kind).count() == 1, kind
    head = post_of_kind(PostKind.DISTRICT_HEAD)
    assert head is not None
    assert head.holder == User.objects.get(username="head")
    assert Post.objects.filter(kind=PostKind.VICE_HEAD).count() == 3


def test_the_demo_requests_a_district_meeting_on_a_signed_minutes_decision(seeded):
    """第二十一条: the demo's 区长办公会议 minutes are signed, and one of their decisions founds a district meeting
    request waiting on the office, linked from the minutes; a rerun adds no second one."""
    from haimen_gov.workflow.models import ItemLink, LinkKind
    from meetings.demo_minutes import DISTRICT_ON_DECISION_TITLE
    from meetings.models import DistrictBasis, DistrictMeeting, DistrictMeetingState, MeetingKind
    from meetings.models_minutes import MinutesState

    request = DistrictMeeting.objects.select_related("decision__minutes__meeting").get(title=DISTRICT_ON_DECISION_TITLE)
    assert request.decision is not None
    minutes = request.decision.minutes
    assert request.basis == DistrictBasis.DECISION and request.state == DistrictMeetingState.OFFICE_CHECK
    assert minutes.state == MinutesState.SIGNED and minutes.meeting.kind == MeetingKind.HEAD_OFFICE
    assert ItemLink.objects.filter(from_item=minutes.pk, to_item=request.pk, kind=LinkKind.SOURCE).exists()
    seed()
    assert DistrictMeeting.objects.filter(title=DISTRICT_ON_DECISION_TITLE).count() == 1
