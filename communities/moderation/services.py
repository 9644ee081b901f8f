"""Writes for moderation: validate → authorise → write in a transaction (with its audit
entry) → publish live after commit.

Messages and conversations are moderated here; posts and comments in
``communities.boards.services`` (which calls ``report_for_action`` / ``report_actioned``
so a hidden or removed item's open report is marked acted on).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.feeds import publish
from chat.groups import community_staff_feed, conversation_group, user_group
from chat.models import Conversation, Message, Moderated
from chat.selectors import access_to, conversation_access_for, member_ids, message_for
from chat.shapes import message_out
from communities import throttle
from communities.errors import Conflict, Forbidden, Invalid, NotFound
from communities.models import Membership, Place, User
from communities.permissions import RULES, Action, standing

from . import audit, events, gatekeeping, wordfilter
from .models import (
    AuditAction,
    Report,
    ReportEntry,
    ReportReason,
    Restriction,
    TargetKind,
    WordFilter,
)
from .selectors import (
    community_id_of_place,
    open_report_of,
    report_shape,
    staff_community,
)
from .shapes import restriction_out

REASON_MAX = 200
MINUTES_MAX = 30 * 24 * 60
WORDS_MAX = 500
WORD_MAX = 30
CHECK_MAX = 20_000
EXCERPT_MAX = 200
REPORTABLE = (TargetKind.MESSAGE, TargetKind.POST, TargetKind.COMMENT)
# Reports per person: every new one reaches each open console of the committee.
REPORT_RATE = "20/600"


# --- Checks ---------------------------------------------------------------------------------
def clean_reason(reason: object, *, required: bool) -> str:
    """A moderator's reason: required for hiding, removing, muting, suspending, revoking."""
    text = reason.strip() if isinstance(reason, str) else ""
    if required and not text:
        message = _("Please give a reason.")
        raise Invalid(message, errors={"reason": message})
    if len(text) > REASON_MAX:
        message = _("At most %(n)d characters.") % {"n": REASON_MAX}
        raise Invalid(message, errors={"reason": message})
    return text


def _minutes(minutes: object) -> timedelta:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= MINUTES_MAX:
        message = _("Choose from 1 minute to 30 days.")
        raise Invalid(message, errors={"minutes": message})
    return timedelta(minutes=minutes)


def community_place(place: Place) -> Place:
    """The community an estate belongs to (a query), or the place itself."""
    community_id = community_id_of_place(place)
    return place if community_id == place.pk else Place.objects.get(pk=community_id)


def _person(user_id: object) -> User:
    person = (
        User.objects.filter(pk=user_id, is_active=True).first()
        if isinstance(user_id, int) and not isinstance(user_id, bool)
        else None
    )
    if person is None:
        message = _("No such person here.")
        raise Invalid(message, code="not_member", errors={"user_id": message})
    return person


# --- Reports acted on -----------------------------------------------------------------------
def report_for_action(
    actor: User, community: Place, target_kind: str, target_id: int
) -> Report | None:
    """The open report of an item about to be hidden or removed; Forbidden ``gated`` when
    the report waits for the party secretary and ``actor`` is not their gatekeeper."""
    report = open_report_of(target_kind, target_id)
    if report is not None:
        gatekeeping.require_may_decide(actor, community, TargetKind.REPORT, report.pk)
    return report


def report_actioned(report: Report | None, actor: User, note: str = "") -> None:
    """Inside the action's transaction: the report was acted on (live to the committee)."""
    if report is None:
        return
    updated = Report.objects.filter(pk=report.pk, status=Report.Status.OPEN).update(
        status=Report.Status.ACTIONED,
        decided_by=actor,
        decided_at=timezone.now(),
        decision_note=note[:200],
    )
    if updated:
        report.refresh_from_db()
        publish(
            community_staff_feed(report.community_id), events.report_updated(report_shape(report))
        )


# --- Messages -------------------------------------------------------------------------------
def _moderated_message(actor: User, message_id: int) -> tuple[Message, Place]:
    """A message ``actor`` moderates, and its community; 404 unseen, 403 not a moderator."""
    message = message_for(actor, message_id)
    if not access_to(actor, message.conversation).moderate:
        raise Forbidden(_("Only the group's moderators may do this."), code="not_moderator")
    return message, community_place(message.conversation.place)


def _message_state(message: Message) -> dict[str, Any]:
    return {"moderated": message.moderated, "pinned": message.pinned_at is not None}


def _fresh_message(message_id: int) -> Message:
    return Message.objects.select_related("conversation__place", "author", "reply_to__author").get(
        pk=message_id
    )


