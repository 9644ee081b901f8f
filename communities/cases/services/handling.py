"""What the unit holding a case does with it: accept, decline, start, reply or note,
resolve, enter the city grid platform's updates, merge a duplicate."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from communities.errors import Conflict, Invalid, NotFound
from communities.models import User
from communities.moderation import audit
from communities.moderation.models import AuditAction, TargetKind
from communities.moderation.settle import settle

from .. import deadlines, figures, live
from ..models import Case, Entry, Follower, Tier
from ..shapes import holder_name
from .common import (
    ACTIVE,
    clean_text,
    first_response,
    locked,
    now,
    require_handler,
    require_status,
    require_tier,
    save,
)
from .photos import photo_ids_clean
from .timeline import entry_write


def settle_console(case: Case) -> None:
    """The case leaves the committee console (decided, or no longer at its tier)."""
    settle(community_id=case.community_id, kind=TargetKind.CASE, item_id=case.pk)


def case_accept(*, actor: User, case_id: int, body: str = "") -> Case:
    text = clean_text(body, field="body", required=False)
    with transaction.atomic():
        case, access = locked(actor, case_id)
        require_handler(access)
        require_status(case, Case.Status.SUBMITTED)
        at = now()
        case.status = Case.Status.ACCEPTED
        deadlines.responded(case, at)
        first_response(case, at)
        figures.record(case, "accepted", at)
        save(case, at)
        entry_write(case, Entry.Kind.ACCEPTED, actor=actor, body=text, from_unit=holder_name(case))
        live.case_changed(case)
    return case


def case_decline(*, actor: User, case_id: int, reason: str) -> Case:
    """Declined with a reason the reporter sees; the case is decided."""
    why = clean_text(reason, field="reason", required=True, limit=500)
    with transaction.atomic():
        case, access = locked(actor, case_id)
        require_handler(access)
        require_status(case, Case.Status.SUBMITTED)
        at = now()
        case.status = Case.Status.DECLINED
        first_response(case, at)
        deadlines.stop(case)
        figures.record(case, "declined", at)
        save(case, at)
        entry_write(case, Entry.Kind.DECLINED, actor=actor, body=why, from_unit=holder_name(case))
        live.case_changed(case, queue_action="removed")
        settle_console(case)
    return case


def case_start(*, actor: User, case_id: int, body: str = "") -> Case:
    text = clean_text(body, field="body", required=False)
    with transaction.atomic():
        case, access = locked(actor, case_id)
        require_handler(access)
        require_status(case, Case.Status.SUBMITTED, Case.Status.ACCEPTED)
        at = now()
        case.status = Case.Status.IN_PROGRESS
        deadlines.responded(case, at)
        first_response(case, at)
        save(case, at)
        entry_write(case, Entry.Kind.STARTED, actor=actor, body=text, from_unit=holder_name(case))
        live.case_changed(case)
    return case


def case_reply(
    *, actor: User, case_id: int, body: str, public: bool, photo_ids: Sequence[int] = ()
) -> Entry:
    """A public reply (the reporter reads it: it answers the case) or an internal note."""
    text = clean_text(body, field="body", required=True)
    ids = photo_ids_clean(list(photo_ids) if photo_ids is not None else None)
    with transaction.atomic():
        case, access = locked(actor, case_id)
        require_handler(access)
        require_status(case, *ACTIVE, Case.Status.RESOLVED)
        at = now()
        if public:
            deadlines.responded(case, at)
            first_response(case, at)
            save(case, at)
        item = entry_write(
            case,
            Entry.Kind.REPLY if public else Entry.Kind.NOTE,
            actor=actor,
            public=bool(public),
            body=text,
            from_unit=holder_name(case),
            photo_ids=ids,
        )
        if public:
            live.case_changed(case)
    return item


def case_resolve(*, actor: User, case_id: int, body: str, photo_ids: Sequence[int] = ()) -> Case:
    """Resolved with what was done; the reporter confirms and rates it (or reopens it)."""
    text = clean_text(body, field="body", required=True)
    ids = photo_ids_clean(list(photo_ids) if photo_ids is not None else None)
    with transaction.atomic():
        case, access = locked(actor, case_id)
        require_handler(access)
        require_status(case, Case.Status.ACCEPTED, Case.Status.IN_PROGRESS)
        at = now()
        case.status = Case.Status.RESOLVED
        first_response(case, at)
        if case.resolved_at is None:
            case.resolved_at = at
            case.resolution_minutes = deadlines.working_minutes(case.created_at, at)
            figures.record(case, "resolved", at, minutes=case.resolution_minutes)
        deadlines.stop(case)
        save(case, at)
        entry_write(
            case,
            Entry.Kind.RESOLVED,
            actor=actor,
            body=text,
            from_unit=holder_name(case),
            photo_ids=ids,
        )
        live.case_changed(case, queue_action="removed")
        settle_console(case)
    return case


def case_grid_update(*, actor: User, case_id: int, body: str, public: bool = True) -> Entry:
    """The street's desk enters what the city grid platform reported."""
    text = clean_text(body, field="body", required=True)
    with transaction.atomic():
        case, access = locked(actor, case_id)
        require_handler(access)
        require_tier(case, Tier.GRID)
        require_status(case, *ACTIVE)
        at = now()
        deadlines.responded(case, at)
        if public:
            first_response(case, at)
        save(case, at)
        item = entry_write(
            case,
            Entry.Kind.GRID_UPDATE,
            actor=actor,
            public=bool(public),
            body=text,
            from_unit=holder_name(case),
        )
        live.case_changed(case)
    return item


