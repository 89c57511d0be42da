"""The chains of 外出请示报备 (第四十四条) and of 第三十四条 exceptions, declared for the workflow engine."""

from __future__ import annotations

from haimen_gov.org.models import Post, PostKind
from haimen_gov.org.routing import post_of_kind
from haimen_gov.workflow.flows import Flow, Step, register

from .models import Absence, AbsenceState, ExceptionRequest, ExceptionState


def _head(item: Absence | ExceptionRequest) -> list[Post | None]:
    # 第四十四条: 经区长批准同意; 第三十四条: 除区委、区政府统一安排外.
    return [post_of_kind(PostKind.DISTRICT_HEAD)]


def _office(item: Absence) -> list[Post | None]:
    # 第四十四条: 再按要求向区委报备 — the office reports it; its director or any deputy records that (或签).
    return [
        post_of_kind(PostKind.OFFICE_DIRECTOR),
        *Post.objects.filter(kind=PostKind.OFFICE_DEPUTY_DIRECTOR).order_by("order", "id"),
    ]


def _on_submitted(item: Absence) -> None:
    from .actions import absence_submitted

    absence_submitted(item)


def _on_approved(item: Absence) -> None:
    from .actions import absence_approved

    absence_approved(item)


def _on_cancelled(item: Absence) -> None:
    from .actions import absence_ended

    absence_ended(item)


ABSENCE_FLOW = register(
    Flow(
        key="leave.absence",
        model=Absence,
        steps={
            AbsenceState.APPROVAL: Step("approval", "区长批准", _head, due_days=1),
            AbsenceState.FILING: Step("filing", "报区委办备案", _office, mode="any", due_days=1, verbs=("record",)),
        },
        closed_states=frozenset(
            {
                AbsenceState.FILED,
                AbsenceState.WITHDRAWN,
                AbsenceState.REJECTED,
                AbsenceState.CANCELLED,
            }
        ),
        state_labels={str(value): str(label) for value, label in AbsenceState.choices},
        path=lambda item: [AbsenceState.APPROVAL, AbsenceState.FILING, AbsenceState.FILED],
        on_enter={
            AbsenceState.APPROVAL: _on_submitted,
            AbsenceState.FILING: _on_approved,
            AbsenceState.CANCELLED: _on_cancelled,
        },
        detail_template="leave/_absence_detail.html",
        page_related=("leader_post", "leader", "acting", "delegation"),
        labels={"unit": "外出领导所在单位", "submitter": "报告人", "submit": "报送区政府"},
        filed_for=lambda item: item.leader_id,
    )
)

EXCEPTION_FLOW = register(
    Flow(
        key="leave.exception",
        model=ExceptionRequest,
        steps={ExceptionState.APPROVAL: Step("approval", "区长审批", _head, due_days=2)},
        closed_states=frozenset({ExceptionState.APPROVED, ExceptionState.WITHDRAWN, ExceptionState.REJECTED}),
        state_labels={str(value): str(label) for value, label in ExceptionState.choices},
        path=lambda item: [ExceptionState.APPROVAL, ExceptionState.APPROVED],
        detail_template="leave/_exception_detail.html",
        page_related=("leader_post", "leader"),
        labels={"unit": "邀请单位", "submitter": "经办人", "submit": "报区长审批"},
    )
)
