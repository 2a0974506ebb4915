"""The store: one ``Store`` (opened with ``Store.open``), its unit of work ``Store.atomic()``, and the
functions of this package's modules, which take the Store and hold every SQL statement of csconsole."""

from csconsole.store.errors import StoreError
from csconsole.store.store import Store, describe_failure

__all__ = ["Store", "StoreError", "describe_failure"]
