"""Read-only HTTP to the API server through the kubernetes client, as plain JSON.

One place for: retries with bounded backoff, the request deadline, turning HTTP errors into
PluginErrors with the API server's own message, and -v request logging (never credentials).
"""
import json
import random
import re
import sys
import time
from urllib.parse import urlencode

from kubectl_kueue_argo.errors import (ApiError, ForbiddenError, NotFoundError, UnauthorizedError,
                                       UnreachableError)
from kubectl_kueue_argo.render.text import escape_terminal

RETRYABLE_STATUS = (429, 500, 502, 503, 504)
DEFAULT_TIMEOUT = 30.0
_BACKOFF_START = 0.2
_BACKOFF_MAX = 4.0
_MAX_ATTEMPTS = 6
# klog verbosity levels (kubectl -v=N): what each level adds to stderr.
LOG_REQUESTS = 6
LOG_HEADERS = 7
LOG_BODIES = 8
_REFUSED_ATTEMPTS = 2


class Transport:
    """GET/LIST/WATCH only. There is deliberately no method that writes."""

    def __init__(self, api_client, request_timeout=None, verbose=0, log=None, sleep=time.sleep, clock=time.monotonic):
        self.api_client = api_client
        self.timeout = request_timeout or DEFAULT_TIMEOUT
        self.verbose = verbose
        self.log = log or (lambda line: print(line, file=sys.stderr))
        self.sleep = sleep
        self.clock = clock
        self.server = api_client.configuration.host

    def get_json(self, path, query=None):
        """GET a path and decode the JSON body, retrying transient failures within the deadline."""
        deadline = self.clock() + self.timeout
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._get_once(path, query, deadline)
            except _Retryable as retry:
                wait = self._backoff(attempt, retry.retry_after)
                if attempt >= min(_MAX_ATTEMPTS, retry.max_attempts) or self.clock() + wait >= deadline:
                    raise retry.final from None
                self._note(f"retrying GET {path} in {wait:.1f}s: {retry.final.message}")
                self.sleep(wait)

    def _backoff(self, attempt, retry_after):
        if retry_after is not None:
            return min(max(retry_after, 0.0), _BACKOFF_MAX * 2)
        base = min(_BACKOFF_START * (2 ** (attempt - 1)), _BACKOFF_MAX)
        return base * (0.8 + 0.4 * random.random())

    def _get_once(self, path, query, deadline):
        remaining = max(0.1, deadline - self.clock())
        started = self.clock()
        status = body = None
        try:
            response = self._call(path, query, remaining)
            status = response.status
            body = response.data
        except Exception as err:  # the client raises ApiException or urllib3 errors
            status = getattr(err, "status", None)
            body = getattr(err, "body", None)
            raise self._translate(err, path) from None
        finally:
            self._log_request(path, query, status, started)
            self._log_body(body)
        try:
            return json.loads(body)
        except ValueError:
            raise _Retryable(UnreachableError(f"the server sent a malformed or truncated reply to GET {path}")) from None

    def _call(self, path, query, read_timeout, connect_timeout=None):
        params = list(_sent(query).items())
        connect_timeout = min(connect_timeout or read_timeout, 10.0)
        return self.api_client.call_api(
            path, "GET", query_params=params, header_params={"Accept": "application/json"},
            auth_settings=["BearerToken"], _preload_content=False, _return_http_data_only=True,
            _request_timeout=(connect_timeout, read_timeout))

    def open_stream(self, path, query, read_timeout):
        """Start a watch: returns the raw urllib3 response to read line by line."""
        started = self.clock()
        status = None
        try:
            response = self._call(path, query, read_timeout, connect_timeout=self.timeout)
            status = response.status
            return response
        except Exception as err:
            status = getattr(err, "status", None)
            translated = self._translate(err, path)
            raise (translated.final if isinstance(translated, _Retryable) else translated) from None
        finally:
            self._log_request(path, query, status, started)

    def _translate(self, err, path):
        err = _client_failure(err)
        status = getattr(err, "status", None)
        if status:
            error = api_error(status, getattr(err, "body", None), path)
            if status in RETRYABLE_STATUS:
                return _Retryable(error, _retry_after(getattr(err, "headers", None)))
            return error
        tls_reason = _tls_failure(err)
        if tls_reason:  # retrying cannot make a certificate valid: say why at once
            hint = _TLS_HINT if "certificate" in tls_reason else _TLS_PROTOCOL_HINT
            return UnreachableError(f"unable to connect to the server {self.server}: {tls_reason}", hint=hint)
        message = _connection_message(err, self.server, path)
        # Nobody listens: try once more (an API server restarting), then say so at once.
        attempts = _REFUSED_ATTEMPTS if "refused" in message else _MAX_ATTEMPTS
        return _Retryable(UnreachableError(message), max_attempts=attempts)

    def _log_request(self, path, query, status, started):
        """klog's levels as kubectl uses them: 6 the request line, 7 its headers (credentials masked)."""
        if self.verbose < LOG_REQUESTS:
            return
        elapsed_ms = (self.clock() - started) * 1000
        sent = _sent(query)
        url = path + ("?" + urlencode(sent, safe=",=()!") if sent else "")
        self.log(f"I GET {self.server}{url} {status or 'ERR'} in {elapsed_ms:.0f} milliseconds")
        if self.verbose >= LOG_HEADERS:
            self.log("I Request Headers:")
            for name, value in _request_headers(self.api_client):
                self.log(f"I     {name}: {value}")

    def _log_body(self, body):
        """Level 8: the response body, truncated to 1024 characters (10240 at 9, whole at 10) as client-go does."""
        if self.verbose < LOG_BODIES or body is None:
            return
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        limit = None if self.verbose >= 10 else 10240 if self.verbose >= 9 else 1024
        if limit is not None and len(text) > limit:
            text = f"{text[:limit]} [truncated {len(text) - limit} chars]"
        self.log(f"I Response Body: {escape_terminal(text)}")

    def _note(self, line):
        if self.verbose >= LOG_REQUESTS:
            self.log(f"I {line}")


