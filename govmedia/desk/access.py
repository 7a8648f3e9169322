"""Who may see and act on which message: the one place the admin, the actions and the API ask.

- A supervisor (监管员 or 管理员 role, a superuser, or anyone granted
  ``desk.supervise_message``) sees every message, dispatches, and extends a
  deadline on their own authority.
- A member of a department (编辑, 审核人, 分管领导) sees and handles the
  messages of that department and of the departments under it (a county's
  staff see its townships' messages), as orgs' tree goes; 分管领导 may
  approve an extension of their department's messages themselves.
- Moderation (the spam queue) needs ``desk.moderate_message``, which
  supervisors hold by their role.

`messages_for(user)` is the queryset every list starts from; a message outside
it is answered with 404, so its existence is not revealed. `may(user, message,
action)` says whether the person may do `action` at all; `status_allows`
whether the message's state admits it now; `allowed_actions` is both, for the
admin's forms. Each `do_<verb>_message` in desk/actions.py asks `may` and
`status_allows` again, so a forged POST meets the same rule.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from govmedia.desk.models import EventKind, Kind, Message, Status
from govmedia.orgs.models import Department, Role
from govmedia.orgs.permissions import department_ids, has_role, is_supervisor

HANDLER_ROLES = (Role.EDITOR, Role.REVIEWER, Role.APPROVER)

# Action names, in the order the message page offers them.
DISPATCH = "dispatch"
TRANSFER = "transfer"
NOTE = "note"
REQUEST_CORRECTION = "request_correction"
RECEIVE_CORRECTION = "receive_correction"
START_CONSULTATION = "start_consultation"
END_CONSULTATION = "end_consultation"
EXTEND = "extend"
ANSWER = "answer"
FOLLOW_UP = "follow_up"
CLOSE = "close"
APPROVE = "approve"
REJECT = "reject"
ACTIONS = (
    APPROVE,
    REJECT,
    DISPATCH,
    REQUEST_CORRECTION,
    RECEIVE_CORRECTION,
    START_CONSULTATION,
    END_CONSULTATION,
    EXTEND,
    ANSWER,
    TRANSFER,
    FOLLOW_UP,
    CLOSE,
    NOTE,
)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_supervise(user: Any) -> bool:
    if not _active(user):
        return False
    return is_supervisor(user) or user.has_perm("desk.supervise_message")


def can_moderate(user: Any) -> bool:
    return can_supervise(user) or (_active(user) and user.has_perm("desk.moderate_message"))


def handled_department_ids(user: Any) -> set[int]:
    """The departments whose messages `user` handles: their own and every one under them."""
    if not _active(user):
        return set()
    ids: set[int] = set()
    for department in Department.objects.filter(pk__in=department_ids(user, *HANDLER_ROLES)):
        ids |= department.descendant_ids()
    return ids


def messages_for(user: Any) -> QuerySet[Message]:
    """Every message `user` may see in the admin (and the staff API)."""
    if not _active(user):
        return Message.objects.none()
    if can_supervise(user):
        return Message.objects.all()
    departments = handled_department_ids(user)
    if can_moderate(user):
        # A moderator who is no supervisor sees the queue too (messages there have no department yet).
        return Message.objects.filter(
            Q(department_id__in=departments) | Q(status=Status.MODERATION)
        )
    return Message.objects.filter(department_id__in=departments)


def can_see(user: Any, message: Message) -> bool:
    return messages_for(user).filter(pk=message.pk).exists()


def can_handle(user: Any, message: Message) -> bool:
    """Whether `user` works on this message: a supervisor, or staff of its department (or above it)."""
    if can_supervise(user):
        return True
    return message.department_id is not None and message.department_id in handled_department_ids(
        user
    )


def can_approve_extension(user: Any, message: Message) -> bool:
    """A supervisor, or the 分管领导 of the message's department: no separate approval needed."""
    if can_supervise(user):
        return True
    return bool(
        _active(user)
        and message.department_id
        and has_role(user, message.department_id, Role.APPROVER)
    )


def may(user: Any, message: Message, action: str) -> bool:
    """Whether the person may do `action` on this message at all (whatever its state)."""
    return _may_all(user, message).get(action, False)


def _may_all(user: Any, message: Message) -> dict[str, bool]:
    # Each role question once: the message page asks about every action.
    supervise = can_supervise(user)
    moderate = supervise or (_active(user) and user.has_perm("desk.moderate_message"))
    handle = supervise or (
        message.department_id is not None and message.department_id in handled_department_ids(user)
    )
    rights = dict.fromkeys(ACTIONS, handle)
    rights.update({APPROVE: moderate, REJECT: moderate, DISPATCH: supervise})
    return rights


def status_allows(message: Message, action: str) -> bool:
    """Whether the message's state admits `action` now."""
    status = message.status
    disclosure = message.kind == Kind.DISCLOSURE
    if action in (APPROVE, REJECT):
        return status == Status.MODERATION
    if action == DISPATCH:
        return status == Status.RECEIVED
    if action == TRANSFER:
        return status in (Status.RECEIVED, Status.HANDLING) and message.department_id is not None
    if action == NOTE:
        return status != Status.MODERATION
    if action == ANSWER:
        # Awaiting 补正, only the outcome "逾期不补正，不再处理" is possible (a disclosure request).
        return status == Status.HANDLING or (disclosure and status == Status.AWAITING_CORRECTION)
    if action == REQUEST_CORRECTION:
        # One 补正 notice per request (一次性告知, 第三十条).
        return (
            disclosure
            and status == Status.HANDLING
            and not message.events.filter(kind=EventKind.CORRECTION_REQUESTED).exists()
        )
    if action == RECEIVE_CORRECTION:
        return status == Status.AWAITING_CORRECTION
    if action == START_CONSULTATION:
        return disclosure and status == Status.HANDLING
    if action == END_CONSULTATION:
        return status == Status.CONSULTING
    if action == EXTEND:
        # Once only (第三十三条).
        return (
            status in (Status.HANDLING, Status.CONSULTING)
            and not message.events.filter(kind=EventKind.EXTENDED).exists()
        )
    if action == FOLLOW_UP:
        return message.follow_up_due is not None and message.followed_up_at is None
    if action == CLOSE:
        return status == Status.ANSWERED and not (
            message.follow_up_due is not None and message.followed_up_at is None
        )
    raise ValueError(f"unknown action {action!r}")


def allowed_actions(user: Any, message: Message) -> list[str]:
    rights = _may_all(user, message)
    return [a for a in ACTIONS if rights[a] and status_allows(message, a)]
