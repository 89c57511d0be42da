"""The engine's refusals. Views and the API turn them into the HTTP status each names, with ``message`` shown to the
user as it is."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from ..limits import TEXT_MAX_LENGTH


class WorkflowError(Exception):
    """Base of the engine's refusals; ``message`` is shown to the user as it is."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Conflict(WorkflowError):
    """The item moved on (someone else acted first) or the transition is not valid from its state: HTTP 409."""

    status = 409


class Forbidden(WorkflowError, PermissionDenied):
    """This user may not fire this transition: HTTP 403."""

    status = 403


class CommentRequired(WorkflowError):
    status = 400


def bounded_text(text: str | None, *, label: str, limit: int = TEXT_MAX_LENGTH) -> str:
    """``text`` stripped, or a refusal (400) when longer than ``limit``: the actions hold the bound the pages' forms
    and the API's serializers state, for any other caller."""
    text = (text or "").strip()
    if len(text) > limit:
        raise WorkflowError(f"{label}不能超过 {limit} 个字。")
    return text


__all__ = ["CommentRequired", "Conflict", "Forbidden", "ValidationError", "WorkflowError", "bounded_text"]
