from govmedia.publishing.models.access import DepartmentCollection, ManagedGroup
from govmedia.publishing.models.archive import (
    PAYLOAD_VERSION,
    ArchiveKind,
    ArchiveRecord,
    SealKey,
)
from govmedia.publishing.models.checkpoint import Checkpoint
from govmedia.publishing.models.credentials import ChannelCredentials
from govmedia.publishing.models.delivery import Delivery, DeliveryStatus, RetractStatus
from govmedia.publishing.models.items import (
    CatalogueIndexPage,
    DepartmentIndexPage,
    DisclosureCategory,
    IndexCounter,
    ItemAttachment,
    ItemPage,
    Validity,
)
from govmedia.publishing.models.rendition import ChannelRendition
from govmedia.publishing.models.todo import ChannelTodo, TodoKind, TodoStatus
from govmedia.publishing.models.withdrawal import FORM_CATEGORIES, Withdrawal, WithdrawalCategory
from govmedia.publishing.models.workflow import ApprovalTask, ContentCheckTask, ReviewTask

__all__ = [
    "ApprovalTask",
    "ArchiveKind",
    "ArchiveRecord",
    "CatalogueIndexPage",
    "ChannelCredentials",
    "ChannelRendition",
    "ChannelTodo",
    "Checkpoint",
    "ContentCheckTask",
    "Delivery",
    "DeliveryStatus",
    "DepartmentCollection",
    "DepartmentIndexPage",
    "DisclosureCategory",
    "FORM_CATEGORIES",
    "IndexCounter",
    "ItemAttachment",
    "ItemPage",
    "ManagedGroup",
    "PAYLOAD_VERSION",
    "RetractStatus",
    "ReviewTask",
    "SealKey",
    "TodoKind",
    "TodoStatus",
    "Validity",
    "Withdrawal",
    "WithdrawalCategory",
]
