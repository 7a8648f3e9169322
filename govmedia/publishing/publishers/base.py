from __future__ import annotations

from dataclasses import dataclass


class PublishError(Exception):
    """A delivery failed; the message is shown to editors and the delivery retried."""


@dataclass(frozen=True)
class Receipt:
    external_id: str = ""
    external_url: str = ""


class Publisher:
    name = ""
    label = ""

    def publish(self, delivery, item) -> Receipt:  # pragma: no cover - interface
        raise NotImplementedError

    def retract(self, delivery, item) -> None:  # pragma: no cover - interface
        raise NotImplementedError
