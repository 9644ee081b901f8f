"""What the boards' writes share: checking a title and a body, uploads joining a post,
the post as shapes need it after a write, a post's audit entry, a post one manages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import Forbidden, Invalid
from communities.models import User
from communities.moderation import audit
from communities.moderation.models import TargetKind
from communities.rules.boards import BoardAccess

from . import richtext
from .models import (
    Board,
    BoardKind,
    Post,
    PostAttachment,
    PostImage,
)
from .selectors import post_for

TITLE_MAX = 120
IMAGES_MAX = 9
ATTACHMENTS_MAX = 10
UNSET: Any = object()  # a field a PATCH leaves as it is
IMAGE_FILES = ("image", "thumbnail")


def _title(title: object) -> str:
    if not isinstance(title, str) or not title.strip():
        raise Invalid(errors={"title": _("A title is required.")})
    title = " ".join(title.split())
    if len(title) > TITLE_MAX:
        raise Invalid(errors={"title": _("At most %(n)d characters.") % {"n": TITLE_MAX}})
    return title


def _body(body: object) -> tuple[str, str]:
    """The sanitised body and its plain text."""
    if not isinstance(body, str):
        raise Invalid(errors={"body": _("The text is required.")})
    cleaned = richtext.clean(body)
    text = richtext.plain_text(cleaned)
    if not cleaned or not text:
        raise Invalid(errors={"body": _("The text is required.")})
    if len(cleaned) > richtext.MAX_BODY_CHARS:
        raise Invalid(
            errors={"body": _("At most %(n)d characters.") % {"n": richtext.MAX_BODY_CHARS}}
        )
    return cleaned, text


def _notice_fields(board: Board, urgent: bool, expires_at: datetime | None) -> None:
    if board.kind == BoardKind.NOTICES:
        if expires_at is not None and expires_at <= timezone.now():
            raise Invalid(errors={"expires_at": _("The expiry must be in the future.")})
        return
    if urgent:
        raise Invalid(errors={"urgent": _("Only notices can be urgent.")})
    if expires_at is not None:
        raise Invalid(errors={"expires_at": _("Only notices expire.")})


def _own_uploads(model: Any, ids: object, user: User, post: Post | None, field: str) -> list[Any]:
    """Uploads of ``user`` not yet on another post, in the order given."""
    if ids is None:
        return []
    if not isinstance(ids, list) or not all(isinstance(pk, int) for pk in ids):
        raise Invalid(errors={field: _("Must be a list of ids.")})
    ids = list(dict.fromkeys(ids))
    found = {item.pk: item for item in model.objects.filter(pk__in=ids)}
    for pk in ids:
        item = found.get(pk)
        if item is None or (item.post_id is None and item.uploader_id != user.pk):
            raise Invalid(errors={field: _("Unknown upload: %(id)s.") % {"id": pk}})
        if item.post_id is not None and (post is None or item.post_id != post.pk):
            raise Invalid(errors={field: _("Unknown upload: %(id)s.") % {"id": pk}})
    return [found[pk] for pk in ids]


def _forget(uploads: list[Any], fields: tuple[str, ...]) -> None:
    """Delete upload rows now and their files once the transaction has committed."""
    names = [getattr(item, name).name for item in uploads for name in fields]
    for item in uploads:
        item.delete()

    def remove() -> None:
        storage = default_storage
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(remove, robust=True)


def _attach(
    post: Post, images_list: list[PostImage] | None, files: list[PostAttachment] | None
) -> None:
    if images_list is not None:
        kept = [image.pk for image in images_list]
        _forget(list(PostImage.objects.filter(post=post).exclude(pk__in=kept)), IMAGE_FILES)
        for position, image in enumerate(images_list):
            image.post, image.position = post, position
            image.save(update_fields=["post", "position"])
    if files is not None:
        kept = [item.pk for item in files]
        _forget(list(PostAttachment.objects.filter(post=post).exclude(pk__in=kept)), ("file",))
        PostAttachment.objects.filter(pk__in=kept).update(post=post)


def _check_uploads(
    board: Board, user: User, post: Post | None, image_ids: object, attachment_ids: object
) -> tuple[list[PostImage] | None, list[PostAttachment] | None]:
    pictures = (
        None if image_ids is None else _own_uploads(PostImage, image_ids, user, post, "image_ids")
    )
    if pictures is not None and len(pictures) > IMAGES_MAX:
        raise Invalid(errors={"image_ids": _("At most %(n)d pictures.") % {"n": IMAGES_MAX}})
    files = None
    if attachment_ids is not None:
        files = _own_uploads(PostAttachment, attachment_ids, user, post, "attachment_ids")
        if files and board.kind != BoardKind.GUIDE:
            raise Invalid(errors={"attachment_ids": _("Only service guides have attachments.")})
        if len(files) > ATTACHMENTS_MAX:
            raise Invalid(
                errors={"attachment_ids": _("At most %(n)d files.") % {"n": ATTACHMENTS_MAX}}
            )
    return pictures, files


def _fresh(post_id: int) -> Post:
    """The post as shapes need it, after a write (author, board, images)."""
    return (
        Post.objects.select_related("author", "board__place")
        .prefetch_related("images", "attachments")
        .get(pk=post_id)
    )


def _post_state(post: Post) -> dict[str, Any]:
    return {"status": post.status, "pinned": post.pinned}


def _audit_post(
    actor: User, community: Any, action: str, post: Post, reason: str, before: dict[str, Any]
) -> None:
    audit.record(
        actor=actor,
        community=community,
        action=action,
        target_kind=TargetKind.POST,
        target_id=post.pk,
        subject=post.author,
        reason=reason,
        before=before,
        after=_post_state(post),
    )


def _managed(actor: User, post_id: int) -> tuple[Post, BoardAccess]:
    post, access = post_for(actor, post_id)
    if not access.manage:
        raise Forbidden(_("Only moderators may do this."), code="not_moderator")
    return post, access
