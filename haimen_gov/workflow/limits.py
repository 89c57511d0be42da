"""Bounds on what people type, shared by the pages, the API and the actions, so no stored text can break a page, a
PDF or an export for someone else."""

# An opinion, a reason, a 加签 note: the longest free text of a step (pages and API alike).
TEXT_MAX_LENGTH = 2000
# A 传阅 note (CarbonCopy.note).
NOTE_MAX_LENGTH = 200
