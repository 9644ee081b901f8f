"""The admin shows the branch's records; changes go through the services (the app), which
keep roles, badges, counts and the waiting list in step, so most fields are read-only."""

from django.contrib import admin

from .models import Callout, Project, ProjectNote, ReportIn, SignUp


@admin.register(ReportIn)
class ReportInAdmin(admin.ModelAdmin):
    list_display = ("user", "community", "home_branch", "status", "created_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("user__display_name", "user__username", "home_branch")
    readonly_fields = (
        "user",
        "community",
        "home_branch",
        "note",
        "show_identity",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
        "reason",
    )

    def has_add_permission(self, request: object) -> bool:
        return False  # members report in through the app


class ProjectNoteInline(admin.TabularInline):
    model = ProjectNote
    fields = ("created_at", "author", "text")
    readonly_fields = fields
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "community", "status", "created_by", "updated_at")
    list_filter = ("status",)
    search_fields = ("title",)
    readonly_fields = ("community", "created_by", "created_at", "updated_at")
    inlines = [ProjectNoteInline]


class SignUpInline(admin.TabularInline):
    model = SignUp
    fields = ("user", "status", "seq", "signed_up_at", "checked_in_at", "checked_in_by", "minutes")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Callout)
class CalloutAdmin(admin.ModelAdmin):
    list_display = ("title", "community", "audience", "starts_at", "capacity", "status")
    list_filter = ("audience", "status")
    search_fields = ("title", "location")
    readonly_fields = (
        "community",
        "organiser",
        "audience",
        "capacity",
        "status",
        "cancel_reason",
        "post",
        "thanks_post",
        "last_seq",
        "created_at",
    )
    inlines = [SignUpInline]

    def has_add_permission(self, request: object) -> bool:
        return False  # posted through the app, which announces them
