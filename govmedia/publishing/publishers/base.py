from __future__ import annotations

from dataclasses import dataclass


class PublishError(Exception):
    """A delivery or retraction failed; the message is shown to editors and the work retried."""


@dataclass(frozen=True)
class Receipt:
    external_id: str = ""
    external_url: str = ""


class Publisher:
    name = ""
    label = ""
    # A channel whose interface cannot delete a post (or a publisher that does
    # not implement it yet) gets a to-do for a person after a withdrawal.
    can_retract = True

    def publish(self, delivery, item) -> Receipt:  # pragma: no cover - interface
        raise NotImplementedError

    def retract(self, delivery, item) -> None:  # pragma: no cover - interface
        raise NotImplementedError
