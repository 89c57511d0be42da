"""The seal request's item page: its own fields on top of the engine's, in a fixed number of queries."""

from __future__ import annotations

import pytest

from seals.actions import seal_request_attach, seal_request_submit
from seals.models import State

from .helpers import advance, apply, pdf_upload

pytestmark = pytest.mark.django_db

# The user, their posts, the visibility check (which reads the item's kind), the request with its seal (joined as the
# seals flow declares, never every app's table), tasks, history, copies, attachments, the nav counts.
SEAL_ITEM_PAGE_QUERIES = 9


def test_the_seal_item_page_runs_the_same_queries_however_many_attachments_and_steps(
    org, seals, client_for, django_assert_max_num_queries
):
    small = apply(org.dept1_clerk, seals.gov, submit=False)
    large = apply(org.dept1_clerk, seals.gov, submit=False)
    seal_request_attach(large.pk, actor=org.dept1_clerk, files=[pdf_upload(f"附件{i}.pdf") for i in range(6)])
    for request in (small, large):
        seal_request_submit(request.pk, actor=org.dept1_clerk)
    advance(large, State.STAMPING)
    client = client_for(org.director)

    counts = []
    for request in (small, large):
        with django_assert_max_num_queries(SEAL_ITEM_PAGE_QUERIES) as captured:
            response = client.get(f"/items/{request.pk}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert "海门区人民政府印鉴" in page
        assert "请示.pdf" in page
        counts.append(len(captured))

    assert "附件5.pdf" in page
    assert counts[0] == counts[1], counts
