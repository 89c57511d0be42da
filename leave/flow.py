"""The chains of 外出请示报备 (第四十四条) and of 第三十四条 exceptions, declared for the workflow engine."""

from __future__ import annotations

from haimen_gov.org.models import PortfolioRole, Post, PostKind
from haimen_gov.org.routing import in_charge, post_of_kind
from haimen_gov.workflow.flows import Flow, Step, choice_labels, register

from .forms import RecordForm
from .models import Absence, AbsenceState, ExceptionRequest, ExceptionState, Visit, VisitState


def _head(item: Absence | ExceptionRequest) -> list[Post | None]:
    # 第四十四条: 经区长批准同意; 第三十四条: 除区委、区政府统一安排外.
    return [post_of_kind(PostKind.DISTRICT_HEAD)]


def _office(item: Absence | Visit) -> list[Post | None]:
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
            # 第四十四条: 区长离开海门，由区政府办公室分别向市政府办公室、区委办公室请示和报备。经市政府主要领导批准
            # 后，再按要求向市委报备.
            AbsenceState.REQUEST: Step(
                "request", "向市政府办请示、报区委办", _office, mode="any", due_days=1, verbs=("send", "return")
            ),
            AbsenceState.CITY: Step(
                "city",
                "市政府主要领导批准",
                _office,
                mode="any",
                due_days=3,
                verbs=("record", "reject"),
                records_for="市政府",
            ),
            AbsenceState.CITY_FILING: Step(
                "city_filing", "报市委备案", _office, mode="any", due_days=1, verbs=("report",)
            ),
        },
        closed_states=frozenset(
            {
                AbsenceState.FILED,
                AbsenceState.WITHDRAWN,
                AbsenceState.REJECTED,
                AbsenceState.CANCELLED,
            }
        ),
        state_labels=choice_labels(AbsenceState.choices),
        path=lambda item: (
            [AbsenceState.REQUEST, AbsenceState.CITY, AbsenceState.CITY_FILING, AbsenceState.FILED]
            if item.for_head
            else [AbsenceState.APPROVAL, AbsenceState.FILING, AbsenceState.FILED]
        ),
        on_enter={
            AbsenceState.APPROVAL: _on_submitted,
            AbsenceState.REQUEST: _on_submitted,
            AbsenceState.FILING: _on_approved,
            # The head's absence is approved when the city's approval is recorded: the delegation opens then.
            AbsenceState.CITY_FILING: _on_approved,
            AbsenceState.CANCELLED: _on_cancelled,
        },
        action_forms={"record": RecordForm},
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
        state_labels=choice_labels(ExceptionState.choices),
        path=lambda item: [ExceptionState.APPROVAL, ExceptionState.APPROVED],
        detail_template="leave/_exception_detail.html",
        page_related=("leader_post", "leader"),
        labels={"unit": "邀请单位", "submitter": "经办人", "submit": "报区长审批"},
    )
)


# ------------------------------------------------------------------------------------------------- 出访 (第三十五条)


def _traveller_in_charge(item: Visit) -> list[Post | None]:
    # 第三十五条: 各单位主要负责同志出访，逐级报相关区领导同意 — first the vice head in charge of the unit (the
    # executive vice head where no vice head is).
    return [in_charge(item.traveller_post.unit, PortfolioRole.VICE_HEAD) or post_of_kind(PostKind.EXEC_VICE_HEAD)]


def _secretary(item: Visit) -> list[Post | None]:
    # 第三十五条: 区长出访，经区委书记同意; 副区长出访 … 报区委书记批准.
    return [post_of_kind(PostKind.PARTY_SECRETARY)]


# 第三十五条: the order of each chain.
VISIT_PATHS: dict[str, list[str]] = {
    "head": [VisitState.SECRETARY, VisitState.CITY, VisitState.APPROVED],
    "vice": [VisitState.HEAD, VisitState.SECRETARY, VisitState.CITY, VisitState.APPROVED],
    "unit": [VisitState.IN_CHARGE, VisitState.HEAD, VisitState.PROCEDURE, VisitState.APPROVED],
}


def _on_visit_submitted(item: Visit) -> None:
    from .actions import visit_submitted

    visit_submitted(item)


VISIT_FLOW = register(
    Flow(
        key="leave.visit",
        model=Visit,
        steps={
            VisitState.IN_CHARGE: Step("in_charge", "分管区领导同意", _traveller_in_charge, due_days=2),
            VisitState.HEAD: Step("head", "区长同意", _head, due_days=2),
            VisitState.SECRETARY: Step("secretary", "区委书记批准", _secretary, due_days=3),
            VisitState.CITY: Step(
                "city", "市政府审批", _office, mode="any", due_days=10, verbs=("record", "reject"), records_for="市政府"
            ),
            VisitState.PROCEDURE: Step(
                "procedure",
                "按程序审批",
                _office,
                mode="any",
                due_days=10,
                verbs=("record", "reject"),
                records_for="外事审批机关",
            ),
        },
        closed_states=frozenset({VisitState.APPROVED, VisitState.WITHDRAWN, VisitState.REJECTED, VisitState.CANCELLED}),
        state_labels=choice_labels(VisitState.choices),
        path=lambda item: VISIT_PATHS[item.chain],
        # Entering the chain's first state (and re-entering it after a return) checks the plan entry is still free.
        on_enter={
            VisitState.IN_CHARGE: _on_visit_submitted,
            VisitState.HEAD: _on_visit_submitted,
            VisitState.SECRETARY: _on_visit_submitted,
        },
        action_forms={"record": RecordForm},
        detail_template="leave/_visit_detail.html",
        page_related=("traveller_post", "traveller", "plan_entry"),
        labels={"unit": "出访人所在单位", "submitter": "经办人", "submit": "报批"},
        filed_for=lambda item: item.traveller_id,
    )
)
