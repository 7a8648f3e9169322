import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govmedia.settings")
application = get_wsgi_application()

# Load the search segmenter and its dictionary (seconds) as the web process
# starts, not during its first search; management commands and tests, which
# never import this module, do not pay for it.
from govmedia.portal.textsearch import tokenizer  # noqa: E402

tokenizer()