def _message_verdict(*, actor: User, message_id: int, verdict: str, reason: str) -> Message:
    reason = clean_reason(reason, required=True)
    message, community = _moderated_message(actor, message_id)
    if message.deleted_at is not None:
        raise Conflict(_("This message was deleted by its author."), code="deleted")
    if message.moderated == verdict:
        return message
    report = report_for_action(actor, community, TargetKind.MESSAGE, message.pk)
    before = _message_state(message)
    with transaction.atomic():
        message.moderated = verdict
        message.moderated_at = timezone.now()
        message.moderated_by = actor
        message.pinned_at = None
        message.save(update_fields=["moderated", "moderated_at", "moderated_by", "pinned_at"])
        audit.record(
            actor=actor,
            community=community,
            action=AuditAction.HIDE if verdict == Moderated.HIDDEN else AuditAction.REMOVE,
            target_kind=TargetKind.MESSAGE,
            target_id=message.pk,
            subject=message.author,
            reason=reason,
            before=before,
            after=_message_state(message),
        )
        publish(conversation_group(message.conversation_id), events.message_moderated(message))
        report_actioned(report, actor, reason)
    return _fresh_message(message.pk)


def message_hide(*, actor: User, message_id: int, reason: str) -> Message:
    """Take a message out of everyone's view but the moderators' (restorable)."""
    return _message_verdict(
        actor=actor, message_id=message_id, verdict=Moderated.HIDDEN, reason=reason
    )


def message_remove(*, actor: User, message_id: int, reason: str) -> Message:
    """As hiding, with the stronger verdict (illegal content, private information)."""
    return _message_verdict(
        actor=actor, message_id=message_id, verdict=Moderated.REMOVED, reason=reason
    )


def message_restore(*, actor: User, message_id: int, reason: str = "") -> Message:
    reason = clean_reason(reason, required=False)
    message, community = _moderated_message(actor, message_id)
    if not message.moderated:
        raise Conflict(_("This message is not hidden or removed."), code="not_moderated")
    before = _message_state(message)
    with transaction.atomic():
        message.moderated, message.moderated_at, message.moderated_by = "", None, None
        message.save(update_fields=["moderated", "moderated_at", "moderated_by"])
        audit.record(
            actor=actor,
            community=community,
            action=AuditAction.RESTORE,
            target_kind=TargetKind.MESSAGE,
            target_id=message.pk,
            subject=message.author,
            reason=reason,
            before=before,
            after=_message_state(message),
        )
        message = _fresh_message(message.pk)
        shape = message_out(message, likes=message.likes.count())
        publish(conversation_group(message.conversation_id), events.message_restored(shape))
    return message


def message_pin(*, actor: User, message_id: int, pinned: bool, reason: str = "") -> Message:
    """Pin a visible message to the top of its conversation, or unpin it."""
    reason = clean_reason(reason, required=False)
    message, community = _moderated_message(actor, message_id)
    if pinned and (message.moderated or message.deleted_at is not None):
        raise Conflict(_("Only a visible message can be pinned."), code="not_visible")
    if (message.pinned_at is not None) == pinned:
        return message
    before = _message_state(message)
    with transaction.atomic():
        message.pinned_at = timezone.now() if pinned else None
        message.save(update_fields=["pinned_at"])
        audit.record(
            actor=actor,
            community=community,
            action=AuditAction.PIN if pinned else AuditAction.UNPIN,
            target_kind=TargetKind.MESSAGE,
            target_id=message.pk,
            subject=message.author,
            reason=reason,
            before=before,
            after=_message_state(message),
        )
        message = _fresh_message(message.pk)
        shape = message_out(message, likes=message.likes.count())
        publish(conversation_group(message.conversation_id), events.message_pinned(message, shape))
    return message


# --- Conversations --------------------------------------------------------------------------
def _moderated_conversation(actor: User, conversation_id: int) -> tuple[Conversation, Place]:
    conversation, access = conversation_access_for(actor, conversation_id)
    if not access.moderate:
        raise Forbidden(_("Only the group's moderators may do this."), code="not_moderator")
    return conversation, community_place(conversation.place)


def conversation_lock(
    *, actor: User, conversation_id: int, locked: bool, reason: str = ""
) -> Conversation:
    """Make a group read-only (``locked``) or open it again."""
    reason = clean_reason(reason, required=False)
    conversation, community = _moderated_conversation(actor, conversation_id)
    if conversation.locked == locked:
        return conversation
    with transaction.atomic():
        conversation.locked = locked
        conversation.save(update_fields=["locked"])
        audit.record(
            actor=actor,
            community=community,
            action=AuditAction.LOCK if locked else AuditAction.UNLOCK,
            target_kind=TargetKind.CONVERSATION,
            target_id=conversation.pk,
            reason=reason,
            before={"locked": not locked},
            after={"locked": locked},
        )
        publish(conversation_group(conversation.pk), events.conversation_locked(conversation))
    return conversation


