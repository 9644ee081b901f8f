"""Which events become pushes, to whom, saying what: one planner per event type.

The planners read the frames clients get (docs/protocol.md), so a push says no more than
its recipient's open page would show. ``heard`` is the listener registered with
``realtime.feeds.listen``: inside the writing transaction it only decides, cheaply,
whether the event may concern anyone's devices (``may_concern_devices``) and enqueues
``tasks.push_event`` for after the commit; the planning and sending happen in the task
worker.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from chat.models import Conversation
from chat.selectors import member_ids
from communities.cases.models import Case, Entry, Follower, Tier, UnitOfficer
from communities.selectors import followers_of
from realtime.groups import kind_and_id

from .models import Kind

Frame = dict[str, Any]
BODY_MAX = 120


@dataclass(frozen=True)
class Plan:
    """One push to some people: what it is about and what their device shows."""

    users: frozenset[int]
    kind: str
    key: str  # what it is about, the same however many streams announced it
    title: str
    body: str
    url: str  # the page the notification opens
    tag: str  # notifications with one tag replace each other (one per conversation …)
    conversation: int | None = None  # muted conversations are not pushed

    def payload(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "body": self.body,
            "url": self.url,
            "tag": self.tag,
        }


def _short(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= BODY_MAX else text[: BODY_MAX - 1] + "…"


@functools.lru_cache(maxsize=20_000)
def _is_direct(conversation_id: int) -> bool:
    """A conversation's kind never changes, so each process asks once per conversation."""
    kind = Conversation.objects.filter(pk=conversation_id).values_list("kind", flat=True).first()
    return kind == Conversation.Kind.DIRECT


def _message_plans(frame: Frame) -> list[Plan]:
    message = frame["message"]
    author = message["author"]
    conversation = message["conversation"]
    url = f"/chat/{conversation}?message={message['id']}"
    tag = f"conv-{conversation}"
    plans = []
    if _is_direct(conversation):
        others = frozenset(member_ids(conversation)) - {author["id"]}
        plans.append(
            Plan(
                others,
                Kind.DIRECT,
                f"message:{message['id']}",
                _("%(name)s knocked on your door") % {"name": author["name"]},
                _short(message["body"]),
                url,
                tag,
                conversation,
            )
        )
    reply = message.get("reply_to")
    if reply and reply["author"]["id"] != author["id"] and not _is_direct(conversation):
        plans.append(
            Plan(
                frozenset({reply["author"]["id"]}),
                Kind.REPLY,
                f"reply:{message['id']}",
                _("%(name)s replied to you") % {"name": author["name"]},
                _short(message["body"]),
                url,
                tag,
                conversation,
            )
        )
    return plans


def _user_of(frame: Frame) -> frozenset[int]:
    kind, pk = kind_and_id(frame["stream"])
    return frozenset({pk}) if kind == "user" else frozenset()


def _mention_plans(frame: Frame) -> list[Plan]:
    message = frame["message"]
    conversation = message["conversation"]
    return [
        Plan(
            _user_of(frame),
            Kind.MENTION,
            f"mention:{message['id']}",
            _("%(name)s mentioned you") % {"name": message["author"]["name"]},
            _short(message["body"]),
            f"/chat/{conversation}?message={message['id']}",
            f"conv-{conversation}",
            conversation,
        )
    ]


# Streams whose followers watch over other people's communities: they read urgent
# notices there, but are not pushed for them.
WATCHING = frozenset({"observe", "district"})


def _post_plans(frame: Frame) -> list[Plan]:
    post = frame["post"]
    if not post.get("urgent") or post.get("status", "published") != "published":
        return []
    if kind_and_id(frame["stream"])[0] in WATCHING:
        return []
    return [
        Plan(
            frozenset(followers_of(frame["stream"])) - {post["author"]["id"]},
            Kind.URGENT,
            f"post:{post['id']}",
            _("Urgent notice: %(title)s") % {"title": post["title"]},
            _short(post.get("excerpt") or ""),
            f"/boards/posts/{post['id']}",
            f"post-{post['id']}",
        )
    ]


