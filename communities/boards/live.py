"""The live events of the boards: which streams a board's events go to, one builder per
event type. Services publish them (``realtime.feeds.publish_to``) inside their transaction."""

from __future__ import annotations

from typing import Any

from communities.models import PlaceKind
from communities.rules.boards import AWAY_KINDS
from realtime.feeds import publish_to
from realtime.groups import (
    away_feed,
    community_feed,
    community_staff_feed,
    district_feed,
    estate_feed,
    observe_feed,
    user_group,
)

from .models import Board, BoardKind, Comment, Post
from .shapes import comment_out, post_summary

Event = dict[str, Any]


def board_streams(board: Board) -> list[str]:
    """Everyone entitled to read ``board`` follows one of these (and nobody else does)."""
    place = board.place
    ids = place.ancestor_ids  # district, street, community[, estate]
    if board.kind == BoardKind.DISTRICT:
        return [district_feed(ids[0])]
    observers = [observe_feed(ids[1]), observe_feed(ids[0])]
    if board.kind == BoardKind.PROPERTY:
        return [estate_feed(ids[3]), community_staff_feed(ids[2]), *observers]
    streams = [community_feed(ids[2])]
    if place.kind == PlaceKind.VILLAGE and board.kind in AWAY_KINDS:
        streams.append(away_feed(ids[2]))
    return [*streams, *observers]


def review_streams(post: Post) -> list[str]:
    """A post waiting for review: the committee's queue and its author."""
    return [community_staff_feed(post.board.place.ancestor_ids[2]), user_group(post.author_id)]


def author_streams(post: Post) -> list[str]:
    """News for the author alone: the decision about their post."""
    return [user_group(post.author_id)]


def streams_of(post: Post) -> list[str]:
    """Where news about ``post`` in its current state goes (nowhere when nobody but
    moderators sees it)."""
    if post.status == Post.Status.PUBLISHED:
        return board_streams(post.board)
    if post.status == Post.Status.PENDING:
        return review_streams(post)
    return []


def post_created(post: Post) -> Event:
    return {"type": "post.created", "post": post_summary(post)}


def post_updated(post: Post) -> Event:
    return {"type": "post.updated", "post": post_summary(post)}


def post_pending(post: Post) -> Event:
    return {"type": "post.pending", "post": post_summary(post)}


def post_hidden(post: Post) -> Event:
    return {"type": "post.hidden", "post_id": post.pk, "board_id": post.board_id}


def post_deleted(post: Post) -> Event:
    return {"type": "post.deleted", "post_id": post.pk, "board_id": post.board_id}


def post_liked(post: Post) -> Event:
    return {
        "type": "post.liked",
        "post_id": post.pk,
        "board_id": post.board_id,
        "likes": post.like_count,
    }


def post_reviewed(post: Post, decision: str) -> Event:
    return {
        "type": "post.reviewed",
        "post_id": post.pk,
        "board_id": post.board_id,
        "decision": decision,
        "reason": post.review_reason,
    }


def urgent_acknowledged(post: Post) -> Event:
    """To the reader's own stream: their other devices drop the pop-up (and its push)."""
    return {"type": "urgent.acknowledged", "post_id": post.pk, "board_id": post.board_id}


def comment_created(comment: Comment, post: Post) -> Event:
    return {
        "type": "comment.created",
        "comment": comment_out(comment),
        "post_id": post.pk,
        "board_id": post.board_id,
        "comments": post.comment_count,
    }


def comment_deleted(comment: Comment, post: Post) -> Event:
    return {
        "type": "comment.deleted",
        "comment_id": comment.pk,
        "post_id": post.pk,
        "board_id": post.board_id,
        "comments": post.comment_count,
    }


def announce(streams: list[str], event: Event) -> None:
    if streams:
        publish_to(streams, event)
