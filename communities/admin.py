from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from .models import AccessLog, AwayMembership, JoinApplication, Membership, Place, Role, User
from .services import place_create


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "phone", "is_staff", "is_active")
    search_fields = ("username", "display_name", "phone")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Real name", {"fields": ("display_name", "phone", "phone_verified_at")}),
    )


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "path", "join_code")
    list_filter = ("kind",)
    search_fields = ("name",)
    readonly_fields = ("path", "join_code", "join_code_rotated_at")
    autocomplete_fields = ("parent",)

    def save_model(self, request: HttpRequest, obj: Place, form: object, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = place_create(name=obj.name, kind=obj.kind, parent=obj.parent)
        obj.pk, obj.path, obj.join_code = created.pk, created.path, created.join_code


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "place", "show_identity")
    list_filter = ("kind",)
    search_fields = ("user__username", "user__display_name", "place__name")
    autocomplete_fields = ("user", "place")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "estate", "building", "unit", "room", "status", "joined_at")
    list_filter = ("status",)
    search_fields = ("user__display_name", "estate__name")
    autocomplete_fields = ("user", "estate")
    readonly_fields = ("application",)


@admin.register(AwayMembership)
class AwayMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "village", "status", "joined_at")
    list_filter = ("status",)
    search_fields = ("user__display_name", "village__name")
    autocomplete_fields = ("user", "village")
    readonly_fields = ("application",)


@admin.register(JoinApplication)
class JoinApplicationAdmin(admin.ModelAdmin):
    list_display = ("real_name", "estate", "living_away", "status", "created_at", "decided_by")
    list_filter = ("status", "living_away")
    search_fields = ("real_name", "estate__name")
    readonly_fields = [f.name for f in JoinApplication._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "place", "detail")
    list_filter = ("action",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
