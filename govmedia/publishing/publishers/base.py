from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


class PublishError(Exception):
    """A delivery or retraction failed; the message is shown to editors and the work retried.

    `retry_at`: the channel said when it may be asked again (a rate limit's
    next window, an HTTP Retry-After): the next attempt waits until then
    instead of the usual back-off. `needs_person`: a refusal only a person can
    fix (an authorisation that expired, a receiver rejecting the request):
    nothing is retried automatically; 重新发送 after the fix.
    """

    def __init__(
        self, message: str = "", *, retry_at: datetime | None = None, needs_person: bool = False
    ):
        super().__init__(message)
        self.retry_at = retry_at
        self.needs_person = needs_person


@dataclass(frozen=True)
class Receipt:
    external_id: str = ""
    external_url: str = ""


class Publisher:
    name = ""
    label = ""
    # Whether `lookup` can tell if a delivery already went out. Only such a
    # channel is sent to again after a sender died mid-send; for any other a
    # person checks the channel and resends by hand, since twice is worse
    # than late.
    supports_lookup = False
    # Channel kinds (orgs.ChannelKind) this publisher serves, for publishers
    # registered through GOVMEDIA_EXTRA_PUBLISHERS.
    channel_kinds: tuple[str, ...] = ()
    # A channel whose interface cannot delete a post (or a publisher that does
    # not implement it yet) gets a to-do for a person after a withdrawal.
    can_retract = True
    # Whether a correction of a sent item can be published to the channel
    # (as an edit or a 更正 post); otherwise a person gets a to-do.
    can_correct = False
    # The editor's preview mode for this channel's rendition (ItemPage.preview_modes):
    # its label and the template showing the rendition as the channel would
    # (renditions.PREVIEWS has the defaults by publisher name).
    preview_label = ""
    preview_template = ""

    def render(self, item, channel) -> dict:
        """The item in this channel's form (a rendition), as JSON-safe data.

        Shown in the editor's preview and signed off by the approver; the
        rendition signed off is what `publish` sends (`rendition_for`).
        """
        raise NotImplementedError

    def rendition_for(self, delivery, item) -> dict:
        """The rendition to send for `delivery`: the one signed off for its revision and channel.

        Stored when the item reached its approval step and signed off with it
        (`renditions.ChannelRendition`), so what the approver saw is what is
        sent; rendered from the delivery's revision and stored now when none
        was (a channel added to the item afterwards, an older revision).
        """
        from govmedia.publishing.renditions import rendition_for_delivery

        return rendition_for_delivery(self, delivery, item)

    def check(self, channel) -> str:
        """Check the channel's credentials against its API: a status line in Chinese.

        Optional (`govmedia channels test`): a publisher that can ask its API
        (fetch a token, read the account) overrides it and raises
        `PublishError` with the reason when the check fails.
        """
        return "该渠道的发布器不提供接口检查。"

    def publish(self, delivery, item) -> Receipt:  # pragma: no cover - interface
        raise NotImplementedError

    def retract(self, delivery, item) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def lookup(self, delivery, item) -> Receipt | None:
        """Ask the channel whether `delivery` went out: its receipt if so, None if not.

        Only called when `supports_lookup`; raises `PublishError` when the
        channel cannot be asked right now (the delivery is then retried later).
        """
        raise NotImplementedError
