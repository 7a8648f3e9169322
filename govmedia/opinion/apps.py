from django.apps import AppConfig


class OpinionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "govmedia.opinion"
    verbose_name = "舆情监测"

    def ready(self) -> None:
        from govmedia.core import scheduler
        from govmedia.opinion import (  # noqa: F401
            receivers,  # connects the signal receivers
            system_checks,  # registers the check of the sentiment model directory
        )

        # Every minute: the pipeline over the posts not yet processed, then the alerts.
        scheduler.register("opinion_tick", 60, "govmedia.opinion.jobs.tick")
        # Every five minutes: warn the supervisor of every response mark that nears.
        scheduler.register("opinion_escalate", 300, "govmedia.opinion.jobs.escalate")
