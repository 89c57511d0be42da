from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from haimen_gov.workdays.actions import calendar_load_package, calendar_store_year
from haimen_gov.workdays.loading import ScheduleError, parse_schedule


class Command(BaseCommand):
    help = "导入年度节假日安排：从文件（每行“YYYY-MM-DD 休/班 节日”），或 --package 从 chinesecalendar 数据包。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="安排文件路径，见 haimen_gov/workdays/loading.py")
        parser.add_argument("--package", action="store_true", help="导入数据包已知的全部年度")
        parser.add_argument("--overwrite", action="store_true", help="与 --package 同用：覆盖已确认年度")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["package"]:
            years = calendar_load_package(overwrite=options["overwrite"])
            self.stdout.write(f"已导入 {len(years)} 个年度：{', '.join(map(str, years)) or '无'}")
            return
        if not options["file"]:
            raise CommandError("请给出安排文件，或使用 --package")
        path = Path(options["file"])
        try:
            year, source, entries = parse_schedule(path.read_text(encoding="utf-8").splitlines())
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc
        except ScheduleError as exc:
            raise CommandError(str(exc)) from exc
        calendar_store_year(year=year, source=source, entries=entries)
        self.stdout.write(f"已导入 {year} 年：{len(entries)} 条例外（依据：{source}）")
