"""A realistic, fictional Haimen district organisation for demos and end-to-end tests (``manage.py seed_demo``).

Everything is keyed on stable codes so that seeding twice changes nothing: units on ``Unit.code``, people on
``User.username``, posts on (unit, kind, order), portfolios on (unit, role). Rows are created in dependency order,
so a post's ``superior`` always exists before the post that points at it.

Usernames a demo or an end-to-end test can rely on (password ``settings.DEMO_PASSWORD``):

================  ===========================================================
head              区长 (district_head)
exec_vice         常务副区长 (exec_vice_head)
vice1 … vice3     副区长 (vice_head); vice1 is in charge of dept1
director          区政府办公室主任 (office_director); superuser, can use the admin
deputy1, deputy2  区政府办公室副主任 (office_deputy_director); deputy1 is in charge of dept1
custodian         印鉴管理员 (seal_custodian) of the office
office_clerk      区政府办公室文书 (unit_clerk)
justice           区司法局局长 (justice_head); justice_clerk is the bureau's clerk
finance           区财政局局长 (finance_head); finance_clerk is the bureau's clerk
party_member      区政府党组成员 (party_group_member)
secretary         区委书记 (party_secretary)
discipline        区纪委监委负责同志 (discipline_officer)
deptN_head/clerk  head (unit_head) and clerk (unit_clerk) of department deptN, N = 1…8
townN_head/clerk  head and clerk of town/street townN, N = 1…4
outsider          holds no post
================  ===========================================================
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Prefetch

from .models import Portfolio, PortfolioRole, Post, PostKind, Unit, UnitKind, User

EMAIL_DOMAIN = "haimen.example"


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    short_name: str
    kind: str
    order: int
    parent: str | None = None


@dataclass(frozen=True)
class PersonSpec:
    username: str
    full_name: str
    email: bool = True  # whether the person has an e-mail address (reminders fall back to in-app notices)
    superuser: bool = False


@dataclass(frozen=True)
class PostSpec:
    key: str  # a name for this post inside the seed, used by ``superior`` and portfolios
    unit: str
    kind: str
    title: str
    holder: str | None
    superior: str | None
    order: int


@dataclass(frozen=True)
class UnitLine:
    """A department or town: its head and clerk, and who is in charge of it (分管)."""

    code: str
    name: str
    short_name: str
    head_title: str
    head_name: str
    clerk_name: str
    vice: str  # post key of the vice head in charge
    deputy: str  # post key of the office deputy director in charge


GOV, OFFICE = "district_gov", "gov_office"

LEADERSHIP_UNITS = [
    UnitSpec(GOV, "海门区人民政府", "区政府", UnitKind.DISTRICT_GOV, 1),
    UnitSpec(OFFICE, "海门区人民政府办公室", "区政府办", UnitKind.GOV_OFFICE, 2, parent=GOV),
    UnitSpec("justice", "海门区司法局", "区司法局", UnitKind.DEPARTMENT, 10, parent=GOV),
    UnitSpec("finance", "海门区财政局", "区财政局", UnitKind.DEPARTMENT, 11, parent=GOV),
    UnitSpec("party_committee", "中共南通市海门区委员会", "区委", UnitKind.PARTY_COMMITTEE, 90),
    UnitSpec("discipline", "海门区纪委监委", "区纪委监委", UnitKind.DISCIPLINE, 91),
]

DEPARTMENTS = [
    UnitLine("dept1", "海门区发展和改革委员会", "区发改委", "主任", "沈永刚", "顾佳怡", "vice1", "deputy1"),
    UnitLine("dept2", "海门区教育体育局", "区教体局", "局长", "施建华", "陆雨晨", "vice2", "deputy2"),
    UnitLine("dept3", "海门区住房和城乡建设局", "区住建局", "局长", "季国平", "茅晓雯", "vice3", "deputy1"),
    UnitLine("dept4", "海门区交通运输局", "区交通运输局", "局长", "倪卫兵", "曹思远", "vice3", "deputy2"),
    UnitLine("dept5", "海门区农业农村局", "区农业农村局", "局长", "龚志勇", "邱梦婷", "vice2", "deputy1"),
    UnitLine("dept6", "海门区卫生健康委员会", "区卫健委", "主任", "蔡秀兰", "袁子涵", "vice2", "deputy2"),
    UnitLine("dept7", "海门区市场监督管理局", "区市场监管局", "局长", "姜海波", "范欣然", "vice1", "deputy1"),
    UnitLine("dept8", "海门区商务局", "区商务局", "局长", "郁春林", "秦雅琴", "exec_vice", "deputy2"),
]

TOWNS = [
    UnitLine("town1", "海门区三厂街道", "三厂街道", "办事处主任", "樊志华", "黄诗涵", "vice1", "deputy1"),
    UnitLine("town2", "海门区海门街道", "海门街道", "办事处主任", "瞿建新", "杨晓燕", "exec_vice", "deputy2"),
    UnitLine("town3", "海门区包场镇", "包场镇", "镇长", "施卫东", "陈雨桐", "vice3", "deputy1"),
    UnitLine("town4", "海门区临江镇", "临江镇", "镇长", "邢国栋", "刘佳琪", "vice2", "deputy2"),
]

# Who is in charge of the two bureaus the rules name (finance usually sits with the executive vice head), and of the
# office itself, so that the office's own staff can apply for seals like any unit.
BUREAU_PORTFOLIOS = {
    "justice": ("vice3", "deputy2"),
    "finance": ("exec_vice", "deputy1"),
    OFFICE: ("exec_vice", "deputy1"),
}

LEADERS = [
    PersonSpec("head", "陈志明"),
    PersonSpec("exec_vice", "王海涛"),
    PersonSpec("vice1", "李卫东"),
    PersonSpec("vice2", "周晓红"),
    PersonSpec("vice3", "吴振华"),
    PersonSpec("director", "黄立新", superuser=True),
    PersonSpec("deputy1", "徐明"),
    PersonSpec("deputy2", "孙丽娟"),
    PersonSpec("custodian", "胡静"),
    PersonSpec("office_clerk", "郭婷"),
    PersonSpec("justice", "朱文斌"),
    PersonSpec("justice_clerk", "葛晓丽", email=False),
    PersonSpec("finance", "马俊"),
    PersonSpec("finance_clerk", "董敏", email=False),
    PersonSpec("party_member", "何建平"),
    PersonSpec("secretary", "赵国强"),
    PersonSpec("discipline", "林正清"),
]

LEADER_POSTS = [
    PostSpec("head", GOV, PostKind.DISTRICT_HEAD, "区长", "head", None, 1),
    PostSpec("exec_vice", GOV, PostKind.EXEC_VICE_HEAD, "常务副区长", "exec_vice", "head", 2),
    PostSpec("vice1", GOV, PostKind.VICE_HEAD, "副区长", "vice1", "head", 3),
    PostSpec("vice2", GOV, PostKind.VICE_HEAD, "副区长", "vice2", "head", 4),
    PostSpec("vice3", GOV, PostKind.VICE_HEAD, "副区长", "vice3", "head", 5),
    PostSpec("party_member", GOV, PostKind.PARTY_GROUP_MEMBER, "区政府党组成员", "party_member", "head", 6),
    PostSpec("director", OFFICE, PostKind.OFFICE_DIRECTOR, "区政府办公室主任", "director", "exec_vice", 1),
    PostSpec("deputy1", OFFICE, PostKind.OFFICE_DEPUTY_DIRECTOR, "区政府办公室副主任", "deputy1", "director", 2),
    PostSpec("deputy2", OFFICE, PostKind.OFFICE_DEPUTY_DIRECTOR, "区政府办公室副主任", "deputy2", "director", 3),
    PostSpec("custodian", OFFICE, PostKind.SEAL_CUSTODIAN, "区政府办公室印鉴管理员", "custodian", "director", 4),
    PostSpec("office_clerk", OFFICE, PostKind.UNIT_CLERK, "区政府办公室文书", "office_clerk", "director", 5),
    PostSpec("justice", "justice", PostKind.JUSTICE_HEAD, "区司法局局长", "justice", "vice3", 1),
    PostSpec("justice_clerk", "justice", PostKind.UNIT_CLERK, "区司法局文书", "justice_clerk", "justice", 2),
    PostSpec("finance", "finance", PostKind.FINANCE_HEAD, "区财政局局长", "finance", "exec_vice", 1),
    PostSpec("finance_clerk", "finance", PostKind.UNIT_CLERK, "区财政局文书", "finance_clerk", "finance", 2),
    PostSpec("secretary", "party_committee", PostKind.PARTY_SECRETARY, "区委书记", "secretary", None, 1),
    PostSpec("discipline", "discipline", PostKind.DISCIPLINE_OFFICER, "区纪委书记、区监委主任", "discipline", None, 1),
]

OUTSIDER = PersonSpec("outsider", "钱进", email=False)


def _lines() -> list[tuple[UnitKind, UnitLine]]:
    return [(UnitKind.DEPARTMENT, line) for line in DEPARTMENTS] + [(UnitKind.TOWN, line) for line in TOWNS]


def units() -> list[UnitSpec]:
    lines = [
        UnitSpec(line.code, line.name, line.short_name, kind, 20 + i, parent=GOV)
        for i, (kind, line) in enumerate(_lines())
    ]
    return LEADERSHIP_UNITS + lines


def people() -> list[PersonSpec]:
    staff = []
    for kind, line in _lines():
        # Town clerks have no e-mail address: they get in-app notices only.
        staff.append(PersonSpec(f"{line.code}_head", line.head_name))
        staff.append(PersonSpec(f"{line.code}_clerk", line.clerk_name, email=kind != UnitKind.TOWN))
    return [*LEADERS, *staff, OUTSIDER]


def posts() -> list[PostSpec]:
    lines = []
    for _, line in _lines():
        head, clerk = f"{line.code}_head", f"{line.code}_clerk"
        head_title = f"{line.short_name}{line.head_title}"
        lines.append(PostSpec(head, line.code, PostKind.UNIT_HEAD, head_title, head, line.vice, 1))
        lines.append(PostSpec(clerk, line.code, PostKind.UNIT_CLERK, f"{line.short_name}文书", clerk, head, 2))
    return LEADER_POSTS + lines


def portfolios() -> list[tuple[str, PortfolioRole, str]]:
    """(unit code, role, post key) for every department, bureau and town."""
    rows: list[tuple[str, PortfolioRole, str]] = []
    for _, line in _lines():
        rows.append((line.code, PortfolioRole.VICE_HEAD, line.vice))
        rows.append((line.code, PortfolioRole.OFFICE_DEPUTY, line.deputy))
    for code, (vice, deputy) in BUREAU_PORTFOLIOS.items():
        rows.append((code, PortfolioRole.VICE_HEAD, vice))
        rows.append((code, PortfolioRole.OFFICE_DEPUTY, deputy))
    return rows


@transaction.atomic
def seed(password: str) -> dict[str, Post]:
    """Create or update the demo organisation. Returns the posts by key. Running it again changes nothing."""
    unit_by_code: dict[str, Unit] = {}
    for unit in units():
        unit_by_code[unit.code], _ = Unit.objects.update_or_create(
            code=unit.code,
            defaults={
                "name": unit.name,
                "short_name": unit.short_name,
                "kind": unit.kind,
                "order": unit.order,
                "parent": unit_by_code[unit.parent] if unit.parent else None,
                "active": True,
            },
        )

    # Hashing is slow on purpose (~1 s each): hash the shared demo password once, and check each distinct stored
    # hash once. A fresh salt on every run would also make the second run differ from the first.
    demo_hash = ""
    checked: dict[str, bool] = {}
    user_by_name: dict[str, User] = {}
    for person in people():
        user, _ = User.objects.update_or_create(
            username=person.username,
            defaults={
                "full_name": person.full_name,
                "email": f"{person.username}@{EMAIL_DOMAIN}" if person.email else "",
                "is_active": True,
                "is_staff": person.superuser,
                "is_superuser": person.superuser,
            },
        )
        if user.password not in checked:
            checked[user.password] = check_password(password, user.password)
        if not checked[user.password]:
            demo_hash = demo_hash or make_password(password)
            user.password = demo_hash
            user.save(update_fields=["password"])
        user_by_name[person.username] = user

    post_by_key: dict[str, Post] = {}
    for post in posts():
        post_by_key[post.key], _ = Post.objects.update_or_create(
            unit=unit_by_code[post.unit],
            kind=post.kind,
            order=post.order,
            defaults={
                "title": post.title,
                "holder": user_by_name[post.holder] if post.holder else None,
                "superior": post_by_key[post.superior] if post.superior else None,
            },
        )

    for code, role, key in portfolios():
        portfolio, _ = Portfolio.objects.update_or_create(
            unit=unit_by_code[code], role=role, defaults={"post": post_by_key[key]}
        )
        portfolio.full_clean()
    return post_by_key


def summary() -> list[tuple[str, str, str]]:
    """(username, 姓名, 职务（单位）; …) for every demo user, in seed order."""
    order = [person.username for person in people()]
    held = Prefetch("posts", queryset=Post.objects.select_related("unit").order_by("unit__order", "order"))
    users = {u.username: u for u in User.objects.filter(username__in=order).prefetch_related(held)}
    rows = []
    for username in order:
        user = users[username]
        titles = "；".join(f"{p.title}（{p.unit.short_name or p.unit.name}）" for p in user.posts.all())
        flags = "，超级管理员" if user.is_superuser else ""
        rows.append((username, user.full_name, (titles or "无职务") + flags))
    return rows
