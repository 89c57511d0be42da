"""Spreadsheet exports (CSV, Excel) shared by every list and report."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is a formula to Excel or LibreOffice ("CSV injection"): =HYPERLINK(...) in an
# item's title would run when a clerk opens the export. OWASP's advice: prefix such a cell with a single quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` safe for a spreadsheet cell: numbers stay numbers, text that would start a formula gets a leading
    apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
