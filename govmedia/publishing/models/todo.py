"""Channel work that a person must do by hand, shown on the item until marked done.

A channel kind without a publisher, or served by the manual export publisher
(抖音 …), is posted by hand; a channel whose publisher cannot take a post
back, or whose automatic retraction kept failing, is cleaned up by hand after
a withdrawal; a correction on a channel whose publisher cannot correct a post
is made by hand. Each such job is one open `ChannelTodo`; closing it keeps who and
when (and the post's address), and writes the item's audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TodoKind(models.TextChoices):
    PUBLISH = "publish", _("需人工发布")
    RETRACT = "retract", _("需人工撤回")
    # A correction of a post on a channel whose publisher cannot correct it.
    CORRECT = "correct", _("需人工更正")


class TodoStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    DONE = "done", _("已完成")
    # A post that was never made needs no making once the item is withdrawn.
    CANCELLED = "cancelled", _("已撤稿，无需处理")


class ChannelTodo(models.Model):
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("信息"),
        on_delete=models.PROTECT,
        related_name="channel_todos",
    )
    channel = models.ForeignKey(
        "orgs.Channel", verbose_name=_("渠道"), on_delete=models.PROTECT, related_name="todos"
    )
    kind = models.CharField(_("事项"), max_length=20, choices=TodoKind.choices)
    status = models.CharField(
        _("状态"), max_length=20, choices=TodoStatus.choices, default=TodoStatus.OPEN
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivery = models.ForeignKey(
        "publishing.Delivery",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="todos",
    )
    # One to-do per job, however often the code that creates it runs.
    key = models.CharField(max_length=120, unique=True)
    detail = models.TextField(_("说明"), blank=True)
    # Publish: the address of the post made by hand; retract: the post to take
    # down; correct: the post to correct (the corrected post's, once done).
    external_url = models.URLField(_("渠道内地址"), max_length=500, blank=True)
    note = models.TextField(_("处理说明"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("渠道人工待办")
        verbose_name_plural = _("渠道人工待办")

    def __str__(self) -> str:
        return f"{self.channel} {self.get_kind_display()}（{self.get_status_display()}）"
