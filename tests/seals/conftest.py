"""Fixtures of the seal tests: the two demo seals on top of the named cast, uploads kept out of var/media."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from haimen_gov.org.models import Portfolio, PortfolioRole
from seals.demo import seed_seals
from seals.models import SealKind


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seals(org) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """``seals.gov`` (区政府印鉴: vice head reviews, head approves) and ``seals.office`` (办公室印鉴: deputy
    reviews, director approves), both kept by ``org.posts.custodian``."""
    by_kind = {seal.kind: seal for seal in seed_seals()}
    return SimpleNamespace(gov=by_kind[SealKind.GOVERNMENT], office=by_kind[SealKind.OFFICE])


@pytest.fixture
def office_in_charge(org) -> None:  # type: ignore[no-untyped-def]
    """The office's own requests need a deputy in charge of the office (data, as 第三十一条's routing is)."""
    Portfolio.objects.create(unit=org.units.office, role=PortfolioRole.OFFICE_DEPUTY, post=org.posts.deputy1)
