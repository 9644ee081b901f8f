from django.contrib import admin

from .models import Delivery, NotificationSettings, PushSubscription


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "endpoint", "created_at", "last_success_at", "failures")
    search_fields = ("user__username", "user__display_name")
    raw_id_fields = ("user",)


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "digest", "quiet_start", "quiet_end")
    raw_id_fields = ("user",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Every push and how it went (the counts by status are the push statistics)."""

    list_display = ("key", "kind", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    readonly_fields = [f.name for f in Delivery._meta.fields]
