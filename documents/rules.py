"""第二十四条's format rules for incoming documents: what the portal refuses and what it flags for the office clerk.

Each message quotes the rule it enforces."""

from __future__ import annotations

import re

from .models import DocType

RULE_ONE_RECIPIENT = "请示应当一文一事，只能主送一个上级机关，不得多头主送（第二十四条）。"
RULE_ONE_MATTER = "请示应当一文一事（第二十四条）：标题似包含多个请示事项，请核实。"
RULE_REPORT = "报告中不得夹带请示事项（第二十四条）：发现“{phrase}”等请示用语。"
RULE_LEADER = "除领导同志交办事项外，不得直接向领导同志个人报送公文（第二十四条）。"
RULE_SKIP_LEVEL = "区级各部门、各区镇（街道）向区政府请示，不得越级向上级机关报送（第二十四条）。"

# 报告不得夹带请示事项: the phrases of a request.
REQUEST_PHRASES = ("妥否，请批复", "妥否,请批复", "请批复", "请批示", "请审批", "请予批准", "请审定")
# Addressing a leader personally (区长, 副区长 …) rather than the government or its office.
LEADER_WORDS = re.compile(r"(区长|副区长|主任|书记)(同志)?$|^[\u4e00-\u9fa5]{2,3}(区长|副区长|同志)")
SEPARATORS = re.compile(r"[、，,；;/]|和|及")
# A unit's 请示 to the district goes to the district government (or its office): anything above is 越级.
ABOVE_DISTRICT = ("市人民政府", "市政府", "省人民政府", "省政府", "国务院")
# Titles that join several requests: "关于A和B的请示", two "关于", or "等事项".
SEVERAL = re.compile(r"关于.*关于|(?:和|及|以及|并)(?:[^的]{2,})的请示$|等(?:有关)?事项的请示$|、.*的请示$")


def hard_errors(*, doc_type: str, main_recipient: str, leader_assignment: str, from_unit: bool) -> dict[str, str]:
    """What the portal refuses when a unit submits (the office may still register a non-conforming paper arrival
    and 退文 it)."""
    errors: dict[str, str] = {}
    recipient = main_recipient.strip()
    if from_unit and LEADER_WORDS.search(recipient) and not leader_assignment.strip():
        errors["main_recipient"] = RULE_LEADER
    elif doc_type == DocType.REQUEST and SEPARATORS.search(recipient):
        errors["main_recipient"] = RULE_ONE_RECIPIENT
    elif from_unit and any(word in recipient for word in ABOVE_DISTRICT):
        errors["main_recipient"] = RULE_SKIP_LEVEL
    return errors


def flags(*, doc_type: str, title: str, summary: str, main_recipient: str = "") -> list[str]:
    """Warnings shown to the office clerk with the rule quoted; the clerk decides (accept or 退文)."""
    found: list[str] = []
    if doc_type == DocType.REQUEST and SEVERAL.search(title.strip()):
        found.append(RULE_ONE_MATTER)
    if doc_type == DocType.REPORT:
        text = f"{title}\n{summary}"
        phrase = next((p for p in REQUEST_PHRASES if p in text), None)
        if phrase:
            found.append(RULE_REPORT.format(phrase=phrase))
    if doc_type == DocType.REQUEST and SEPARATORS.search(main_recipient.strip()):
        found.append(RULE_ONE_RECIPIENT)
    return found
