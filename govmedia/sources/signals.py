"""Events of the sources app, for the layers above (inspection, opinion) to subscribe to.

`entries_read` is sent after the transaction that stored a read has
committed, with `source_id` and `new_keys` (the keys of entries seen for the
first time). A failing receiver is logged and never undoes the read.
"""

from django.dispatch import Signal

entries_read = Signal()