def case_merge(*, actor: User, case_id: int, into_id: int) -> Case:
    """Merge a duplicate (``case_id``) into ``into_id``: the duplicate is closed as merged,
    its reporter and followers follow the kept case. Both must be open, of one community,
    and in the actor's hands."""
    with transaction.atomic():
        if not isinstance(into_id, int) or isinstance(into_id, bool):
            message = _("Choose the case to merge into.")
            raise Invalid(message, errors={"into_id": message})
        if case_id == into_id:
            message = _("A case cannot be merged into itself.")
            raise Invalid(message, code="same_case", errors={"into_id": message})
        # Lock both in id order, so two merges of the same pair cannot deadlock.
        locks = {pk: locked(actor, pk) for pk in sorted([case_id, into_id])}
        dup, dup_access = locks[case_id]
        kept, kept_access = locks[into_id]
        require_handler(dup_access)
        require_status(dup, *ACTIVE)
        if kept.community_id != dup.community_id:
            raise NotFound()
        if not kept_access.handles:
            raise Conflict(_("Both cases must be in your hands."), code="not_handler")
        require_status(kept, *ACTIVE)
        at = now()
        before = {"status": dup.status, "tier": dup.tier, "unit_id": dup.unit_id}
        dup.status = Case.Status.MERGED
        dup.merged_into = kept
        deadlines.stop(dup)
        save(dup, at)
        have = set(Follower.objects.filter(case=kept).values_list("user_id", flat=True))
        moving = set(Follower.objects.filter(case=dup).values_list("user_id", flat=True))
        moving.add(dup.reporter_id)
        Follower.objects.bulk_create(
            [Follower(case=kept, user_id=pk) for pk in sorted(moving - have)]
        )
        save(kept, at)
        entry_write(
            dup,
            Entry.Kind.MERGED,
            actor=actor,
            body=_("Merged into case #%(id)d.") % {"id": kept.pk},
            from_unit=holder_name(dup),
        )
        entry_write(
            kept,
            Entry.Kind.MERGED,
            actor=actor,
            body=_("Case #%(id)d was merged into this one.") % {"id": dup.pk},
            from_unit=holder_name(kept),
        )
        audit.record(
            actor=actor,
            community=dup.community,
            action=AuditAction.MERGE,
            target_kind=TargetKind.CASE,
            target_id=dup.pk,
            subject=dup.reporter,
            before=before,
            after={"status": Case.Status.MERGED, "merged_into": kept.pk},
        )
        live.case_changed(dup, queue_action="removed")
        live.case_changed(kept)
        settle_console(dup)
    return kept