# --- Mutes and suspensions ------------------------------------------------------------------
def _restrict(
    *,
    actor: User,
    community: Place,
    person: User,
    kind: str,
    conversation: Conversation | None,
    length: timedelta,
    reason: str,
) -> Restriction:
    """Replace the person's active restriction of this kind (and conversation) by a new one."""
    now = timezone.now()
    with transaction.atomic():
        previous = list(
            Restriction.objects.select_for_update().filter(
                kind=kind,
                community=community,
                conversation=conversation,
                user=person,
                lifted_at__isnull=True,
                until__gt=now,
            )
        )
        for old in previous:
            old.lifted_at, old.lifted_by = now, actor
            old.save(update_fields=["lifted_at", "lifted_by"])
        restriction = Restriction.objects.create(
            kind=kind,
            community=community,
            conversation=conversation,
            user=person,
            reason=reason,
            until=now + length,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            community=community,
            action=AuditAction.MUTE if kind == Restriction.Kind.MUTE else AuditAction.SUSPEND,
            target_kind=TargetKind.CONVERSATION if conversation else TargetKind.USER,
            target_id=conversation.pk if conversation else person.pk,
            subject=person,
            reason=reason,
            before={"until": previous[-1].until.isoformat()} if previous else {},
            after={"until": restriction.until.isoformat(), "restriction": restriction.pk},
        )
        publish(user_group(person.pk), events.restriction_changed(restriction_out(restriction)))
    return restriction


def _cannot_restrict() -> Forbidden:
    return Forbidden(
        _("You cannot restrict yourself or the community's staff."), code="cannot_restrict"
    )


def member_mute(
    *, actor: User, conversation_id: int, user_id: int, minutes: int, reason: str
) -> Restriction:
    """Keep a member from posting in one group for a while (1 minute to 30 days)."""
    conversation, community = _moderated_conversation(actor, conversation_id)
    length = _minutes(minutes)
    reason = clean_reason(reason, required=True)
    person = _person(user_id)
    if person.pk == actor.pk or access_to(person, conversation).moderate:
        raise _cannot_restrict()
    if person.pk not in member_ids(conversation.pk):
        message = _("This person is not in the group.")
        raise Invalid(message, code="not_member", errors={"user_id": message})
    return _restrict(
        actor=actor,
        community=community,
        person=person,
        kind=Restriction.Kind.MUTE,
        conversation=conversation,
        length=length,
        reason=reason,
    )


def member_suspend(
    *, actor: User, community_id: int, user_id: int, minutes: int, reason: str
) -> Restriction:
    """Keep a member from posting anywhere in the community (groups, knocks, boards,
    comments) for a while; they see the reason and the end."""
    community = staff_community(actor, community_id)
    length = _minutes(minutes)
    reason = clean_reason(reason, required=True)
    person = _person(user_id)
    held = standing(person, community)
    if person.pk == actor.pk or held & RULES[Action.MODERATE_COMMUNITY]:
        raise _cannot_restrict()
    if not held & RULES[Action.VIEW_COMMUNITY]:
        message = _("This person is not a member of the community.")
        raise Invalid(message, code="not_member", errors={"user_id": message})
    return _restrict(
        actor=actor,
        community=community,
        person=person,
        kind=Restriction.Kind.SUSPENSION,
        conversation=None,
        length=length,
        reason=reason,
    )


def may_lift(user: User, restriction: Restriction) -> bool:
    """A mute: the conversation's moderators; a suspension: the community's staff."""
    if restriction.conversation is not None:
        return access_to(user, restriction.conversation).moderate
    return bool(standing(user, restriction.community) & RULES[Action.MODERATE_COMMUNITY])


