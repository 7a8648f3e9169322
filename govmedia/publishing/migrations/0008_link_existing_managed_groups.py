"""Link the groups and collections earlier versions recognised by name.

Before ManagedGroup, a group was the platform's when its name held a "·":
"<department>·<role label>", or "全市·<role label>" for the city-wide ones,
and a department's collection was the one bearing its name. Only groups whose
names match exactly those patterns are linked; any other group with a "·" was
made by hand and is left alone from now on.
"""

from django.db import migrations

# The role labels as they stood when these names were made (orgs.models.Role).
ROLE_LABELS = {
    "editor": "编辑",
    "reviewer": "审核人",
    "approver": "分管领导",
    "supervisor": "监管员",
    "admin": "管理员",
}
CITYWIDE = "全市"


def link(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Collection = apps.get_model("wagtailcore", "Collection")
    Department = apps.get_model("orgs", "Department")
    ManagedGroup = apps.get_model("publishing", "ManagedGroup")
    DepartmentCollection = apps.get_model("publishing", "DepartmentCollection")

    groups = {group.name: group for group in Group.objects.filter(name__contains="·")}
    for role, label in ROLE_LABELS.items():
        group = groups.get(f"{CITYWIDE}·{label}")
        if group is not None and not ManagedGroup.objects.filter(group=group).exists():
            ManagedGroup.objects.get_or_create(department=None, role=role, defaults={"group": group})
    for department in Department.objects.all():
        for role, label in ROLE_LABELS.items():
            group = groups.get(f"{department.name}·{label}")
            if group is not None and not ManagedGroup.objects.filter(group=group).exists():
                ManagedGroup.objects.get_or_create(
                    department=department, role=role, defaults={"group": group}
                )
        # Collections were added under the root (depth 2) by department name.
        collection = (
            Collection.objects.filter(name=department.name, depth=2)
            .exclude(department_link__isnull=False)
            .order_by("path")
            .first()
        )
        if collection is not None:
            DepartmentCollection.objects.get_or_create(
                department=department, defaults={"collection": collection}
            )


class Migration(migrations.Migration):
    dependencies = [("publishing", "0007_managed_groups_and_collections")]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]
