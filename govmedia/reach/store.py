"""Writing reach figures: every write an upsert on its natural key.

Pulling or importing the same day twice leaves the same rows: a post is
keyed by (channel, external id), its figures by (post, day, kind), an
account's day by (channel, day). A later source fills what an earlier one
left empty (the API gives WeChat reads and shares, an export adds likes
and 在看) and never blanks what it does not carry.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum

from govmedia.orgs.models import Channel
from govmedia.publishing.models import Delivery
from govmedia.reach import categories
from govmedia.reach.models import METRICS, AccountDay, Post, PostStat, StatKind


def _match_delivery(channel: Channel, external_id: str, url: str, title: str) -> Delivery | None:
    """The delivery that made this post: by remote id, then address, then the item's title."""
    deliveries = Delivery.objects.filter(channel=channel).select_related("page")
    # WeChat's datacube names an article "<msg_data_id>_<place>"; a publisher may keep the id.
    msg_data_id = external_id.rsplit("_", 1)[0] if "_" in external_id else ""
    for lookup in (
        {"external_id": external_id} if external_id else None,
        {"progress__msg_data_id": msg_data_id} if msg_data_id.isdigit() else None,
        {"external_url": url} if url else None,
        {"page__title": title} if title else None,
    ):
        if lookup:
            found = deliveries.filter(**lookup).order_by("created_at").first()
            if found is not None:
                return found
    return None


def sent_time(delivery: Delivery) -> datetime | None:
    """When a delivery went out: publishing's `Delivery.sent_at`, set when the channel confirmed it.

    None for a delivery that never went out, and for one sent before the
    column existed whose time was lost to a later retraction (publishing
    migration 0012 backfilled the others from `updated_at`).
    """
    return delivery.sent_at


def classify_post(post: Post) -> str:
    keywords = getattr(settings, "GOVMEDIA_REACH_CATEGORY_KEYWORDS", None)
    summary = disclosure = ""
    is_policy = False
    if post.page_id:
        item = post.page.specific
        summary = getattr(item, "summary", "") or ""
        category = getattr(item, "category", None)
        disclosure = category.name if category else ""
        is_policy = bool(getattr(item, "is_policy", False))
    return categories.classify(
        post.title, summary, disclosure, is_policy=is_policy, keywords=keywords
    )


def upsert_post(
    channel: Channel,
    external_id: str,
    *,
    title: str = "",
    url: str = "",
    published_at: datetime | None = None,
    is_headline: bool | None = None,
    time_known: bool = True,
) -> Post:
    post, created = Post.objects.get_or_create(channel=channel, external_id=external_id)
    changed: list[str] = []
    for name, value in (("title", title[:500]), ("url", url)):
        if value and getattr(post, name) != value:
            setattr(post, name, value)
            changed.append(name)
    # A known time replaces a date-only one, never the other way round.
    if published_at and (post.published_at is None or (time_known and not post.time_known)):
        if post.published_at != published_at or post.time_known != time_known:
            post.published_at, post.time_known = published_at, time_known
            changed += ["published_at", "time_known"]
    if is_headline is not None and post.is_headline != is_headline:
        post.is_headline = is_headline
        changed.append("is_headline")
    if post.delivery_id is None:
        delivery = _match_delivery(channel, external_id, post.url, post.title)
        if delivery is not None:
            post.delivery, post.page_id = delivery, delivery.page_id
            changed += ["delivery", "page"]
            sent_at = sent_time(delivery)
            if sent_at and (post.published_at is None or not post.time_known):
                post.published_at, post.time_known = sent_at, True
                changed += ["published_at", "time_known"]
    if created or changed:
        category = classify_post(post)
        if category != post.category:
            post.category = category
            changed.append("category")
    if changed:
        post.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
    return post


def record_post_stat(
    post: Post, day: date, kind: str, figures: Mapping[str, int | None], source: str
) -> PostStat:
    """Upsert one day's figures of a post; metrics absent from `figures` are left as they were."""
    values = {k: int(v) for k, v in figures.items() if k in METRICS and v is not None}
    with transaction.atomic():
        stat, created = PostStat.objects.select_for_update().get_or_create(
            post=post, day=day, kind=kind, defaults={**values, "source": source}
        )
        if not created:
            changed = [k for k, v in values.items() if getattr(stat, k) != v]
            for k in changed:
                setattr(stat, k, values[k])
            if changed:
                stat.source = source
                stat.save(update_fields=[*changed, "source", "updated_at"])
        refresh_post_totals(post)
    return stat


def refresh_post_totals(post: Post) -> None:
    """A post's figures: per metric the larger of its highest running total and its summed days."""
    stats = PostStat.objects.filter(post=post)
    totals = stats.filter(kind=StatKind.TOTAL).aggregate(**{m: Max(m) for m in METRICS})
    daily = stats.filter(kind=StatKind.DAILY).aggregate(**{m: Sum(m) for m in METRICS})
    values = {m: max(totals[m] or 0, daily[m] or 0) for m in METRICS}
    Post.objects.filter(pk=post.pk).update(**values)
    for m, v in values.items():
        setattr(post, m, v)


def record_account_day(
    channel: Channel, day: date, figures: Mapping[str, int | None], source: str
) -> AccountDay:
    """Upsert an account's day; a figure given as None keeps what is stored."""
    names = ("followers", "new_followers", "unfollowers", "posts", "statuses_total")
    values = {k: v for k, v in figures.items() if k in names and v is not None}
    with transaction.atomic():
        row, created = AccountDay.objects.select_for_update().get_or_create(
            channel=channel, day=day, defaults={**values, "source": source}
        )
        if not created:
            changed = [k for k, v in values.items() if getattr(row, k) != v]
            for k in changed:
                setattr(row, k, values[k])
            if changed:
                row.source = source
                row.save(update_fields=[*changed, "source", "updated_at"])
    return row


CATEGORY_SET = "reach.category"


def do_set_post_category(user, post: Post, category: str) -> None:
    """A person's category for a post ("" returns it to the automatic one), audited on the post."""
    from govmedia.core.audit import log_state_change

    before = post.get_effective_category_display()
    with transaction.atomic():
        post.category_override = category
        post.save(update_fields=["category_override", "updated_at"])
        log_state_change(
            post,
            CATEGORY_SET,
            before=before,
            after=post.get_effective_category_display(),
            user=user,
        )