def restriction_lift(*, actor: User, restriction_id: int) -> Restriction:
    restriction = (
        Restriction.objects.select_related("community", "conversation__place", "user", "created_by")
        .filter(pk=restriction_id)
        .first()
        if isinstance(restriction_id, int)
        else None
    )
    if restriction is None or not may_lift(actor, restriction):
        raise NotFound()
    with transaction.atomic():
        locked = Restriction.objects.select_for_update().get(pk=restriction.pk)
        if locked.lifted_at is not None or locked.until <= timezone.now():
            raise Conflict(_("This restriction has already ended."), code="not_active")
        restriction.lifted_at, restriction.lifted_by = timezone.now(), actor
        restriction.save(update_fields=["lifted_at", "lifted_by"])
        mute = restriction.kind == Restriction.Kind.MUTE
        audit.record(
            actor=actor,
            community=restriction.community,
            action=AuditAction.UNMUTE if mute else AuditAction.UNSUSPEND,
            target_kind=TargetKind.CONVERSATION if mute else TargetKind.USER,
            target_id=restriction.conversation_id if mute else restriction.user_id,  # type: ignore[arg-type]
            subject=restriction.user,
            before={"until": restriction.until.isoformat(), "restriction": restriction.pk},
            after={"lifted": True},
        )
        publish(
            user_group(restriction.user_id),
            events.restriction_changed(restriction_out(restriction)),
        )
    return restriction


# --- Revoking a membership ------------------------------------------------------------------
def member_revoke(*, actor: User, community_id: int, user_id: int, reason: str) -> list[Membership]:
    """Take a person out of every estate of the community (the console knows people, not
    memberships); one audit entry per membership."""
    from communities.services import membership_revoke

    community = staff_community(actor, community_id)
    reason = clean_reason(reason, required=True)
    person = _person(user_id)
    if person.pk == actor.pk:
        raise _cannot_restrict()
    memberships = list(
        Membership.objects.filter(
            user=person, estate__parent=community, status=Membership.Status.ACTIVE
        ).order_by("pk")
    )
    if not memberships:
        message = _("This person lives in none of the community's estates.")
        raise Invalid(message, code="not_member", errors={"user_id": message})
    with transaction.atomic():
        return [
            membership_revoke(actor=actor, membership_id=membership.pk, reason=reason)
            for membership in memberships
        ]


# --- Reports --------------------------------------------------------------------------------
def _excerpt(*parts: str) -> str:
    text = " ".join(" ".join(part.split()) for part in parts if part)
    return text if len(text) <= EXCERPT_MAX else text[: EXCERPT_MAX - 1] + "…"


def _reported(reporter: User, target_kind: str, target_id: int) -> tuple[Place, User, str]:
    """The community, author and excerpt of an item ``reporter`` can read; else 404."""
    from communities.boards.models import Comment, Post
    from communities.boards.selectors import post_for

    if target_kind == TargetKind.MESSAGE:
        message = message_for(reporter, target_id)
        hidden = message.moderated and not access_to(reporter, message.conversation).moderate
        if message.deleted_at is not None or hidden:
            raise NotFound()
        return community_place(message.conversation.place), message.author, _excerpt(message.body)
    if target_kind == TargetKind.POST:
        post, _access = post_for(reporter, target_id)
        if post.status != Post.Status.PUBLISHED:
            raise NotFound()
        return community_place(post.board.place), post.author, _excerpt(post.title, post.body_text)
    comment = (
        Comment.objects.select_related("author").filter(pk=target_id).first()
        if isinstance(target_id, int)
        else None
    )
    if comment is None or comment.status != Comment.Status.VISIBLE:
        raise NotFound()
    post, _access = post_for(reporter, comment.post_id)
    return community_place(post.board.place), comment.author, _excerpt(comment.body)


def report_create(
    *, reporter: User, target_kind: str, target_id: int, reason: str, note: str = ""
) -> tuple[Report, bool]:
    """Report a message, post or comment. The first report opens the item's report; other
    people's add to its count; the same person again changes nothing (created=False)."""
    if target_kind not in REPORTABLE:
        message = _("Choose a message, post or comment.")
        raise Invalid(message, errors={"target_kind": message})
    if reason not in ReportReason.values:
        message = _("Choose a reason.")
        raise Invalid(message, errors={"reason": message})
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > 200:
        message = _("At most %(n)d characters.") % {"n": 200}
        raise Invalid(message, errors={"note": message})
    community, author, excerpt = _reported(reporter, target_kind, target_id)
    if author.pk == reporter.pk:
        raise Invalid(_("You cannot report your own content."), code="own_content")
    throttle.hit("report", str(reporter.pk), REPORT_RATE)
    for attempt in range(2):
        try:
            return _report_add(
                reporter, community, author, excerpt, target_kind, target_id, reason, note
            )
        except IntegrityError:
            if attempt:  # a second race in a row: let it surface
                raise
    raise AssertionError("unreachable")


