"""Chinese names for what Wagtail's own migrations create in English.

Wagtail's initial data names the page tree's root and the root collection
"Root", its groups "Editors" and "Moderators", and its default workflow and
task "Moderators approval"; the admin shows these names as they are. Only the
untouched English names are renamed, so a name an operator chose stays.
"""

from django.db import migrations

RENAMES = {
    ("wagtailcore", "Page"): ("title", {"Root": "根页面", "Welcome to your new Wagtail site!": "初始欢迎页"}),
    ("wagtailcore", "Collection"): ("name", {"Root": "全部文件"}),
    ("auth", "Group"): ("name", {"Editors": "默认编辑组", "Moderators": "默认审核组"}),
    ("wagtailcore", "Workflow"): ("name", {"Moderators approval": "默认审核流程"}),
    ("wagtailcore", "Task"): ("name", {"Moderators approval": "默认审核组审批"}),
}


def rename(apps, schema_editor, reverse=False):
    for (app_label, model_name), (field, names) in RENAMES.items():
        model = apps.get_model(app_label, model_name)
        for english, chinese in names.items():
            old, new = (chinese, english) if reverse else (english, chinese)
            changes = {field: new}
            if model_name == "Page":
                changes["draft_title"] = new
            model.objects.filter(**{field: old}).update(**changes)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, reverse=True)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_fault_worker_process"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
