from govmedia.publishing.models.archive import (
    PAYLOAD_VERSION,
    ArchiveKind,
    ArchiveRecord,
    SealKey,
)
from govmedia.publishing.models.checkpoint import Checkpoint
from govmedia.publishing.models.delivery import Delivery, DeliveryStatus
from govmedia.publishing.models.items import (
    CatalogueIndexPage,
    DepartmentIndexPage,
    DisclosureCategory,
    IndexCounter,
    ItemAttachment,
    ItemPage,
    Validity,
)
from govmedia.publishing.models.workflow import ApprovalTask, ContentCheckTask, ReviewTask

__all__ = [
    "ApprovalTask",
    "ArchiveKind",
    "ArchiveRecord",
    "CatalogueIndexPage",
    "Checkpoint",
    "ContentCheckTask",
    "Delivery",
    "DeliveryStatus",
    "DepartmentIndexPage",
    "DisclosureCategory",
    "IndexCounter",
    "ItemAttachment",
    "ItemPage",
    "PAYLOAD_VERSION",
    "ReviewTask",
    "SealKey",
    "Validity",
]
