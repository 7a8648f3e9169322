"""The statistics' running counts: messages received and answered per day and month (desk/tally.py).

`StatsTally` holds, per span (a day, or a month dated its first day),
kind and department (0: not yet dispatched), what `desk/stats.py` adds up:
messages received, answered, answered on time, the ratings given to the
answers of the span by level, and the histogram of handling working days
for 0..`MAX_DAYS` (`days_0` .. `days_40`). An answer's handling time beyond
that (or below 0) is counted in `StatsLongTally`, per day, kind, department
and number of days, so that the mean and the 90th percentile stay exact.

Database triggers on `desk_message` keep both tables in step with every
INSERT, UPDATE and DELETE of a message, in the same transaction; nothing in
Python writes them except `tally.rebuild()`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MAX_DAYS = 40  # handling days counted in a column of their own; more go to StatsLongTally
RATING_LEVELS = (1, 2, 3, 4, 5)


class Span(models.TextChoices):
    DAY = "d", _("日")
    MONTH = "m", _("月")


class StatsTally(models.Model):
    span = models.CharField(max_length=1, choices=Span.choices)
    day = models.DateField()  # the day, or the month's first day
    kind = models.CharField(max_length=20)
    department_key = models.BigIntegerField()  # Department pk, 0 for none
    received = models.IntegerField(default=0)
    answered = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("留言统计累计")
        verbose_name_plural = _("留言统计累计")
        constraints = [
            models.UniqueConstraint(
                fields=["span", "day", "kind", "department_key"], name="desk_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.span} {self.day} {self.kind} {self.department_key}"


for _level in RATING_LEVELS:
    StatsTally.add_to_class(f"rated_{_level}", models.IntegerField(default=0))
for _days in range(MAX_DAYS + 1):
    StatsTally.add_to_class(f"days_{_days}", models.IntegerField(default=0))

RATING_COLUMNS = tuple(f"rated_{level}" for level in RATING_LEVELS)
DAY_COLUMNS = tuple(f"days_{d}" for d in range(MAX_DAYS + 1))
COUNT_COLUMNS = ("received", "answered", "on_time", *RATING_COLUMNS, *DAY_COLUMNS)


class StatsLongTally(models.Model):
    day = models.DateField()
    kind = models.CharField(max_length=20)
    department_key = models.BigIntegerField()
    days = models.IntegerField()  # handling working days, outside 0..MAX_DAYS
    answers = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("留言统计累计（长办理用时）")
        verbose_name_plural = _("留言统计累计（长办理用时）")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "kind", "department_key", "days"], name="desk_long_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.department_key} {self.days}"
