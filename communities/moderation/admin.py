"""Admin pages for moderation: everything read-only (actions go through the services, so
they are audited and announced); the audit log cannot be changed at all."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from .models import AuditEntry, Report, ReportEntry, Restriction, WordFilter


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "community", "actor", "action", "target_kind", "target_id", "subject")
    list_filter = ("action", "target_kind")
    search_fields = ("community__name", "actor__display_name", "reason")
    date_hierarchy = "at"


class ReportEntryInline(admin.TabularInline):
    model = ReportEntry
    fields = ("reporter", "reason", "note", "at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("first_at", "community", "target_kind", "target_id", "count", "status")
    list_filter = ("status", "target_kind")
    search_fields = ("community__name", "excerpt")
    inlines = [ReportEntryInline]


@admin.register(Restriction)
class RestrictionAdmin(ReadOnlyAdmin):
    list_display = ("user", "kind", "community", "conversation", "until", "lifted_at")
    list_filter = ("kind",)
    search_fields = ("user__display_name", "community__name", "reason")


@admin.register(WordFilter)
class WordFilterAdmin(ReadOnlyAdmin):
    list_display = ("community", "enabled", "updated_by", "updated_at")
