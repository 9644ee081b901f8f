"""The admin keeps the data of the cases app: the districts' categories, the units and
their officers, the deadlines and the holiday calendar. Cases themselves change through
the services (deadlines, figures, the timeline and the live queues move with them), so a
case and its timeline are read-only here."""

from typing import Any

from django.contrib import admin

from .models import CalendarDay, Case, Category, Deadline, Entry, Unit, UnitOfficer


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "district", "position", "active")
    list_filter = ("active", "district")
    search_fields = ("name",)


class UnitOfficerInline(admin.TabularInline):
    model = UnitOfficer
    fields = ("user", "added_at")
    readonly_fields = ("added_at",)
    raw_id_fields = ("user",)
    extra = 1


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "place", "active")
    list_filter = ("kind", "active")
    search_fields = ("name", "place__name")
    inlines = [UnitOfficerInline]


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ("tier", "category", "respond_hours", "resolve_hours")
    list_filter = ("tier",)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "working", "name")
    list_filter = ("working",)
    date_hierarchy = "date"


class EntryInline(admin.TabularInline):
    model = Entry
    fk_name = "case"
    fields = ("created_at", "kind", "actor", "from_unit", "to_unit", "public", "body", "rating")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("pk", "category", "community", "status", "tier", "flag", "created_at")
    list_filter = ("status", "tier", "flag", "overdue")
    search_fields = ("description",)
    inlines = [EntryInline]

    def get_readonly_fields(self, request: Any, obj: Any = None) -> list[str]:
        return [field.name for field in Case._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False  # residents raise cases through the app

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
