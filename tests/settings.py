"""Test settings: the portal's settings plus a small workflow app that exercises every pattern of the engine."""

import os

# A development machine, however pytest was started (scripts/test.sh exports it too): the development SECRET_KEY.
os.environ.setdefault("DEBUG", "1")

from haimen_gov.settings import *  # noqa: F403
from haimen_gov.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflow_app"]
