"""The pages added for 出访 (第三十五条), the head's absence (第四十四条) and the dashboard's people panel, in real
headless Chromium at a desk's width (1440 px) and a phone's (390 px): no sideways scrolling on the phone, lists as
cards there. Screenshots go to ``$TEST_ARTIFACTS_DIR/e2e/``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from leave import actions

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"1440": (1440, 900), "390": (390, 844)}


def no_sideways_scroll(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def data(org):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    start = today + dt.timedelta(days=40)
    entry = actions.visit_plan_add(
        actor=org.director,
        year=start.year,
        traveller_post=org.posts.vice2,
        countries="德国",
        purpose="考察职业教育和先进制造业，开展招商推介",
        approx_start=start,
        approx_end=start + dt.timedelta(days=7),
    )
    actions.visit_plan_approve(start.year, actor=org.head)
    actions.visit_plan_add(
        actor=org.director,
        year=start.year,
        traveller_post=org.posts.dept1_head,
        countries="日本",
        purpose="友好城市经贸交流",
        approx_start=start,
        approx_end=start + dt.timedelta(days=4),
    )
    visit = actions.visit_create(
        actor=org.vice2,
        traveller_post=org.posts.vice2,
        countries="德国",
        purpose="考察职业教育和先进制造业，开展招商推介",
        members="区教体局、区商务局各 1 人",
        start=start,
        end=start + dt.timedelta(days=6),
        plan_entry=entry,
    )
    visit = actions.visit_fire(visit.pk, verb="approve", actor=org.head, comment="同意，按计划出访。")
    actions.visit_create(
        actor=org.dept1_head,
        traveller_post=org.posts.dept1_head,
        countries="新加坡",
        purpose="参加国际产业合作论坛",
        members="",
        start=today + dt.timedelta(days=20),
        end=today + dt.timedelta(days=23),
        plan_entry=None,
        out_of_plan_reason="主办方 11 月下旬临时邀请",
    )
    head = actions.absence_create(
        actor=org.head,
        leader_post=org.posts.head,
        category="trip",
        start=today,
        end=today + dt.timedelta(days=1),
        destination="北京市",
        reason="参加长三角一体化发展工作座谈会",
        contact="13900000000",
        acting=None,
    )
    actions.absence_send(head.pk, actor=org.deputy1, comment="已书面向市政府办公室请示，同时报区委办公室。")
    actions.absence_record(
        head.pk,
        actor=org.director,
        data={
            "decided_by": "市长",
            "decided_on": today.isoformat(),
            "means": "phone",
            "reference": "",
            "decision": "同意，外出期间由常务副区长主持区政府工作",
            "evidence": "市政府办公室秘书一处电话告知",
        },
    )
    actions.research_trip_create(
        actor=org.director,
        leader=org.vice1,
        start=max(today - dt.timedelta(days=5), dt.date(today.year, 1, 1)),
        end=max(today - dt.timedelta(days=4), dt.date(today.year, 1, 1)),
        places="三厂街道",
        topic="老旧小区改造",
    )
    return head, visit


@pytest.mark.parametrize("size", ["1440", "390"])
def test_visit_pages_head_absence_and_people_panel(live_server, org, login, screenshot, size):
    head_absence, visit = data(org)
    director = login("director", viewport=WIDTHS[size])

    director.goto(f"{live_server.url}/leave/visits/plan/?year={visit.start.year}")
    expect(director.locator("#visit-plan")).to_contain_text("德国")
    expect(director.locator("#visit-plan")).to_contain_text("待区长批准")
    assert no_sideways_scroll(director)
    screenshot(director, f"leave-visit-plan-{size}")

    director.goto(f"{live_server.url}/leave/visits/?state=")
    expect(director.locator("#visit-list")).to_contain_text("计划外")
    expect(director.locator("#visit-list")).to_contain_text("待区委书记批准")
    assert no_sideways_scroll(director)
    screenshot(director, f"leave-visits-{size}")

    director.goto(f"{live_server.url}/items/{head_absence.pk}/")
    expect(director.locator("#item-state")).to_have_text("待报市委备案")
    expect(director.locator("#history")).to_contain_text("代市政府登记")
    expect(director.locator("#absence-detail")).to_contain_text("受区长委托")
    assert no_sideways_scroll(director)
    screenshot(director, f"leave-head-absence-{size}")

    director.goto(f"{live_server.url}/dashboard/")
    panel = director.locator("#panel-people")
    expect(panel).to_contain_text("今日外出领导")
    expect(panel).to_contain_text("受区长委托")
    assert no_sideways_scroll(director)
    panel.screenshot(path=str(screenshot(director, f"dashboard-{size}").with_name(f"dashboard-people-{size}.png")))

    vice1 = login("vice1", viewport=WIDTHS[size])
    vice1.goto(f"{live_server.url}/leave/visits/new/")
    expect(vice1.locator("h1")).to_have_text("因公出访报批")
    vice1.fill("#id_countries", "日本")
    assert no_sideways_scroll(vice1)
    screenshot(vice1, f"leave-visit-form-{size}")

    # The party secretary's step of a vice head's visit in the plan (第三十五条), with the record form ahead.
    secretary = login("secretary", viewport=WIDTHS[size])
    secretary.goto(f"{live_server.url}/items/{visit.pk}/")
    expect(secretary.locator("#item-state")).to_have_text("待区委书记批准")
    expect(secretary.locator("#visit-detail")).to_contain_text("列入")
    expect(secretary.locator('button[data-verb="approve"]')).to_be_visible()
    assert no_sideways_scroll(secretary)
    screenshot(secretary, f"leave-visit-secretary-{size}")
