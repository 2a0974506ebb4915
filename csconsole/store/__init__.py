"""The store: one ``Store`` (opened with ``Store.open`` from a file path or a ``postgresql://`` URL), its
unit of work ``Store.atomic()``, and the functions of this package's modules, which take the Store and
hold every SQL statement of csconsole."""

from csconsole.store.errors import StoreError
from csconsole.store.postgres.url import Location, PostgresURL, parse_location
from csconsole.store.retry import run_read
from csconsole.store.store import Store, Where, describe_failure

__all__ = ["Location", "PostgresURL", "Store", "StoreError", "Where", "describe_failure", "parse_location",
           "run_read"]
