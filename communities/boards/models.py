"""Boards of the neighbourhood: posts, their images and attachments, comments, likes, reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Place


class BoardKind(models.TextChoices):
    DISTRICT = "district", _("i-District")
    NOTICES = "notices", _("community notices")
    PARTY = "party", _("party-building garden")
    GUIDE = "guide", _("service guide")
    MUTUAL_AID = "mutual_aid", _("mutual aid")
    IDLE = "idle", _("idle items")
    HOMETOWN = "hometown", _("hometown")
    PROPERTY = "property", _("property window news")


class Board(models.Model):
    """One board of one place; made with the place (``boards.receivers``)."""

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="boards")
    kind = models.CharField(_("kind"), max_length=16, choices=BoardKind.choices)
    requires_review = models.BooleanField(_("posts need review"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        constraints = [
            models.UniqueConstraint(fields=["place", "kind"], name="board_one_kind_per_place"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.place}"


class Post(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("published")
        PENDING = "pending", _("waiting for review")
        REJECTED = "rejected", _("rejected")
        HIDDEN = "hidden", _("hidden")
        DELETED = "deleted", _("deleted")

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_posts"
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("body"))  # sanitised HTML
    body_text = models.TextField(blank=True)  # the body as plain text: search, excerpts
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    pinned = models.BooleanField(_("pinned"), default=False)
    urgent = models.BooleanField(_("urgent"), default=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    read_count = models.PositiveIntegerField(default=0)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(review_reason=""),
                name="post_rejection_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["board", "status", "-id"], name="post_board_status_id"),
            models.Index(
                fields=["board", "-id"], condition=Q(pinned=True), name="post_board_pinned"
            ),
            models.Index(
                fields=["board", "-id"], condition=Q(urgent=True), name="post_board_urgent"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PostRevision(models.Model):
    """What a post said before one edit: ``editor`` replaced it at ``at``."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=120)
    body = models.TextField()
    extra = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.at:%Y-%m-%d %H:%M}"


class PostImage(models.Model):
    """An uploaded image, cleaned and resized; attached to a post when the post is saved."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="images"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Plain files: images.process has already checked, measured and re-encoded them.
    image = models.FileField(upload_to="boards/images/")
    thumbnail = models.FileField(upload_to="boards/thumbs/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name


class PostAttachment(models.Model):
    """A PDF for a service guide post."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file = models.FileField(upload_to="boards/files/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Comment(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", _("visible")
        HIDDEN = "hidden", _("hidden")
        DELETED = "deleted", _("deleted")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_comments"
    )
    # One level of replies: a reply to a reply hangs under the top comment.
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(_("comment"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.VISIBLE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["post", "id"], name="comment_post_id")]

    def __str__(self) -> str:
        return self.body[:40]


class PostLike(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="post_like_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} likes {self.post_id}"


class PostRead(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="post_read_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.post_id}"


class BoardReadMark(models.Model):
    """Everything on ``board`` up to ``last_post_id`` counts as read by ``user``."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_post_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "user"], name="board_read_mark_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.board_id} up to {self.last_post_id}"


class UrgentAck(models.Model):
    """A person acknowledged an urgent notice: its banner no longer shows for them."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="acks")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="urgent_ack_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged {self.post_id}"
