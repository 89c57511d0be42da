from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from haimen_gov.workflow.deadlines import repair_deadlines

REASON = "按工作日历重新计算办理期限（修复开机后数分钟内按空日历计算的期限）"


class Command(BaseCommand):
    help = (
        "按各流程规定的工作日数和当前工作日历，重新计算全部在办待办的办理期限、临期提醒日和升级提醒日；"
        "有变化的事项在办理记录中写明原期限和新期限。可重复执行。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        changed = repair_deadlines(reason=REASON)
        self.stdout.write(f"已重新计算 {changed} 件待办的期限。")
