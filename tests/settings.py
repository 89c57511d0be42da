"""Test settings: the portal's settings plus a small workflow app that exercises every pattern of the engine."""

from haimen_gov.settings import *  # noqa: F403
from haimen_gov.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflow_app"]
