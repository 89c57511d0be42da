"""常用意见: each person's own saved phrases."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from haimen_gov.org.models import User

from ..models import Phrase
from .errors import Conflict, WorkflowError

# Offered to whoever has saved none yet, until they save their own.
DEFAULT_PHRASES = ("同意。", "拟同意，请审定。", "请…阅处。", "请…研究办理。", "已阅。")


def phrase_add(*, user: User, text: str) -> Phrase:
    text = " ".join((text or "").split())
    if not text:
        raise WorkflowError("请填写常用意见。")
    if len(text) > Phrase._meta.get_field("text").max_length:  # type: ignore[operator]
        raise WorkflowError("常用意见不能超过 200 字。")
    with transaction.atomic():
        count = Phrase.objects.select_for_update().filter(user=user).count()
        if count >= Phrase.MAX_PER_USER:
            raise WorkflowError(f"最多保存 {Phrase.MAX_PER_USER} 条常用意见。")
        try:
            with transaction.atomic():
                return Phrase.objects.create(user=user, text=text, order=count + 1)
        except IntegrityError:
            raise Conflict("已有相同的常用意见。") from None


def phrase_delete(*, user: User, phrase_id: int) -> None:
    """Deletes one of ``user``'s own phrases (another's is as good as absent)."""
    deleted, _ = Phrase.objects.filter(user=user, pk=phrase_id).delete()
    if not deleted:
        raise Conflict("该常用意见不存在或已删除。")


def phrases_for(user: User) -> list[str]:
    """The phrases ``user`` picks from: their own, else the defaults."""
    own = list(Phrase.objects.filter(user=user).order_by("order", "id").values_list("text", flat=True))
    return own or list(DEFAULT_PHRASES)
