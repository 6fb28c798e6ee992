"""Credentials out of every text that leaves the product, in every encoding a server may echo.

A server that echoes a credential rarely echoes it as given: it quotes the ``Authorization``
header (``ApiKey <key>``, ``Basic <base64(user:password)>``), URL-encodes it (``...%3D``),
base64-encodes it (alone, or inside a larger blob such as the whole header), hex-encodes it, or
escapes it in a repr or JSON string. ``Redactor`` removes each credential in all these forms
(issue 10 section 4):

- as given, and stripped of surrounding whitespace;
- escaped as in a Python repr or a JSON string (``\\n``, ``\\/``);
- URL-encoded (``quote`` with and without ``/`` kept, ``quote_plus``, upper- and lower-case
  ``%xx``, and encoded twice);
- hex (both cases);
- base64, standard and URL-safe, padded or not; and, for credentials long enough, the part of
  their base64 that is the same wherever they sit in a longer base64 text (one per alignment),
  which catches ``base64("ApiKey <key>")`` and the key inside an encoded JSON document.

Derived forms shorter than ``MIN_FORM`` characters are skipped (they would match ordinary
words); the credential itself is always removed. ``masks`` are further (pattern, replacement)
pairs, such as invitation tokens in URL paths.

Logging: ``install_log_redaction()`` (called when the HTTP layer is imported) puts a filter on
the loggers that print requests (``elastic_access.*``, ``urllib3.*``), so that with DEBUG on,
whatever handler a user configured, their records hold no credential and no invitation token.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
import weakref
from collections.abc import Callable, Iterable
from urllib.parse import quote, quote_plus

__all__ = [
    "LOGGERS",
    "MIN_FORM",
    "REDACTED",
    "Redact",
    "Redactor",
    "encodings",
    "install_log_redaction",
    "masked",
    "redact_all",
]

REDACTED = "[REDACTED]"
MIN_FORM = 6
# The loggers that may print a request line, a URL or a server's words.
LOGGERS = (
    "elastic_access",
    "elastic_access.http",
    "urllib3",
    "urllib3.connection",
    "urllib3.connectionpool",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
    "requests",
)
_HEADER_SCHEMES = ("ApiKey ", "Basic ", "Bearer ")
_PERCENT = re.compile(r"%[0-9A-F]{2}")

Mask = tuple["re.Pattern[str]", str]
Redact = Callable[[str], str]


def _escapes(text: str) -> set[str]:
    return {repr(text)[1:-1], text.replace("/", "\\/"), text.encode("unicode_escape").decode()}


def _url_forms(text: str) -> set[str]:
    forms = {quote(text, safe=""), quote(text, safe="/"), quote_plus(text), quote_plus(text, "/")}
    forms |= {quote(form, safe="") for form in list(forms)}
    return forms | {_PERCENT.sub(lambda m: m.group(0).lower(), form) for form in forms}


def _base64_forms(raw: bytes) -> set[str]:
    forms: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(raw).decode("ascii")
        forms |= {whole, whole.rstrip("="), quote(whole, safe="")}
        for offset in (0, 1, 2):
            # The characters fully made of the credential's bits when it starts `offset` bytes
            # into a 3-byte group of a longer text: the same whatever surrounds it.
            encoded = encode(b"\0" * offset + raw).decode("ascii")
            first = -(-8 * offset // 6)
            last = (8 * (offset + len(raw))) // 6
            forms |= {encoded[first:last], quote(encoded[first:last], safe="")}
    return forms


def encodings(secret: str) -> set[str]:
    """Every form of ``secret`` a server might echo (see the module docstring)."""
    plain = {secret, secret.strip()} - {""}
    headers = {scheme + value for scheme in _HEADER_SCHEMES for value in plain}
    forms = set(plain)
    for text in plain | headers:
        raw = text.encode("utf-8", "surrogatepass")
        forms |= _escapes(text) | _url_forms(text) | _base64_forms(raw)
        forms |= {raw.hex(), raw.hex().upper()}
    return {form for form in forms if form in plain or len(form) >= MIN_FORM}


class Redactor:
    """Removes ``secrets`` (in every encoding) and applies ``masks`` to a text; callable."""

    def __init__(self, secrets: Iterable[str] = (), masks: Iterable[Mask] = ()) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if secret:
                forms |= encodings(secret)
        # Longest first, so that a form containing another is removed whole.
        ordered = sorted(forms, key=lambda form: (-len(form), form))
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None
        self._masks = tuple(masks)
        _register(self)

    def __call__(self, text: str) -> str:
        """``text`` with every credential replaced by ``[REDACTED]`` and the masks applied."""
        if self._pattern is not None:
            text = self._pattern.sub(REDACTED, text)
        for pattern, replacement in self._masks:
            text = pattern.sub(replacement, text)
        return text

    def __repr__(self) -> str:
        return "Redactor(<hidden>)"


# ---------------------------------------------------------------- every live redactor

_live: weakref.WeakSet[Redactor] = weakref.WeakSet()
_live_lock = threading.Lock()


def _register(redactor: Redactor) -> None:
    with _live_lock:
        _live.add(redactor)


def redact_all(text: str) -> str:
    """``text`` through every ``Redactor`` of this process (each client's credentials)."""
    with _live_lock:
        redactors = list(_live)
    for redactor in redactors:
        text = redactor(text)
    return text


class _RedactingFilter(logging.Filter):
    """Formats a record's message (and traceback) once, through ``redact_all``."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a record whose arguments do not fit its format
            message = str(record.msg)
        record.msg, record.args = redact_all(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact_all(logging.Formatter().formatException(record.exc_info))
        return True


_FILTER = _RedactingFilter()


def install_log_redaction(names: Iterable[str] = LOGGERS) -> None:
    """Put the redacting filter on the named loggers (once each; idempotent)."""
    for name in names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def masked(pattern: str, replacement: str) -> Mask:
    """A mask: every match of ``pattern`` becomes ``replacement`` (``re.sub`` syntax)."""
    return re.compile(pattern), replacement
