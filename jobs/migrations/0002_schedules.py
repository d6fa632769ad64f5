"""The periodic work, as django-q2 schedules (changeable in the admin's "Scheduled tasks")."""

from django.db import migrations
from django.utils import timezone

SCHEDULES = [
    # name, function, minutes between runs
    ("Gửi lại thư đến hạn", "jobs.mail.sweep", 1),
    ("Nhắc hạn tự đánh giá", "scoring.tasks.send_reminders", 60),
    ("Xóa tệp việc nền quá hạn", "jobs.progress.delete_expired", 60),
]


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func, minutes in SCHEDULES:
        Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": "I",  # every `minutes` minutes
                "minutes": minutes,
                "repeats": -1,
                "next_run": timezone.now(),
            },
        )


def remove(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name__in=[name for name, _func, _minutes in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_outbox_and_jobs"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
