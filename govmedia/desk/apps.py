from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "govmedia.desk"
    label = "desk"
    verbose_name = "政民互动"
