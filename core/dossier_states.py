"""The dossier state machine of docs/ARCHITECTURE.md §4: the only moves a dossier can make."""

from __future__ import annotations

from enum import StrEnum

from core.errors import TransitionError
from core.i18n import lazy_gettext


class DossierStatus(StrEnum):
    RECEIVED = "received"
    IN_PROCESSING = "in_processing"
    NEEDS_SUPPLEMENT = "needs_supplement"
    READY = "ready"
    RETURNED = "returned"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class DossierAction(StrEnum):
    RECEIVE = "receive"
    SEND_TO_PROCESSING = "send_to_processing"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT_RECEIVED = "supplement_received"
    RESULT_BACK = "result_back"
    HANDLE_AT_DESK = "handle_at_desk"
    RETURN_RESULT = "return_result"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    RESCHEDULE = "reschedule"


S, A = DossierStatus, DossierAction

# action -> (states it may start from, state it ends in; None = stays where it is)
TRANSITIONS: dict[DossierAction, tuple[frozenset[DossierStatus], DossierStatus | None]] = {
    A.SEND_TO_PROCESSING: (frozenset({S.RECEIVED}), S.IN_PROCESSING),
    A.REQUEST_SUPPLEMENT: (frozenset({S.RECEIVED, S.IN_PROCESSING}), S.NEEDS_SUPPLEMENT),
    A.SUPPLEMENT_RECEIVED: (frozenset({S.NEEDS_SUPPLEMENT}), S.RECEIVED),
    A.RESULT_BACK: (frozenset({S.IN_PROCESSING}), S.READY),
    A.HANDLE_AT_DESK: (frozenset({S.RECEIVED}), S.READY),
    A.RETURN_RESULT: (frozenset({S.READY}), S.RETURNED),
    A.REJECT: (frozenset({S.RECEIVED, S.IN_PROCESSING}), S.REJECTED),
    A.WITHDRAW: (frozenset({S.RECEIVED, S.IN_PROCESSING, S.NEEDS_SUPPLEMENT}), S.WITHDRAWN),
    A.RESCHEDULE: (frozenset({S.RECEIVED, S.IN_PROCESSING}), None),
}

# Dossiers in these states no longer count towards "overdue".
CLOSED_FOR_DEADLINE = frozenset({S.READY, S.RETURNED, S.REJECTED, S.WITHDRAWN})


def next_state(current: DossierStatus | str, action: DossierAction | str) -> DossierStatus:
    """The state after ``action``, or :class:`TransitionError` naming both."""
    current, action = DossierStatus(current), DossierAction(action)
    if action is A.RECEIVE:
        raise TransitionError(lazy_gettext("a dossier in state {state} cannot be received again", state=current.value),
                              from_state=current.value, action=action.value)
    allowed, target = TRANSITIONS[action]
    if current not in allowed:
        raise TransitionError(
            lazy_gettext("cannot {action} a dossier that is {state}", state=current.value,
                         action=action.value),
            from_state=current.value, action=action.value)
    return target if target is not None else current


def replay(actions: list[DossierAction | str]) -> DossierStatus:
    """The state a history of actions (starting with receive) leads to; raises if illegal."""
    if not actions or DossierAction(actions[0]) is not A.RECEIVE:
        raise TransitionError(lazy_gettext("a dossier history must start with receive"))
    state = S.RECEIVED
    for action in actions[1:]:
        state = next_state(state, action)
    return state
