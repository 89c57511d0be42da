from __future__ import annotations

from haimen_gov.org.models import PortfolioRole, PostKind
from haimen_gov.org.routing import in_charge, post_of_kind
from haimen_gov.workflow.flows import Flow, Step, register
from haimen_gov.workflow.numbering import take_number

from .models import Memo, MemoState

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
