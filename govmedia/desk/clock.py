"""The answer clock of a message: when it is due, and why, in working days.

Plain Python on the workdays calendar, so the admin, the worker, the public
timeline and the statistics compute a deadline the same way. The rules are
those of 《中华人民共和国政府信息公开条例》(2019), for 依申请公开 requests, and
apply to the other kinds with their own limits (docs/desk.md names sources):

- the clock starts the day after the request was received (次日起算) and runs
  ``limit`` working days (20 for a disclosure request, 第三十三条);
- a 补正 notice (第三十条, to be sent within 7 working days) stops the clock;
  when the corrected request arrives it starts again, from nothing, the day
  after (第三十条: the time limit counts from receipt of the corrected request);
- a third-party consultation (第三十二条) does not count: the working days
  from the day after it starts to the day it ends are added to the deadline;
  a consultation still open adds the days up to today;
- an extension (第三十三条) adds its days once (at most 20), approved by the
  head of the disclosure office.

A deadline that lies in a year the calendar does not know is provisional.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol


class Calendar(Protocol):
    def add_workdays(self, start: date, n: int): ...
    def workdays_between(self, start: date, end: date) -> int: ...
    def is_known(self, day: date) -> bool: ...


class Step(StrEnum):
    """The events that move the clock (each also an event in the message's timeline)."""

    CORRECTION_REQUESTED = "correction_requested"  # 补正通知
    CORRECTION_RECEIVED = "correction_received"  # 补正材料收到
    CONSULTATION_STARTED = "consultation_started"  # 征求第三方意见
    CONSULTATION_ENDED = "consultation_ended"
    EXTENDED = "extended"  # 延期答复


@dataclass(frozen=True)
class ClockEvent:
    step: Step
    on: date
    days: int = 0  # the extension's working days


@dataclass
class ClockState:
    due: date | None  # None while the clock is stopped (awaiting 补正)
    provisional: bool
    stopped: bool = False
    extended_days: int = 0
    consultation_days: int = 0
    restarted_on: date | None = None  # the day the corrected request arrived
    lines: list[str] = field(default_factory=list)  # Chinese: how the deadline was reached


def compute(
    calendar: Calendar,
    received_on: date,
    limit: int,
    events: Iterable[ClockEvent],
    today: date,
) -> ClockState:
    """The deadline after `events` (in date order) for a message received on `received_on`."""
    start = received_on
    lines = [f"{received_on:%Y年%m月%d日}收到，次日起算 {limit} 个工作日"]
    stopped = False
    restarted_on: date | None = None
    extended = 0
    consulting_since: date | None = None
    consultation = 0
    for event in sorted(events, key=lambda e: e.on):
        if event.step is Step.CORRECTION_REQUESTED:
            stopped = True
            lines.append(f"{event.on:%Y年%m月%d日}发出补正通知，期限中止")
        elif event.step is Step.CORRECTION_RECEIVED and stopped:
            stopped = False
            start = restarted_on = event.on
            extended = consultation = 0
            lines.append(f"{event.on:%Y年%m月%d日}收到补正，期限自次日重新起算")
        elif event.step is Step.CONSULTATION_STARTED and consulting_since is None:
            consulting_since = event.on
            lines.append(f"{event.on:%Y年%m月%d日}征求第三方意见，所需时间不计入期限")
        elif event.step is Step.CONSULTATION_ENDED and consulting_since is not None:
            days = max(0, calendar.workdays_between(consulting_since, event.on))
            consultation += days
            lines.append(f"{event.on:%Y年%m月%d日}第三方意见征询结束，不计入 {days} 个工作日")
            consulting_since = None
        elif event.step is Step.EXTENDED:
            extended += event.days
            lines.append(f"{event.on:%Y年%m月%d日}经批准延期 {event.days} 个工作日")
    if consulting_since is not None:
        days = max(0, calendar.workdays_between(consulting_since, today))
        consultation += days
        lines.append(f"第三方意见征询中，至今不计入 {days} 个工作日")
    if stopped:
        lines.append("等待补正，期限暂停")
        return ClockState(None, False, True, extended, consultation, restarted_on, lines)
    deadline = calendar.add_workdays(start, limit + extended + consultation)
    lines.append(
        f"答复期限：{deadline.day:%Y年%m月%d日}"
        + ("（暂定：该年度节假日安排尚未录入）" if deadline.provisional else "")
    )
    return ClockState(
        deadline.day, deadline.provisional, False, extended, consultation, restarted_on, lines
    )