def _callout_plans(frame: Frame) -> list[Plan]:
    callout = frame["callout"]
    return [
        Plan(
            frozenset(followers_of(frame["stream"])) - {callout["organiser"]["id"]},
            Kind.CALLOUT,
            f"callout:{callout['id']}",
            _("Volunteers wanted: %(title)s") % {"title": callout["title"]},
            _short(callout.get("location") or callout.get("description") or ""),
            f"/volunteer/callouts/{callout['id']}",
            f"callout-{callout['id']}",
        )
    ]


def _decision_plans(frame: Frame) -> list[Plan]:
    approved = frame["status"] == "approved"
    if frame["status"] not in ("approved", "rejected"):
        return []  # withdrawn by the applicant: nothing to tell them
    return [
        Plan(
            _user_of(frame),
            Kind.DECISION,
            f"application:{frame['application_id']}",
            _("Your application was approved") if approved else _("Your application was declined"),
            _("Welcome to your estate.") if approved else _("Open it to see why."),
            "/",
            f"application-{frame['application_id']}",
        )
    ]


def _letter_plans(frame: Frame) -> list[Plan]:
    letter = frame["letter"]
    if letter.get("recipient") is None:
        return []  # to the committee: it waits in their console
    return [
        Plan(
            _user_of(frame),
            Kind.LETTER,
            f"letter:{letter['id']}",
            _("A letter from %(name)s") % {"name": letter["sender"]["name"]},
            _short(letter["subject"]),
            f"/letters/{letter['id']}",
            f"letter-{letter['id']}",
        )
    ]


def _read_plans(frame: Frame) -> list[Plan]:
    """Read on one device: the person's other devices close the conversation's
    notification (a silent ``clear`` push, never shown)."""
    conversation = frame["conversation"]
    return [
        Plan(
            _user_of(frame),
            Kind.CLEAR,
            f"read:{conversation}:{frame['up_to']}",
            "",
            "",
            "",
            f"conv-{conversation}",
        )
    ]


def _acknowledged_plans(frame: Frame) -> list[Plan]:
    """An urgent notice acknowledged on one device: the others close its notification."""
    post = frame["post_id"]
    return [Plan(_user_of(frame), Kind.CLEAR, f"acknowledged:{post}", "", "", "", f"post-{post}")]


def _case_entry_title(entry: Frame) -> str:
    kind = entry["kind"]
    unit = entry.get("from_unit") or ""
    to_unit = entry.get("to_unit") or ""
    if kind == Entry.Kind.ACCEPTED:
        return _("Your case was accepted")
    if kind == Entry.Kind.DECLINED:
        return _("Your case was declined")
    if kind == Entry.Kind.STARTED:
        return _("Work on your case has started")
    if kind == Entry.Kind.RESOLVED:
        return _("Your case was resolved: please confirm and rate it")
    if kind in (Entry.Kind.CLOSED, Entry.Kind.AUTO_CLOSED):
        return _("Your case was closed")
    if kind == Entry.Kind.MERGED:
        return _("Your case was merged with another about the same problem")
    if kind == Entry.Kind.REOPENED:
        return _("Your case was reopened")
    if to_unit and kind in HOPS:
        return _("Your case was passed to %(unit)s") % {"unit": to_unit}
    if kind == Entry.Kind.GRID_UPDATE:
        return _("News of your case from the city grid platform")
    if unit:
        return _("%(unit)s replied on your case") % {"unit": unit}
    return _("News of your case")


HOPS = frozenset(
    {
        Entry.Kind.ESCALATED,
        Entry.Kind.ASSIGNED,
        Entry.Kind.REFERRED,
        Entry.Kind.HANDED_OFF,
        Entry.Kind.SENT_BACK,
    }
)


