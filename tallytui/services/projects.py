"""Projects: the client they bill, their rate history, schedule, approval and capture rules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from peewee import JOIN

from ..domain.errors import Conflict, InvalidInput
from ..domain.money import from_minor, to_minor
from ..domain.names import check_name
from ..domain.rates import Rate, rate_on
from ..domain.rounding import parse_rounding
from ..domain.schedule import Schedule, parse_schedule
from ..store.db import write_transaction
from ..store.models import Client, Project, ProjectRate, UrlPattern, User, WatchFolder, db
from . import lookup, permissions
from .clock import now_utc
from .org import today
from .views import ProjectView, RateView


@dataclass(frozen=True)
class ProjectChanges:
    """Fields to set; None leaves a field as it is (on add: its default)."""

    name: str | None = None
    client: str | None = None
    rate: Decimal | None = None
    rate_from: date | None = None
    billable: bool | None = None
    schedule: str | None = None
    schedule_start: date | None = None
    approval_required: bool | None = None
    approver: str | None = None  # "" removes the named approver: the owner approves
    owner: str | None = None
    rounding: str | None = None
    watch: tuple[str, ...] = ()
    unwatch: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    drop_urls: tuple[str, ...] = ()
    archived: bool | None = None


def default_anchor(schedule: Schedule, day: date) -> date:
    """Weeks start on Monday, months on the 1st, day counts on the day itself."""
    if schedule.unit == "weeks":
        return day - timedelta(days=day.weekday())
    if schedule.unit == "months":
        return day.replace(day=1)
    return day


def normalise_folder(path: str) -> str:
    if not path.strip():
        raise InvalidInput("watch: a folder path is required")
    return str(Path(path).expanduser().resolve())


def normalise_url_pattern(pattern: str) -> str:
    """``https://GitHub.com/acme-co/*`` and ``github.com/acme-co/*`` are the same rule."""
    text = pattern.strip()
    for scheme in ("https://", "http://"):
        if text.lower().startswith(scheme):
            text = text[len(scheme) :]
    if not text or any(ch.isspace() for ch in text):
        raise InvalidInput(f"url: {pattern!r} is not a URL pattern (e.g. github.com/acme-co/*)")
    host, _, rest = text.partition("/")
    return host.lower() + ("/" + rest if rest else "")


def _view(row: Project, rates: list[ProjectRate], folders, urls, on: date) -> ProjectView:
    currency = row.client.currency
    history = tuple(
        RateView(r.valid_from, from_minor(r.amount_minor, currency))
        for r in sorted(rates, key=lambda r: r.valid_from or date.min)
    )
    current = rate_on([Rate(r.valid_from, r.amount) for r in history], on)
    return ProjectView(
        name=row.name,
        client=row.client.name,
        currency=currency,
        rate=current.amount if current else None,
        rates=history,
        billable=row.billable,
        schedule=row.schedule,
        schedule_start=row.schedule_anchor,
        approval_required=row.approval_required,
        approver=row.approver.name if row.approver_id else None,
        rounding=row.rounding,
        watch=tuple(sorted(folders)),
        urls=tuple(sorted(urls)),
        archived=row.archived,
        owner=row.owner.name if row.owner_id else None,
    )


def _load_views(query) -> list[ProjectView]:
    """Views for the projects in ``query`` in four queries, whatever their number."""
    owner = User.alias("owner")
    rows = list(
        query.select(Project, Client, User, owner)
        .join(Client)
        .switch(Project)
        .join(User, JOIN.LEFT_OUTER, on=Project.approver)
        .switch(Project)
        .join(owner, JOIN.LEFT_OUTER, on=Project.owner)
    )
    ids = [row.id for row in rows]
    rates, folders, urls = defaultdict(list), defaultdict(list), defaultdict(list)
    if ids:
        for rate in ProjectRate.select().where(ProjectRate.project.in_(ids)):
            rates[rate.project_id].append(rate)
        for folder in WatchFolder.select().where(WatchFolder.project.in_(ids)):
            folders[folder.project_id].append(folder.path)
        for url in UrlPattern.select().where(UrlPattern.project.in_(ids)):
            urls[url.project_id].append(url.pattern)
    on = today() if rows else None
    return [_view(r, rates[r.id], folders[r.id], urls[r.id], on) for r in rows]


def _set_rate(row: Project, amount: Decimal, valid_from: date | None) -> None:
    minor = to_minor(amount, row.client.currency)
    if valid_from is None and ProjectRate.select().where(ProjectRate.project == row).exists():
        valid_from = today()
    existing = ProjectRate.get_or_none(
        (ProjectRate.project == row)
        & (
            ProjectRate.valid_from.is_null()
            if valid_from is None
            else ProjectRate.valid_from == valid_from
        )
    )
    if existing:
        existing.amount_minor = minor
        existing.save()
    else:
        ProjectRate.create(
            project=row, valid_from=valid_from, amount_minor=minor, created_at=now_utc()
        )


