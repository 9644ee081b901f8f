from django.contrib import admin

from .models import Board, Comment, Post, PostAttachment, PostImage, PostRevision


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ("kind", "place", "requires_review", "created_at")
    list_filter = ("kind", "requires_review")
    search_fields = ("place__name",)
    readonly_fields = ("place", "kind", "created_at")

    def has_add_permission(self, request: object) -> bool:
        return False  # boards are made with their place


class PostImageInline(admin.TabularInline):
    model = PostImage
    fields = ("image", "width", "height", "position")
    readonly_fields = fields
    extra = 0
    can_delete = False


class PostAttachmentInline(admin.TabularInline):
    model = PostAttachment
    fields = ("file", "name", "size")
    readonly_fields = fields
    extra = 0
    can_delete = False


class PostRevisionInline(admin.TabularInline):
    model = PostRevision
    fields = ("at", "editor", "title")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Read-mostly: posts are written and moderated through the app, where every change is
    pushed live; here staff look things up and may correct a status."""

    list_display = ("title", "board", "author", "status", "pinned", "urgent", "created_at")
    list_filter = ("status", "board__kind", "pinned", "urgent")
    search_fields = ("title", "body_text", "author__display_name")
    date_hierarchy = "created_at"
    list_select_related = ("board__place", "author")
    readonly_fields = (
        *("board", "author", "title", "body", "body_text", "extra", "created_at"),
        *("updated_at", "edited_at", "like_count", "comment_count", "read_count"),
        *("reviewed_by", "reviewed_at", "review_reason"),
    )
    inlines = [PostImageInline, PostAttachmentInline, PostRevisionInline]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("body", "post", "author", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("body", "author__display_name")
    list_select_related = ("post", "author")
    readonly_fields = ("post", "author", "parent", "body", "created_at")

    def has_add_permission(self, request: object) -> bool:
        return False
