from __future__ import annotations

import datetime as dt

from haimen_gov.org.models import PortfolioRole, Post, PostKind
from haimen_gov.org.routing import in_charge, post_of_kind
from haimen_gov.workflow.flows import Flow, Step, register
from haimen_gov.workflow.forms import ExternalDecisionForm
from haimen_gov.workflow.numbering import take_number

from .models import Case, CaseState, MatterType, Memo, MemoState, ReadOrder

MEMO_SERIES = "tests-memo"  # 测试纪要〔{year}〕第{n}期, seeded by migration 0002


def _number(memo: Memo) -> None:
    take_number(MEMO_SERIES, item=memo)


def _path(memo: Memo) -> list[str]:
    path = [MemoState.OFFICE_REVIEW, MemoState.JOINT_REVIEW, MemoState.EXEC_SIGN]
    if memo.touches_funds:
        path.append(MemoState.HEAD_SIGN)
    return [*path, MemoState.ISSUED]


FLOW = register(
    Flow(
        key="tests.memo",
        model=Memo,
        urgency_field="urgency",
        steps={
            MemoState.OFFICE_REVIEW: Step(
                "office_review",
                "办公室审核",
                lambda m: [post_of_kind(PostKind.OFFICE_DIRECTOR), in_charge(m.unit, PortfolioRole.OFFICE_DEPUTY)],
                mode="any",
                due_days=1,
            ),
            MemoState.JOINT_REVIEW: Step(
                "joint_review",
                "司法局、办公室会审",
                lambda m: [post_of_kind(PostKind.JUSTICE_HEAD), post_of_kind(PostKind.OFFICE_DIRECTOR)],
                mode="all",
                due_days=2,
            ),
            MemoState.EXEC_SIGN: Step("exec_sign", "常务副区长签发", lambda m: [post_of_kind(PostKind.EXEC_VICE_HEAD)]),
            MemoState.HEAD_SIGN: Step("head_sign", "区长审定", lambda m: [post_of_kind(PostKind.DISTRICT_HEAD)]),
        },
        closed_states=frozenset({MemoState.ISSUED, MemoState.WITHDRAWN, MemoState.REJECTED}),
        state_labels={str(v): str(label) for v, label in MemoState.choices},
        path=_path,
        # An issued memo takes the next number of its series, in the issuing transaction (workflow.numbering).
        on_enter={MemoState.ISSUED: _number},
    )
)


# --------------------------------------------------------------------------- Case: the second edition's primitives

MATTER_DAYS = {MatterType.SIMPLE: 5, MatterType.ORDINARY: 7, MatterType.COMPLEX: 30}


def _signers(case: Case) -> list[Post | None]:
    # A dynamic signer set: whoever the item names, possibly nobody (then the 会签 is skipped).
    return list(case.signers.order_by("order", "id"))


def _readers(case: Case) -> list[Post | None]:
    # 呈阅 up the chain of the item's unit: its head, the vice head in charge, the district head (自下而上), or the
    # other way round (自上而下).
    chain = [
        post_of_kind(PostKind.UNIT_HEAD, case.unit),
        in_charge(case.unit, PortfolioRole.VICE_HEAD),
        post_of_kind(PostKind.DISTRICT_HEAD),
    ]
    return chain if case.read_order == ReadOrder.UP else chain[::-1]


def _handler(case: Case) -> list[Post | None]:
    # 承办 by the vice head in charge of the second unit: a unit other than the item's own that the chain reads.
    return [in_charge(case.partner_unit or case.unit, PortfolioRole.VICE_HEAD)]


def _handling_due(case: Case) -> int | dt.date:
    # The district's explicit date wins; otherwise the matter type's working days.
    return case.due_on or MATTER_DAYS[MatterType(case.matter_type)]


def _feedback_units(case: Case) -> list[Post | None]:
    return [post_of_kind(PostKind.UNIT_HEAD, unit) for unit in case.feedback_units.order_by("order", "id")]


CASE_FLOW = register(
    Flow(
        key="tests.case",
        model=Case,
        steps={
            CaseState.COUNTERSIGN: Step(
                "countersign", "会签", _signers, mode="all", verbs=("approve", "opinion", "return")
            ),
            CaseState.READING: Step("reading", "呈阅", _readers, mode="sequence", verbs=("read",)),
            CaseState.EXTERNAL: Step(
                "external",
                "报市政府决定",
                lambda c: [post_of_kind(PostKind.OFFICE_DIRECTOR)],
                verbs=("record", "return"),
                records_for="市政府",
            ),
            CaseState.HANDLING: Step("handling", "承办", _handler, due=_handling_due),
            CaseState.FEEDBACK: Step(
                "feedback", "督办反馈", _feedback_units, mode="all", due_days=5, verbs=(), recurring=True
            ),
        },
        closed_states=frozenset({CaseState.DONE, CaseState.WITHDRAWN}),
        state_labels={str(v): str(label) for v, label in CaseState.choices},
        action_forms={"record": ExternalDecisionForm},
        labels={"unit": "来文单位", "submitter": "登记人", "submit": "登记"},
        unit_fields=("unit", "partner_unit"),
    )
)
