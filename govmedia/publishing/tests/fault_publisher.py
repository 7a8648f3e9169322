"""A channel publisher for the fault-injection test that counts what "went out".

Each send is appended to the file named by GOVMEDIA_FAULT_SENDS, outside any
database transaction, exactly as a real channel's API call would happen: a
worker killed after the append but before its database commit has still
sent. `lookup` reads the same file, as a real channel's "did this go out?"
query would. Registered through GOVMEDIA_EXTRA_PUBLISHERS for channels of
kind "app".
"""

from __future__ import annotations

import os
import time

from govmedia.publishing.publishers.base import Publisher, Receipt


def _sends_file() -> str:
    return os.environ["GOVMEDIA_FAULT_SENDS"]


def sent_keys() -> list[str]:
    try:
        with open(_sends_file(), encoding="utf-8") as handle:
            return [line.strip() for line in handle if line.strip()]
    except FileNotFoundError:
        return []


class FilePublisher(Publisher):
    name = "faultfile"
    label = "故障测试渠道"
    supports_lookup = True
    channel_kinds = ("app",)

    def publish(self, delivery, item) -> Receipt:
        # One short O_APPEND write: a kill cannot leave half a line.
        fd = os.open(_sends_file(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, f"{delivery.idempotency_key}\n".encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        # A real channel answers after a round trip: the window in which a
        # kill leaves a sent message recorded as still sending.
        time.sleep(0.05)
        return Receipt(external_id=delivery.idempotency_key)

    def retract(self, delivery, item) -> None:
        return None

    def lookup(self, delivery, item) -> Receipt | None:
        if delivery.idempotency_key in sent_keys():
            return Receipt(external_id=delivery.idempotency_key)
        return None
