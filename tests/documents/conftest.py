"""Fixtures of the documents tests: the office's deputy and vice head in charge (data, as routing is)."""

from __future__ import annotations

import pytest

from haimen_gov.org.models import Portfolio, PortfolioRole


@pytest.fixture
def office_in_charge(org) -> None:  # type: ignore[no-untyped-def]
    """Documents drafted by the office itself go to the vice head in charge of the office (the exec vice head)."""
    Portfolio.objects.create(unit=org.units.office, role=PortfolioRole.VICE_HEAD, post=org.posts.exec_vice)
    Portfolio.objects.create(unit=org.units.office, role=PortfolioRole.OFFICE_DEPUTY, post=org.posts.deputy1)