def _request_headers(api_client):
    """The headers every request carries, with the Authorization value masked as kubectl masks it."""
    headers = [("Accept", "application/json"), ("User-Agent", api_client.user_agent)]
    headers += sorted((name, value) for name, value in api_client.default_headers.items()
                      if name.lower() not in ("authorization", "user-agent"))
    api_key = api_client.configuration.api_key or {}
    if api_key.get("authorization") or api_key.get("BearerToken"):
        headers.append(("Authorization", "Bearer <masked>"))
    return headers


def _sent(query):
    """The query parameters that go on the wire: unset (None) ones are left out."""
    return {key: value for key, value in (query or {}).items() if value is not None}


class _Retryable(Exception):
    def __init__(self, final, retry_after=None, max_attempts=_MAX_ATTEMPTS):
        super().__init__(final.message)
        self.final = final
        self.retry_after = retry_after
        self.max_attempts = max_attempts


def _retry_after(headers):
    if not headers:
        return None
    value = headers.get("Retry-After") if hasattr(headers, "get") else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def api_error(status, body, path):
    """An ApiError from an HTTP status and a metav1.Status body."""
    message, reason = _status_message(body)
    if status == 401:
        return UnauthorizedError("the server has asked for the client to provide credentials (401 Unauthorized)",
                                 status, reason, hint="Check your kubeconfig credentials, or log in again.")
    if status == 403:
        return ForbiddenError(message or f"forbidden: GET {path}", status, reason)
    if status == 404:
        return NotFoundError(message or f"the server could not find the requested resource (GET {path})", status, reason)
    if status == 429:
        return ApiError(message or "the server is rate limiting requests (429 Too Many Requests)", status, reason)
    if status >= 500:
        detail = f": {message}" if message else ""
        return ApiError(f"the server answered {status} to GET {path}{detail}", status, reason)
    return ApiError(message or f"the server answered {status} to GET {path}", status, reason)


def _status_message(body):
    if not body:
        return None, None
    try:
        document = json.loads(body)
    except (ValueError, TypeError):
        return None, None
    if not isinstance(document, dict):
        return None, None
    message = document.get("message")
    return (message if isinstance(message, str) else None), document.get("reason")


_TLS_HINT = ("Pass the cluster's CA with --certificate-authority (or certificate-authority-data in the "
             "kubeconfig), or --insecure-skip-tls-verify to skip the check (insecure).")
_SSL_REASONS = (re.compile(r"(certificate verify failed: .*?)\.?\s*\(_ssl\.c"),
                re.compile(r"(certificate verify failed: [^(\n']*)"),
                re.compile(r"\[SSL: [A-Z0-9_]+\] (.*?)\s*\(_ssl\.c"),
                re.compile(r"\[SSL: [A-Z0-9_]+\] ([^(\n']*)"))
_TLS_PROTOCOL_HINT = "Check the server URL: is https:// right for that port, and is it the API server?"


def _client_failure(err):
    """The client's own error: for a TLS failure the kubernetes client raises ApiException(status=0)
    and then trips over its empty body (`None.decode`), so the ApiException is the AttributeError's context."""
    seen = err
    while seen is not None:
        if type(seen).__name__ == "ApiException" or getattr(seen, "status", None):
            return seen
        seen = seen.__context__
    return err


def _tls_failure(err):
    """The reason of a failed TLS handshake (e.g. "certificate verify failed: self-signed certificate"), else None."""
    text = f"{getattr(err, 'reason', '') or ''} {err}"
    if "SSLError" not in text and "CERTIFICATE_VERIFY_FAILED" not in text and "[SSL" not in text:
        return None
    for pattern in _SSL_REASONS:
        match = pattern.search(text)
        if match:
            return match.group(1).strip()
    return "TLS handshake failed"


def _connection_message(err, server, path):
    text = str(err)
    lowered = text.lower()
    if "incompleteread" in lowered or "connection broken" in lowered or "protocolerror" in type(err).__name__.lower():
        return f"the connection to {server} broke while reading the reply to GET {path}"
    if "timed out" in lowered or "timeout" in lowered:
        return f"the server at {server} did not answer in time"
    if "refused" in lowered:
        return f"the connection to the server {server} was refused - is the cluster reachable?"
    if "certificate" in lowered or "ssl" in lowered:
        return f"TLS error talking to {server}: {text.splitlines()[0][:200]}"
    return f"unable to connect to the server {server}: {_short_reason(err)}"


def _short_reason(err):
    reason = getattr(err, "reason", None) or err
    text = str(reason).splitlines()[0] if str(reason) else type(err).__name__
    return text[:200]
