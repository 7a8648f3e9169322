from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "govmedia.devtools"
    label = "devtools"
    verbose_name = "演示与测试工具"