def _case_entry_plans(frame: Frame) -> list[Plan]:
    """A public entry of a case: its reporter and followers hear of it on their own stream
    (neighbours who see a public case on the board are not pushed; internal notes never)."""
    entry = frame["entry"]
    stream, pk = kind_and_id(frame["stream"])
    if stream != "user" or not entry.get("public"):
        return []
    actor = (entry.get("actor") or {}).get("id")
    case_id = frame["case_id"]
    concerned = pk != actor and (
        Case.objects.filter(pk=case_id, reporter_id=pk).exists()
        or Follower.objects.filter(case_id=case_id, user_id=pk).exists()
    )
    if not concerned:
        return []  # an officer's own stream: they are told by their queue
    return [
        Plan(
            frozenset({pk}),
            Kind.CASES,
            f"case-entry:{entry['id']}",
            _case_entry_title(entry),
            _short(entry.get("body") or ""),
            f"/cases/{case_id}",
            f"case-{case_id}",
        )
    ]


def _breach_told(case: Case, stream: str, pk: int) -> set[int]:
    """Who of this stream is told of a breach: the handling unit (the committee at the
    community tier, the unit's officers above it) and the supervisors directly above it
    (the street's; the district's too for a district department)."""
    group = f"{stream}.{pk}"
    if stream == "staff":
        return followers_of(group) if case.tier == Tier.COMMUNITY else set()
    if stream == "observe":
        above = pk == case.street_id or (pk == case.district_id and case.tier == Tier.DEPARTMENT)
        return followers_of(group) if above else set()
    if stream != "user":
        return set()
    if case.tier == Tier.COMMUNITY or case.unit_id is None:
        return {pk} & followers_of(f"staff.{case.community_id}")
    return set(
        UnitOfficer.objects.filter(unit_id=case.unit_id, user_id=pk).values_list(
            "user_id", flat=True
        )
    )


def _breach_plans(frame: Frame) -> list[Plan]:
    """A case's deadline passed (``case.flagged`` red): the people on this stream who handle
    or supervise it."""
    if frame.get("flag") != Case.Flag.RED:
        return []
    stream, pk = kind_and_id(frame["stream"])
    case = Case.objects.filter(pk=frame["case_id"]).select_related("category").first()
    if case is None or not case.is_open:
        return []
    users = _breach_told(case, stream, pk)
    return [
        Plan(
            frozenset(users),
            Kind.CASES,
            f"case-breach:{case.pk}:{case.deadline_version}",
            _("A case is overdue: %(category)s") % {"category": case.category.name},
            _short(case.description),
            f"/cases/{case.pk}",
            f"case-{case.pk}",
        )
    ]


PLANNERS = {
    "message.new": _message_plans,
    "mention": _mention_plans,
    "post.created": _post_plans,
    "callout.created": _callout_plans,
    "application.decided": _decision_plans,
    "letter.new": _letter_plans,
    "read.updated": _read_plans,
    "urgent.acknowledged": _acknowledged_plans,
    "case.entry": _case_entry_plans,
    "case.flagged": _breach_plans,
}
PUSHED = tuple(PLANNERS)


def plans_for(frame: Frame) -> list[Plan]:
    """Every push an event asks for (before anyone's settings are looked at), written in
    the site's language (people choose none of their own yet) whatever language the
    worker's thread was left in."""
    planner = PLANNERS.get(frame["type"])
    if planner is None:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        return [plan for plan in planner(frame) if plan.users]


def may_concern_devices(frame: Frame) -> bool:
    """Cheap, inside the writing transaction: is there anyone this could be pushed to?"""
    if frame["type"] == "message.new":
        message = frame["message"]
        return bool(message.get("reply_to")) or _is_direct(message["conversation"])
    if frame["type"] == "post.created":
        return bool(frame["post"].get("urgent"))
    if frame["type"] == "case.entry":
        return bool(frame["entry"].get("public")) and frame["stream"].startswith("user.")
    if frame["type"] == "case.flagged":
        return frame.get("flag") == Case.Flag.RED
    return True
