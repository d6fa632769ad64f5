from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from jobs import mail
from jobs.models import Job, Mail


@admin.register(Mail)
class MailAdmin(admin.ModelAdmin):
    """The outbox: what waits, what went, and what keeps failing with its last error."""

    list_display = ["key", "subject", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["state"]
    search_fields = ["key", "subject", "recipients"]
    readonly_fields = [f.name for f in Mail._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Gửi lại các thư đã chọn"))
    def send_again(self, request, queryset):
        count = mail.resend(list(queryset))
        self.message_user(
            request,
            ngettext(
                "Đã xếp %(count)d thư vào hàng đợi.", "Đã xếp %(count)d thư vào hàng đợi.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "state", "created_at", "finished_at", "expires_at"]
    list_filter = ["state", "kind"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False
