from django.contrib import admin

from .models import Effect, Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["task", "state", "attempts", "created_at", "finished_at", "error_class"]
    list_filter = ["state"]
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Effect)
class EffectAdmin(admin.ModelAdmin):
    list_display = ["key", "task", "done_at"]
    search_fields = ["key"]
    readonly_fields = ["key", "task", "done_at"]

    def has_add_permission(self, request):
        return False
