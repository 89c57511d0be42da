"""Demo seals: the district government's and the office's, both kept by the office's seal custodian (第三十条)."""

from __future__ import annotations

import datetime as dt

from haimen_gov.org.models import Post, PostKind, Unit, UnitKind

from .models import Seal, SealKind, SealStatus

DEMO_SEALS = (
    ("海门区人民政府印鉴", UnitKind.DISTRICT_GOV, SealKind.GOVERNMENT, "区政府办公室机要室（行政中心 3 楼 312 室）"),
    ("海门区人民政府办公室印鉴", UnitKind.GOV_OFFICE, SealKind.OFFICE, "区政府办公室机要室（行政中心 3 楼 312 室）"),
)


def seed_seals() -> list[Seal]:
    """Create or update the two seals; idempotent. Needs the office's seal custodian post."""
    custodian = Post.objects.filter(kind=PostKind.SEAL_CUSTODIAN).order_by("id").first()
    if custodian is None:
        raise LookupError("no seal custodian post: create the organisation first")
    seals = []
    for name, unit_kind, kind, room in DEMO_SEALS:
        unit = Unit.objects.filter(kind=unit_kind).order_by("id").first()
        if unit is None:
            raise LookupError(f"no unit of kind {unit_kind}")
        seal, _created = Seal.objects.update_or_create(
            name=name,
            defaults={
                "owner_unit": unit,
                "kind": kind,
                "status": SealStatus.IN_USE,
                "in_use_since": dt.date(2022, 5, 19),
                "custodian": custodian,
                "room": room,
            },
        )
        seals.append(seal)
    return seals
