"""One message, no traceback, for the errors elastic-access raises on purpose in a provider.

The Python dynamic-provider host (``pulumi/dynamic/__main__.py``) turns any exception of
Create, Update, Delete, Read, Diff or Check into the gRPC error text
``traceback.format_exc()``, which ``pulumi up`` prints whole: a user sees a Python traceback
(and chained exceptions) before the one line that matters. ``install`` makes the host format
the errors whose message already says what happened and what to do (``Refused``,
``SetupError``, every ``ApiError``) as that message alone; any other exception (a bug) keeps
its traceback. Errors of ``check`` and ``configure`` need none of this: ``check`` returns them
as check failures (``KibanaProvider.check``, ``CloudProvider``), the engine's clean path.

The host looks ``traceback`` up in its module globals at each call, so replacing that global
is enough; a host without it (another SDK layout) is left as it is.
"""

from __future__ import annotations

import sys
import threading
import types
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult

from ..clients.errors import ApiError
from ..live.errors import Refused, SetupError
from ..live.service import LiveService

MEANT = (ApiError, Refused, SetupError)
_HOST_MODULES = ("__main__", "pulumi.dynamic.__main__")
_LOCK = threading.Lock()


def clean_text(error: BaseException) -> str | None:
    """The message a user sees for ``error``, or None when it keeps its traceback."""
    return str(error) if isinstance(error, MEANT) else None


class _Formatter(types.ModuleType):
    """``traceback`` as the host sees it: ``format_exc`` gives the message alone for an error
    of ``MEANT``, everything else is the real module's."""

    def __init__(self, real: types.ModuleType) -> None:
        super().__init__(real.__name__)
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def format_exc(self, *args: Any, **kwargs: Any) -> str:
        text = clean_text(sys.exc_info()[1] or Exception())
        if text is not None:
            return text
        formatted: str = self._real.format_exc(*args, **kwargs)
        return formatted


def install() -> None:
    """Make the provider host of this process print ``MEANT`` errors as their message alone
    (idempotent; nothing happens outside the host)."""
    with _LOCK:
        for name in _HOST_MODULES:
            host = sys.modules.get(name)
            real = getattr(host, "traceback", None)
            if not hasattr(host, "_abort_with_traceback") or not isinstance(real, types.ModuleType):
                continue
            if not isinstance(real, _Formatter):
                host.__dict__["traceback"] = _Formatter(real)


def setup_failure(live: LiveService[Any], field: str, news: dict[str, Any]) -> CheckResult | None:
    """When a setting of ``live``'s service cannot be used (``KIBANA_API_KEY`` ending with a
    newline...), the check result that says so as ``field``'s failure (``kibana``, ``cloud``):
    the one clean path of a provider's ``configure`` errors. Else None."""
    problem = live.setup_problem
    if problem is None:
        return None
    return CheckResult(news, [CheckFailure(field, problem)])
