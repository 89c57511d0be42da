from __future__ import annotations

import unicodedata
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from documents.demo import seed_documents
from haimen_gov.dashboard.summary import refresh as refresh_dashboard
from haimen_gov.org import demo
from leave.demo import seed_leave
from meetings.demo import seed_meetings
from meetings.demo_minutes import seed_district_on_decision, seed_minutes
from seals.demo import seed_requests, seed_seals
from supervision.demo import seed_supervision


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = "写入海门区演示组织架构（单位、职务、人员、分管关系）。可重复执行，结果不变。仅用于开发和演示环境。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="在 DEBUG=False 的环境中也执行（会写入使用公开演示密码的账户，切勿用于生产库）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            # Demo accounts share a published password: writing them into a production database opens it to anyone.
            raise CommandError(
                "当前为生产配置（DEBUG=False），拒绝写入演示数据；如确需执行，请加 --force。\n"
                "Refusing to seed demo data while DEBUG is False (the demo accounts share a known password); "
                "pass --force to override."
            )
        password = settings.DEMO_PASSWORD
        with transaction.atomic():
            demo.seed(password)
            # 第三十条: the district government's and the office's seals, kept by the office's custodian.
            seals = seed_seals()
            # 公文: three issued documents with numbers, a unit's 请示 awaiting 拟办, a returned 报告, a city document
            # in circulation, two assigned matters (one overdue).
            seed_documents()
            # 第十四—二十二条: a 常务会议 three weeks ahead with two topics on their way, last month's 区长办公会议.
            meetings = seed_meetings()
            # Seal-use requests at every stage, so that the dashboard (驾驶舱) has figures to show.
            requests = seed_requests()
            # 第四十四条, 第四十六条: a vice head's absence next week (approved, delegation open), research trips.
            seed_leave()
            # 第三十七、三十八条: supervision items from a 批示, a public complaint and a 专项督查, one of them red.
            supervision = seed_supervision()
            # 第十九条: last month's 区长办公会议 with signed, numbered minutes; one decision under supervision;
            # 第二十一条: a district-wide meeting requested on another of its decisions.
            seed_district_on_decision(seed_minutes())
        # The dashboard's summary tables, so that its figures include the demo at once (beat refreshes them later).
        refresh_dashboard()

        rows = [("用户名", "姓名", "职务（单位）"), *demo.summary()]
        widths = [max(_width(row[i]) for row in rows) for i in range(2)]
        for number, row in enumerate(rows):
            self.stdout.write(f"{_pad(row[0], widths[0])}  {_pad(row[1], widths[1])}  {row[2]}")
            if number == 0:
                self.stdout.write("-" * (widths[0] + widths[1] + 16))
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已就绪：{len(rows) - 1} 个账户，密码均为 “{password}”（settings.DEMO_PASSWORD）。"
                "director（区政府办公室主任）为超级管理员，可登录 /admin/ 维护单位、职务、分管与委托。"
                f"已登记印鉴：{'、'.join(s.name for s in seals)}。"
                f"督办事项 {len(supervision)} 件（区政府办公室文书 office_clerk 为督查人员）。"
                f"演示会议：{'、'.join(m.title for m in meetings)}。"
                + (f"新增演示用印申请 {requests} 件。" if requests else "")
                + "外出报备：vice1 下周外出（已批准，委托 vice2 代行）；"
                + "区长下周赴京（市政府已批准，exec_vice 受区长委托主持工作）；"
                + "出访：vice2 赴德国（列入年度计划，待 secretary 批准）；领导基层调研记录若干。"
            )
        )