def _apply(row: Project, changes: ProjectChanges) -> None:
    if changes.name is not None:
        row.name = check_name(changes.name, "project")
    if changes.client is not None:
        row.client = lookup.client(changes.client)
    if changes.billable is not None:
        row.billable = changes.billable
    if changes.schedule is not None:
        schedule = parse_schedule(changes.schedule)
        row.schedule = schedule.spec()
        if schedule.is_none:
            row.schedule_anchor = None
        elif changes.schedule_start is None:
            row.schedule_anchor = default_anchor(schedule, today())
    if changes.schedule_start is not None:
        if row.schedule == "none":
            raise InvalidInput("schedule-start: the project has no schedule (give --schedule)")
        row.schedule_anchor = changes.schedule_start
    if changes.approval_required is not None:
        row.approval_required = changes.approval_required
    if changes.approver is not None:
        row.approver = _approver(changes.approver) if changes.approver else None
    if changes.owner is not None:
        row.owner = lookup.user(changes.owner)
    if changes.rounding is not None:
        rule = parse_rounding(changes.rounding)
        row.rounding = rule.spec() if rule else None
    if changes.archived is not None:
        row.archived = changes.archived


def _approver(name: str) -> User:
    person = lookup.user(name)
    if person.role not in ("approver", "admin"):
        raise InvalidInput(
            f"approver: {person.name} is {'an' if person.role[0] in 'aeiou' else 'a'} "
            f"{person.role}; only approvers and admins approve time "
            f"(tally user set {person.name} --role approver)"
        )
    return person


def _apply_capture_rules(row: Project, changes: ProjectChanges) -> None:
    for folder in map(normalise_folder, changes.watch):
        owner = WatchFolder.get_or_none(WatchFolder.path == folder)
        if owner is not None and owner.project_id != row.id:
            raise Conflict(f"watch: {folder} is watched for project {owner.project.name!r} already")
        if owner is None:
            WatchFolder.create(project=row, path=folder)
    for folder in map(normalise_folder, changes.unwatch):
        WatchFolder.delete().where(
            (WatchFolder.project == row) & (WatchFolder.path == folder)
        ).execute()
    for pattern in map(normalise_url_pattern, changes.urls):
        UrlPattern.get_or_create(project=row, pattern=pattern)
    for pattern in map(normalise_url_pattern, changes.drop_urls):
        UrlPattern.delete().where(
            (UrlPattern.project == row) & (UrlPattern.pattern == pattern)
        ).execute()


def _refuse_duplicate(name: str, own_id: int | None = None) -> None:
    query = Project.select().where(Project.name == name)
    if own_id is not None:
        query = query.where(Project.id != own_id)
    if query.exists():
        raise Conflict(f"a project named {name!r} exists already")


def add(actor: str, changes: ProjectChanges) -> ProjectView:
    """A new project, owned by the actor unless an owner is named."""
    if changes.client is None:
        raise InvalidInput("client: every project belongs to a client (give --client)")
    if changes.rate_from is not None:
        raise InvalidInput(
            "from: a new project's rate applies to all its time; use --from with `project set`"
        )
    with write_transaction():
        lookup.organisation()
        acting = lookup.user(actor)
        permissions.require(acting, "catalog.write")
        row = Project(created_at=now_utc(), owner=acting)
        _apply(row, changes)
        _refuse_duplicate(row.name)
        row.save()
        if changes.rate is not None:
            _set_rate(row, changes.rate, None)
        _apply_capture_rules(row, changes)
        return _load_views(Project.select().where(Project.id == row.id))[0]


def update(actor: str, name: str, changes: ProjectChanges) -> ProjectView:
    if changes.rate_from is not None and changes.rate is None:
        raise InvalidInput("from: give the new rate with --rate")
    with write_transaction():
        permissions.require(lookup.user(actor), "catalog.write")
        row = lookup.project(name)
        _apply(row, changes)
        _refuse_duplicate(row.name, row.id)
        row.save()
        if changes.rate is not None:
            _set_rate(row, changes.rate, changes.rate_from)
        _apply_capture_rules(row, changes)
        return _load_views(Project.select().where(Project.id == row.id))[0]


def list_all(include_archived: bool = True) -> list[ProjectView]:
    with db.atomic():
        query = Project.select().order_by(Project.name)
        if not include_archived:
            query = query.where(Project.archived == False)  # noqa: E712
        return _load_views(query)


def project_rates(projects: list[Project]) -> dict[int, list[Rate]]:
    """Each project's rates in force over time, read in one query for all of them."""
    by_project: dict[int, list[Rate]] = defaultdict(list)
    currency = {p.id: p.client.currency for p in projects}
    for row in ProjectRate.select().where(ProjectRate.project.in_([p.id for p in projects])):
        by_project[row.project_id].append(
            Rate(row.valid_from, from_minor(row.amount_minor, currency[row.project_id]))
        )
    return by_project
