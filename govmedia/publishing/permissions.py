"""Who may do what to an item: the one rule every path consults.

Wagtail asks `Page.permissions_for_user(user)` before every page action, in
its admin views, its bulk actions and its action classes (`DeletePageAction`,
`UnpublishPageAction`, `PublishPageRevisionAction`, `CopyPageAction`,
`MovePageAction`). `ItemPage` returns `ItemPermissionTester`, so the admin,
code calling Wagtail's actions, `publishing/actions.py` and the review tasks
of `publishing/models/workflow.py` all apply the rules written here, once:

- only the department's editors submit, copy (into the same department only)
  and delete, and delete only a draft that was never published: what was
  public is taken down by 撤稿 and stays in the archive;
- nobody publishes around the procedure, the administrator included: the
  workflow's finish action (`workflow_finish.py`) and scheduled publishing are
  the only ways an item goes live, and both run without a permission check;
- a review step is done by the department's holders of that step's role who
  wrote no revision of the item ("never the author");
- 撤稿 (and Wagtail's unpublish, which leads to it) is for the department's
  分管领导 (approver) or a 监管员 (supervisor);
- an item never moves: its 索引号 and address carry its department's code;
- whoever may see the item in the admin may preview it and read its record.

The table of roles and actions is in docs/permissions.md.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, PagePermissionTester, Revision

from govmedia.orgs.models import Membership, Role

if TYPE_CHECKING:
    from govmedia.publishing.models import ItemPage

# Shown wherever a deletion of a once-published item is refused.
DELETE_PUBLISHED_REFUSAL = (
    "已经发布过的政府信息不能删除，档案中的记录也必须保留。如需停止公开，请由分管领导或监管员撤稿。"
)


def authored_item_ids(user) -> object:
    """Ids (as text, like `Revision.object_id`) of the pages `user` wrote any revision of."""
    return Revision.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page), user_id=user.pk
    ).values("object_id")


class ItemPermissionTester(PagePermissionTester):
    """Wagtail's permission tester for `ItemPage`, with the publishing procedure's rules."""

    page: ItemPage

    @cached_property
    def _active(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_active)

    @cached_property
    def roles(self) -> frozenset[str]:
        """The roles the user holds in the item's own department."""
        if not self._active:
            return frozenset()
        return frozenset(
            Membership.objects.filter(
                user=self.user, department_id=self.page.department_id
            ).values_list("role", flat=True)
        )

    @cached_property
    def is_supervisor(self) -> bool:
        # A 监管员 is appointed for the whole city, whichever department holds the membership.
        return (
            self._active
            and Membership.objects.filter(user=self.user, role=Role.SUPERVISOR).exists()
        )

    def holds(self, role: str) -> bool:
        return role in self.roles

    @cached_property
    def is_author(self) -> bool:
        """Whether the user wrote any part of the text: its owner or the author of any revision.

        Not only the submitter or the last to save: a reviewer who edited the
        text wrote part of it, whoever saved after them.
        """
        if not self._active or self.page.pk is None:
            return False
        if self.page.owner_id == self.user.pk:
            return True
        return Revision.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id=str(self.page.pk),
            user_id=self.user.pk,
        ).exists()

    @cached_property
    def was_ever_published(self) -> bool:
        """Live now, live once, or sealed in the archive: then it is evidence and is never deleted."""
        if self.page.pk is None:
            return False
        if self.page.live or self.page.first_published_at or self.page.last_published_at:
            return True
        from govmedia.publishing.models import ArchiveRecord

        return ArchiveRecord.objects.filter(page_id=self.page.pk).exists()

    # What the procedure adds to Wagtail's questions.

    def can_view(self) -> bool:
        """Whoever works on the department, a supervisor and the administrator see the item."""
        return self._active and (bool(self.roles) or self.is_supervisor or self.user.is_superuser)

    def may_handle_channels(self) -> bool:
        """Resend a delivery, retract again, mark a manual posting done: whoever sees the item."""
        return self.can_view()

    def can_preview(self) -> bool:
        return self.can_view()

    def may_submit(self) -> bool:
        """提议 is the department's editors' (whether the workflow lets it now is Wagtail's question)."""
        return self._active and self.holds(Role.EDITOR)

    def deletion_refusal(self) -> str:
        """Why `can_delete` says no, in the words the admin shows."""
        if self.was_ever_published:
            return DELETE_PUBLISHED_REFUSAL
        return "只有本机构的编辑可以删除本机构从未发布过的草稿。"

    def may_act_on_task(self, role: str) -> bool:
        """A review step (check override, review, sign-off): the step's role, never an author."""
        return self._active and self.holds(role) and not self.is_author

    def can_review(self) -> bool:
        return self.may_act_on_task(Role.REVIEWER)

    def can_sign_off(self) -> bool:
        return self.may_act_on_task(Role.APPROVER)

    def may_withdraw(self) -> bool:
        """撤稿 is the 分管领导's or a 监管员's decision, live or not (the view says when it is moot)."""
        return self._active and (self.holds(Role.APPROVER) or self.is_supervisor)

    def can_withdraw(self) -> bool:
        return bool(self.page.live) and self.may_withdraw()

    # Wagtail's questions.

    def can_submit_for_moderation(self) -> bool:
        return self.may_submit() and super().can_submit_for_moderation()

    def can_publish(self) -> bool:
        # Publication is the workflow's last step; nobody holds it as a right, superusers included.
        return False

    def can_unpublish(self) -> bool:
        # Wagtail's unpublish leads to 撤稿 (the `before_unpublish_page` hook), so it has its rule.
        # A lock by a review step does not stop a withdrawal: taking a text down is urgent.
        return self.can_withdraw()

    def can_delete(self, ignore_bulk: bool = False) -> bool:
        # Deleting a draft is Wagtail's `wagtail.delete` log entry: audited, and kept after the page.
        return self._active and self.holds(Role.EDITOR) and not self.was_ever_published

    def can_move(self) -> bool:
        return False

    def can_move_to(self, destination) -> bool:
        return False

    def can_copy(self) -> bool:
        return self._active and self.holds(Role.EDITOR)

    def can_copy_to(self, destination, recursive: bool = False) -> bool:
        # A copy is a new draft of the same department, with its own 索引号.
        return self.can_copy() and not recursive and destination.pk == self.page.get_parent().pk


class DepartmentPermissionTester(PagePermissionTester):
    """A department's catalogue page: items are created under it, never published in one go."""

    def can_publish_subpage(self) -> bool:
        # Wagtail's create and copy views publish a new child at once when this holds.
        return False
