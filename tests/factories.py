"""factory_boy factories for the organisation, and ``build_org``: the named cast every test module reuses.

Use the ``org`` fixture (tests/conftest.py) in tests; call ``build_org()`` directly where a fixture cannot reach
(a live-server test that builds its data in a transaction of its own, a benchmark).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

import factory
from django.utils import timezone

from haimen_gov.org.models import (
    Delegation,
    Portfolio,
    PortfolioRole,
    Post,
    PostKind,
    Unit,
    UnitKind,
    User,
)

PASSWORD = "test-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@haimen.example")
    password = factory.django.Password(PASSWORD)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit{n}")
    name = factory.Sequence(lambda n: f"海门区测试局{n}")
    short_name = factory.Sequence(lambda n: f"测试局{n}")
    kind = UnitKind.DEPARTMENT


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    kind = PostKind.UNIT_HEAD
    unit = factory.SubFactory(UnitFactory)
    title = factory.LazyAttribute(lambda o: PostKind(o.kind).label)
    holder = factory.SubFactory(UserFactory)


class PortfolioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Portfolio

    unit = factory.SubFactory(UnitFactory)
    role = PortfolioRole.VICE_HEAD
    post = factory.SubFactory(
        PostFactory,
        kind=factory.LazyAttribute(
            lambda o: (
                PostKind.VICE_HEAD
                if o.factory_parent.role == PortfolioRole.VICE_HEAD
                else PostKind.OFFICE_DEPUTY_DIRECTOR
            )
        ),
    )


class DelegationFactory(factory.django.DjangoModelFactory):
    """Active from today for a week unless told otherwise."""

    class Meta:
        model = Delegation

    post = factory.SubFactory(PostFactory, kind=PostKind.DISTRICT_HEAD)
    delegate = factory.SubFactory(UserFactory)
    start = factory.LazyFunction(timezone.localdate)
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(days=7))
    reason = "出差"


@dataclass
class Org:
    """The cast. ``org.head`` is a User, ``org.posts.head`` the Post they hold, ``org.units.dept1`` a Unit.

    Every user is named after their post key; ``org.posts.<key>`` is held by ``org.<key>`` (``outsider`` holds
    none). All passwords are ``org.password``.
    """

    units: SimpleNamespace
    posts: SimpleNamespace
    users: dict[str, User] = field(default_factory=dict)
    password: str = PASSWORD

    def __getattr__(self, name: str) -> User:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def build_org() -> Org:
    """A small district: the government, its office, two departments, the justice and finance bureaus, a town.

    ============  ========================  ==================================  ========================
    user          post kind                 unit                                superior
    ============  ========================  ==================================  ========================
    head          district_head             gov (海门区人民政府)                 —
    exec_vice     exec_vice_head            gov                                 head
    vice1         vice_head                 gov; in charge of dept1, town1      head
    vice2         vice_head                 gov; in charge of dept2, justice    head
    director      office_director           office (海门区人民政府办公室)         exec_vice
    deputy1       office_deputy_director    office; in charge of dept1, town1   director
    deputy2       office_deputy_director    office; in charge of dept2, justice director
    custodian     seal_custodian            office                              director
    office_clerk  unit_clerk                office                              director
    justice       justice_head              justice (海门区司法局)               vice2
    finance       finance_head              finance (海门区财政局); exec_vice    exec_vice
                                            and deputy1 in charge
    dept1_head    unit_head                 dept1 (海门区发展和改革委员会)        vice1
    dept1_clerk   unit_clerk                dept1                               dept1_head
    dept2_head    unit_head                 dept2 (海门区教育体育局)              vice2
    dept2_clerk   unit_clerk                dept2                               dept2_head
    town1_head    unit_head                 town1 (海门区三厂街道)                vice1
    town1_clerk   unit_clerk                town1                               town1_head
    secretary     party_secretary           party (中共南通市海门区委员会)        —
    discipline    discipline_officer        discipline (海门区纪委监委)           —
    outsider      —                         —                                   —
    ============  ========================  ==================================  ========================
    """
    u = SimpleNamespace()
    u.gov = UnitFactory(code="district_gov", name="海门区人民政府", short_name="区政府", kind=UnitKind.DISTRICT_GOV)
    u.office = UnitFactory(
        code="gov_office", name="海门区人民政府办公室", short_name="区政府办", kind=UnitKind.GOV_OFFICE, parent=u.gov
    )
    u.justice = UnitFactory(code="justice", name="海门区司法局", short_name="区司法局", parent=u.gov)
    u.finance = UnitFactory(code="finance", name="海门区财政局", short_name="区财政局", parent=u.gov)
    u.dept1 = UnitFactory(code="dept1", name="海门区发展和改革委员会", short_name="区发改委", parent=u.gov)
    u.dept2 = UnitFactory(code="dept2", name="海门区教育体育局", short_name="区教体局", parent=u.gov)
    u.town1 = UnitFactory(code="town1", name="海门区三厂街道", short_name="三厂街道", kind=UnitKind.TOWN, parent=u.gov)
    u.party = UnitFactory(
        code="party_committee", name="中共南通市海门区委员会", short_name="区委", kind=UnitKind.PARTY_COMMITTEE
    )
    u.discipline = UnitFactory(
        code="discipline", name="海门区纪委监委", short_name="区纪委监委", kind=UnitKind.DISCIPLINE
    )

    # (key, full name, post kind, unit, title, superior key), superiors first.
    cast = [
        ("head", "陈志明", PostKind.DISTRICT_HEAD, u.gov, "区长", None),
        ("exec_vice", "王海涛", PostKind.EXEC_VICE_HEAD, u.gov, "常务副区长", "head"),
        ("vice1", "李卫东", PostKind.VICE_HEAD, u.gov, "副区长", "head"),
        ("vice2", "周晓红", PostKind.VICE_HEAD, u.gov, "副区长", "head"),
        ("director", "黄立新", PostKind.OFFICE_DIRECTOR, u.office, "区政府办公室主任", "exec_vice"),
        ("deputy1", "徐明", PostKind.OFFICE_DEPUTY_DIRECTOR, u.office, "区政府办公室副主任", "director"),
        ("deputy2", "孙丽娟", PostKind.OFFICE_DEPUTY_DIRECTOR, u.office, "区政府办公室副主任", "director"),
        ("custodian", "胡静", PostKind.SEAL_CUSTODIAN, u.office, "区政府办公室印鉴管理员", "director"),
        ("office_clerk", "郭婷", PostKind.UNIT_CLERK, u.office, "区政府办公室文书", "director"),
        ("justice", "朱文斌", PostKind.JUSTICE_HEAD, u.justice, "区司法局局长", "vice2"),
        ("finance", "马俊", PostKind.FINANCE_HEAD, u.finance, "区财政局局长", "exec_vice"),
        ("dept1_head", "沈永刚", PostKind.UNIT_HEAD, u.dept1, "区发改委主任", "vice1"),
        ("dept1_clerk", "顾佳怡", PostKind.UNIT_CLERK, u.dept1, "区发改委文书", "dept1_head"),
        ("dept2_head", "施建华", PostKind.UNIT_HEAD, u.dept2, "区教体局局长", "vice2"),
        ("dept2_clerk", "陆雨晨", PostKind.UNIT_CLERK, u.dept2, "区教体局文书", "dept2_head"),
        ("town1_head", "樊志华", PostKind.UNIT_HEAD, u.town1, "三厂街道办事处主任", "vice1"),
        ("town1_clerk", "黄诗涵", PostKind.UNIT_CLERK, u.town1, "三厂街道文书", "town1_head"),
        ("secretary", "赵国强", PostKind.PARTY_SECRETARY, u.party, "区委书记", None),
        ("discipline", "林正清", PostKind.DISCIPLINE_OFFICER, u.discipline, "区纪委书记、区监委主任", None),
    ]
    p = SimpleNamespace()
    users: dict[str, User] = {}
    for order, (key, full_name, kind, unit, title, superior) in enumerate(cast, start=1):
        users[key] = UserFactory.create(username=key, full_name=full_name)
        setattr(
            p,
            key,
            PostFactory(
                kind=kind,
                unit=unit,
                title=title,
                holder=users[key],
                superior=getattr(p, superior) if superior else None,
                order=order,
            ),
        )
    users["outsider"] = UserFactory.create(username="outsider", full_name="钱进")

    in_charge = {
        u.dept1: (p.vice1, p.deputy1),
        u.dept2: (p.vice2, p.deputy2),
        u.town1: (p.vice1, p.deputy1),
        u.justice: (p.vice2, p.deputy2),
        u.finance: (p.exec_vice, p.deputy1),
    }
    for unit, (vice, deputy) in in_charge.items():
        PortfolioFactory(unit=unit, role=PortfolioRole.VICE_HEAD, post=vice)
        PortfolioFactory(unit=unit, role=PortfolioRole.OFFICE_DEPUTY, post=deputy)
    return Org(units=u, posts=p, users=users)
