"""Fixtures of the engine tests (the shared cast ``org`` and the clients come from tests/conftest.py)."""

from __future__ import annotations

import pytest

from haimen_gov.org.models import User
from haimen_gov.workflow.actions import notifications
from tests.factories import UserFactory


@pytest.fixture
def seals(org):  # type: ignore[no-untyped-def]
    """The two demo seals (区政府印鉴, 区政府办公室印鉴), kept by ``org.custodian``'s post."""
    from seals.demo import seed_seals

    government, office = seed_seals()
    return government, office


@pytest.fixture
def superuser(db: None) -> User:
    return UserFactory.create(username="admin", full_name="系统管理员", is_staff=True, is_superuser=True)


@pytest.fixture
def no_email_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    """Transactional tests really commit, so on_commit would ask the shared Redis broker to send e-mails."""
    monkeypatch.setattr(notifications, "queue_email_delivery", lambda: None)
