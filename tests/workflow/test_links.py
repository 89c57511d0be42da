"""Links between items (来源 / 派生自 / 取代): one action writes the link and both histories; both pages and the API
show it, to those who may see the other item."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from haimen_gov.workflow import actions, selectors
from haimen_gov.workflow.actions import Conflict, Forbidden, WorkflowError
from haimen_gov.workflow.models import HistoryEntry, ItemLink, LinkKind
from tests.workflow_app.models import MemoState

from .helpers import create_memo, memo_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(org):  # type: ignore[no-untyped-def]
    decision = memo_at(org, MemoState.OFFICE_REVIEW, title="常务会议决定事项")
    follow_up = create_memo(org, title="督查事项：落实会议决定")
    return decision, follow_up


def test_a_link_is_recorded_in_both_histories(org, pair):
    decision, follow_up = pair
    link = actions.item_link(decision, follow_up, kind=LinkKind.SOURCE, actor=org.director)

    assert (link.from_item_id, link.to_item_id, link.kind, link.created_by) == (
        decision.pk,
        follow_up.pk,
        "source",
        org.director,
    )
    on_decision = HistoryEntry.objects.get(item_id=decision.pk, verb="link")
    on_follow_up = HistoryEntry.objects.get(item_id=follow_up.pk, verb="link")
    assert on_decision.comment == f"派生事项：事项{follow_up.pk}《督查事项：落实会议决定》"
    assert on_follow_up.comment == f"来源事项：事项{decision.pk}《常务会议决定事项》"
    assert on_decision.actor == on_follow_up.actor == org.director
    assert on_decision.to_state == MemoState.OFFICE_REVIEW  # a link changes no state


@pytest.mark.parametrize(
    ("kind", "from_role", "to_role"),
    [
        (LinkKind.SOURCE, "派生事项", "来源事项"),
        (LinkKind.DERIVED, "来源事项", "派生事项"),
        (LinkKind.SUPERSEDES, "被本事项取代", "取代本事项"),
    ],
)
def test_each_item_names_what_the_other_is_to_it(org, pair, kind, from_role, to_role):
    one, other = pair
    actions.item_link(one, other, kind=kind, actor=org.director)
    assert [(x.role, x.item.pk) for x in selectors.item_links(one, org.director)] == [(from_role, other.pk)]
    assert [(x.role, x.item.pk) for x in selectors.item_links(other, org.director)] == [(to_role, one.pk)]


def test_no_link_to_itself(org, pair):
    decision, _ = pair
    with pytest.raises(WorkflowError, match="不能与自身关联"):
        actions.item_link(decision, decision, kind=LinkKind.SOURCE, actor=org.director)
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemLink.objects.create(from_item=decision, to_item=decision, kind=LinkKind.SOURCE)


def test_the_same_link_twice_or_its_inverse_is_a_conflict(org, pair):
    decision, follow_up = pair
    actions.item_link(decision, follow_up, kind=LinkKind.SOURCE, actor=org.director)
    with pytest.raises(Conflict):
        actions.item_link(decision, follow_up, kind=LinkKind.SOURCE, actor=org.director)
    with pytest.raises(Conflict):  # "B derives from A" says what "A is the source of B" said
        actions.item_link(follow_up, decision, kind=LinkKind.DERIVED, actor=org.director)
    actions.item_link(follow_up, decision, kind=LinkKind.SUPERSEDES, actor=org.director)  # another relation
    assert ItemLink.objects.count() == 2


def test_an_unknown_kind_is_refused(org, pair):
    with pytest.raises(WorkflowError, match="关联关系无效"):
        actions.item_link(*pair, kind="parent", actor=org.director)


def test_only_someone_who_sees_both_items_may_link_them(org, pair):
    decision, _ = pair
    other_unit = create_memo(org, by=org.dept2_clerk, unit=org.units.dept2, title="区教育局的事项")
    # dept1's clerk drafted both of the pair, but has nothing to do with dept2's memo.
    with pytest.raises(Forbidden):
        actions.item_link(decision, other_unit, kind=LinkKind.SOURCE, actor=org.dept1_clerk)
    with pytest.raises(Forbidden):
        actions.item_link(*pair, kind=LinkKind.SOURCE, actor=org.outsider)
    assert not ItemLink.objects.exists()
    actions.item_link(*pair, kind=LinkKind.SOURCE, actor=org.dept1_clerk)


def test_a_linked_item_the_viewer_may_not_see_is_not_shown(org, pair):
    decision, _ = pair
    other_unit = create_memo(org, by=org.dept2_clerk, unit=org.units.dept2, title="区教育局的事项")
    actions.item_link(decision, other_unit, kind=LinkKind.SOURCE, actor=org.director)
    assert [x.item.pk for x in selectors.item_links(decision, org.director)] == [other_unit.pk]
    assert selectors.item_links(decision, org.dept1_clerk) == []  # its title would leak across units


def test_both_pages_show_the_links_in_one_query(org, pair, client_for, django_assert_num_queries):
    decision, follow_up = pair
    third = create_memo(org, title="被取代的旧纪要")
    actions.item_link(decision, follow_up, kind=LinkKind.SOURCE, actor=org.director)
    actions.item_link(decision, third, kind=LinkKind.SUPERSEDES, actor=org.director)
    from haimen_gov.org.routing import acting_posts

    posts = acting_posts(org.dept1_clerk)  # the page has them already
    with django_assert_num_queries(1):
        links = selectors.item_links(decision, org.dept1_clerk, posts=posts)
        assert [x.item.title for x in links] == ["督查事项：落实会议决定", "被取代的旧纪要"]

    page = client_for(org.dept1_clerk).get(f"/items/{decision.pk}/").content.decode()
    assert 'id="item-links"' in page and "关联事项" in page
    assert f'href="/items/{follow_up.pk}/"' in page and "派生事项" in page and "被本事项取代" in page
    page = client_for(org.dept1_clerk).get(f"/items/{follow_up.pk}/").content.decode()
    assert f'href="/items/{decision.pk}/"' in page and "来源事项" in page
    unlinked = create_memo(org, title="无关联的纪要")
    assert 'id="item-links"' not in client_for(org.dept1_clerk).get(f"/items/{unlinked.pk}/").content.decode()


def test_the_page_costs_the_same_queries_with_more_links(org, pair, client_for, django_assert_max_num_queries):
    decision, follow_up = pair
    actions.item_link(decision, follow_up, kind=LinkKind.SOURCE, actor=org.director)
    client = client_for(org.dept1_clerk)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(f"/items/{decision.pk}/")
    for n in range(4):
        actions.item_link(decision, create_memo(org, title=f"派生{n}"), kind=LinkKind.SOURCE, actor=org.director)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(f"/items/{decision.pk}/")


def test_the_api_shows_the_links_of_an_item(org, seals, api_client_for):
    from seals.actions import seal_request_create
    from tests.seals.helpers import pdf_upload

    government_seal, _office_seal = seals

    def request(title: str):  # type: ignore[no-untyped-def]
        return seal_request_create(
            actor=org.dept1_clerk,
            unit=org.units.dept1,
            seal=government_seal,
            purpose="报送市发改委",
            document_title=title,
            copies=1,
            files=[pdf_upload()],
        )

    old, new = request("旧请示"), request("新请示")
    actions.item_link(new, old, kind=LinkKind.SUPERSEDES, actor=org.dept1_clerk)

    body = api_client_for(org.dept1_clerk).get(f"/api/v1/seals/requests/{new.pk}/").json()
    assert body["links"] == [
        {
            "role": "被本事项取代",
            "kind": "supersedes",
            "direction": "out",
            "id": old.pk,
            "number": "",
            "title": old.title,
            "state_display": old.stage_label,
            "url": f"/items/{old.pk}/",
        }
    ]
    body = api_client_for(org.dept1_clerk).get(f"/api/v1/seals/requests/{old.pk}/").json()
    assert [(x["role"], x["direction"], x["id"]) for x in body["links"]] == [("取代本事项", "in", new.pk)]
    # Someone who may not see the items reads nothing of them or their links (vice2 is in charge of other units).
    assert api_client_for(org.vice2).get(f"/api/v1/seals/requests/{old.pk}/").status_code == 404
