"""Who may do what: one table of roles and actions, checked inside every service that
writes, so the command line, the interface and capture obey the same rules.

A rule's scope says whose data a role may touch: ``any`` — everyone's; ``own`` — the
acting user's own time, expenses or timesheet; ``approves`` — the time of projects the
acting user approves (as the named approver or the owner), never their own.
"""

from __future__ import annotations

from ..domain.errors import PermissionDenied
from ..store.models import Project, User

ANY, OWN, APPROVES = "any", "own", "approves"

RULES: dict[str, dict[str, str]] = {
    "entry.write": {"consultant": OWN, "approver": OWN, "finance": OWN, "admin": ANY},
    "expense.write": {"consultant": OWN, "approver": OWN, "finance": ANY, "admin": ANY},
    "timesheet.lock": {"consultant": OWN, "approver": OWN, "finance": OWN, "admin": ANY},
    "timesheet.unlock": {"admin": ANY},
    "timesheet.approve": {"approver": APPROVES, "admin": ANY},
    "invoice.read": {"finance": ANY, "admin": ANY},
    "invoice.write": {"finance": ANY, "admin": ANY},
    "catalog.write": {"finance": ANY, "admin": ANY},
    "user.write": {"admin": ANY},
}

WHAT = {
    "entry.write": "change time entries",
    "expense.write": "change expenses",
    "timesheet.lock": "lock timesheets",
    "timesheet.unlock": "unlock timesheets",
    "timesheet.approve": "approve time",
    "invoice.read": "see invoices and the billing cycle",
    "invoice.write": "create or change invoices",
    "catalog.write": "change clients and projects",
    "user.write": "add people or change roles",
}


_PEOPLE = {
    "consultant": "a consultant",
    "approver": "an approver",
    "finance": "finance",
    "admin": "an admin",
}


def approves(actor: User, project: Project) -> bool:
    """Whether ``actor`` is the project's named approver or its owner."""
    return actor.id in (project.approver_id, project.owner_id)


def may(
    actor: User, action: str, owner: User | None = None, project: Project | None = None
) -> bool:
    scope = RULES[action].get(actor.role)
    if scope == ANY:
        return True
    if scope == OWN:
        return owner is not None and owner.id == actor.id
    if scope == APPROVES:
        mine = owner is not None and owner.id == actor.id
        return project is not None and approves(actor, project) and not mine
    return False


def require(
    actor: User, action: str, owner: User | None = None, project: Project | None = None
) -> None:
    """Refuse with a message that says who may, unless ``actor`` may do ``action`` to the
    data of ``owner`` (whose time or timesheet it is) on ``project``."""
    if may(actor, action, owner, project):
        return
    who = f"{actor.name} ({actor.role})"
    scope = RULES[action].get(actor.role)
    ask = " or ".join(_PEOPLE[role] for role, s in RULES[action].items() if s == ANY)
    if scope is None:
        raise PermissionDenied(f"{who} may not {WHAT[action]}; ask {ask}")
    if scope == OWN:
        whose = f"{owner.name}'s" if owner is not None else "other people's"
        raise PermissionDenied(
            f"{who} may {WHAT[action]} only for themselves, not {whose}; ask {ask}"
        )
    if owner is not None and owner.id == actor.id:
        raise PermissionDenied(f"{who} may not approve their own time; an admin approves it")
    name = project.name if project is not None else "this project"
    raise PermissionDenied(
        f"{who} does not approve {name}: only its approver, its owner or an admin may"
    )
