"""The working-day calendar. Import the functions from here: ``from haimen_gov.workdays import add_workdays``."""

from .calendar import (
    MAX_DAYS,
    WorkdayCheck,
    WorkdayCount,
    WorkdayDate,
    add_workdays,
    confirmed_years,
    current,
    is_workday,
    lateness_cutoffs,
    workdays_before,
    workdays_between,
)

__all__ = [
    "MAX_DAYS",
    "WorkdayCheck",
    "WorkdayCount",
    "WorkdayDate",
    "add_workdays",
    "confirmed_years",
    "current",
    "is_workday",
    "lateness_cutoffs",
    "workdays_before",
    "workdays_between",
]
