from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "govmedia.publishing"
    label = "publishing"
    verbose_name = "信息发布"

    def ready(self) -> None:
        # Connects the receiver that signs a checkpoint after each archive record.
        import govmedia.publishing.transparency  # noqa: F401

        # attachments and keyring register system checks on import.
        from govmedia.publishing import attachments, keyring, signal_handlers  # noqa: F401
