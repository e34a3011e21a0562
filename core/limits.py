"""Sizes both sides of the sync must agree on (the office refuses what the centre would)."""

from __future__ import annotations

#: One attached file (a checklist item's scanned PDF): the office refuses to save a bigger one,
#: the centre refuses to take one (sync.protocol.MAX_BLOB_BYTES).
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024

__all__ = ["MAX_ATTACHMENT_BYTES"]
