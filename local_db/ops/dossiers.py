"""Dossier operations: intake (form 01), every move of docs/ARCHITECTURE.md §4's table, and reading.

The work is split in three modules; import from here:

* :mod:`local_db.ops.dossier_intake`: ``preview_intake``, ``receive_dossier``;
* :mod:`local_db.ops.dossier_moves`: the moves after receipt;
* :mod:`local_db.ops.dossier_info`: the data classes screens get, ``get_dossier``,
  ``list_dossiers`` and the deadline rules ``is_overdue`` / ``on_time``.
"""

from local_db.ops.dossier_info import (
    OPEN_STATES,
    DocumentLine,
    DossierDetail,
    DossierEventInfo,
    DossierInfo,
    DossierSummary,
    get_dossier,
    is_overdue,
    list_dossiers,
    on_time,
)
from local_db.ops.dossier_intake import IntakePreview, checklist_for, preview_intake, receive_dossier
from local_db.ops.dossier_moves import (
    handle_at_desk,
    reject,
    request_supplement,
    reschedule,
    result_back,
    return_result,
    send_to_processing,
    supplement_received,
    withdraw,
)

__all__ = [
    "OPEN_STATES", "DocumentLine", "DossierDetail", "DossierEventInfo", "DossierInfo", "DossierSummary",
    "IntakePreview", "checklist_for", "get_dossier", "handle_at_desk", "is_overdue", "list_dossiers",
    "on_time", "preview_intake", "receive_dossier", "reject", "request_supplement", "reschedule",
    "result_back", "return_result", "send_to_processing", "supplement_received", "withdraw",
]
