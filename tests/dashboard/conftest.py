"""Fixtures of the dashboard tests: the known data set of ``dataset.py`` on a frozen Wednesday."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import time_machine

from tests.dashboard.dataset import NOW, build_data


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def data(org, frozen) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    return build_data(org)
