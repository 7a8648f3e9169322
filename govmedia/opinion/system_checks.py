"""The opinion app's system check (docs/security.md): govmedia.W131.

Kept apart from the pipeline so that registering it imports nothing heavy;
the sentiment module is imported only when a model directory is configured.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register()
def check_sentiment_model_dir(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """govmedia.W131: the configured sentiment model directory cannot be used (the worker falls
    back to the built-in model, but the operator asked for another one)."""
    from govmedia.opinion.sentiment import PluginError, load_plugin

    directory = settings.GOVMEDIA_OPINION_SENTIMENT_MODEL_DIR
    if not directory:
        return []
    try:
        load_plugin(directory)
    except PluginError as error:
        return [
            checks.Warning(
                f"GOVMEDIA_OPINION_SENTIMENT_MODEL_DIR={directory!r} cannot be used: {error}.",
                hint="Fix the directory (docs/opinion.md, 'Sentiment plug-ins') or empty the "
                "setting; until then the built-in lexicon and linear model score sentiment.",
                id="govmedia.W131",
            )
        ]
    return []