def _report_add(
    reporter: User,
    community: Place,
    author: User,
    excerpt: str,
    target_kind: str,
    target_id: int,
    reason: str,
    note: str,
) -> tuple[Report, bool]:
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .filter(target_kind=target_kind, target_id=target_id, status=Report.Status.OPEN)
            .first()
        )
        if (
            report is not None
            and ReportEntry.objects.filter(report=report, reporter=reporter).exists()
        ):
            return report, False
        now = timezone.now()
        if report is None:
            report = Report.objects.create(
                community=community,
                target_kind=target_kind,
                target_id=target_id,
                target_author=author,
                excerpt=excerpt,
                first_at=now,
                last_at=now,
            )
            ReportEntry.objects.create(
                report=report, reporter=reporter, reason=reason, note=note, at=now
            )
            make_event = events.report_opened
        else:
            ReportEntry.objects.create(
                report=report, reporter=reporter, reason=reason, note=note, at=now
            )
            Report.objects.filter(pk=report.pk).update(count=F("count") + 1, last_at=now)
            report.refresh_from_db()
            make_event = events.report_updated
        publish(community_staff_feed(community.pk), make_event(report_shape(report)))
    return report, True


def report_dismiss(*, actor: User, report_id: int, note: str = "") -> Report:
    """Decide that a reported item stays (with a note for the committee)."""
    note = clean_reason(note, required=False)
    report = (
        Report.objects.select_related("community", "target_author").filter(pk=report_id).first()
        if isinstance(report_id, int)
        else None
    )
    if report is None or not standing(actor, report.community) & RULES[Action.MODERATE_COMMUNITY]:
        raise NotFound()
    gatekeeping.require_may_decide(actor, report.community, TargetKind.REPORT, report.pk)
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status != Report.Status.OPEN:
            raise Conflict(_("This report has already been decided."), code="already_decided")
        report.status = Report.Status.DISMISSED
        report.decided_by, report.decided_at, report.decision_note = actor, timezone.now(), note
        report.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit.record(
            actor=actor,
            community=report.community,
            action=AuditAction.DISMISS,
            target_kind=TargetKind.REPORT,
            target_id=report.pk,
            subject=report.target_author,
            reason=note,
            before={"status": Report.Status.OPEN},
            after={"status": Report.Status.DISMISSED},
        )
        publish(
            community_staff_feed(report.community_id), events.report_updated(report_shape(report))
        )
    return report


# --- Word filter ----------------------------------------------------------------------------
def _clean_words(words: object) -> list[str]:
    if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
        message = _("Give a list of words.")
        raise Invalid(message, errors={"words": message})
    kept: list[str] = []
    seen: set[str] = set()
    for raw in words:
        word = raw.strip()
        key = wordfilter.normalise(word)
        if not word or len(word) > WORD_MAX or not key:
            message = _(
                "Each word needs 1 to %(n)d characters (letters, not only signs): “%(word)s”."
            ) % {
                "n": WORD_MAX,
                "word": word[:40],
            }
            raise Invalid(message, errors={"words": message})
        if key not in seen:
            seen.add(key)
            kept.append(word)
    if len(kept) > WORDS_MAX:
        message = _("At most %(n)d words.") % {"n": WORDS_MAX}
        raise Invalid(message, errors={"words": message})
    return kept


def word_filter_update(
    *, actor: User, community_id: int, enabled: bool, words: list[str]
) -> WordFilter:
    """The committee turns its word filter on or off and edits its words."""
    community = staff_community(actor, community_id)
    if not isinstance(enabled, bool):
        message = _("Must be true or false.")
        raise Invalid(message, errors={"enabled": message})
    kept = _clean_words(words)
    with transaction.atomic():
        word_filter, _created = WordFilter.objects.select_for_update().get_or_create(
            community=community, defaults={"enabled": False}
        )
        before = {"enabled": word_filter.enabled, "words": list(word_filter.words)}
        if _created:
            before = {}
        word_filter.enabled, word_filter.words, word_filter.updated_by = enabled, kept, actor
        word_filter.save()
        audit.record(
            actor=actor,
            community=community,
            action=AuditAction.FILTER,
            target_kind=TargetKind.WORD_FILTER,
            target_id=word_filter.pk,
            before=before,
            after={"enabled": enabled, "words": kept},
        )
    return word_filter


def word_filter_check(*, actor: User, community_id: int, text: str) -> list[str]:
    """Which of the community's words ``text`` contains (whether the filter is on or not)."""
    community = staff_community(actor, community_id)
    if not isinstance(text, str) or len(text) > CHECK_MAX:
        message = _("At most %(n)d characters.") % {"n": CHECK_MAX}
        raise Invalid(message, errors={"text": message})
    word_filter = WordFilter.objects.filter(community=community).first()
    if word_filter is None:
        return []
    return wordfilter.matcher_for(
        community.pk, word_filter.updated_at, list(word_filter.words)
    ).matches(text)
