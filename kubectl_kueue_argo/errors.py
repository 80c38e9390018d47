"""Errors the CLI turns into `error: ...` on stderr and an exit code."""

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_FINDINGS = 3


class PluginError(Exception):
    """An error with a one-line message meant for the user."""

    exit_code = EXIT_ERROR

    def __init__(self, message, hint=None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(PluginError):
    exit_code = EXIT_USAGE


class InputError(PluginError):
    """A file or stdin document could not be read or parsed."""


class ConfigError(PluginError):
    """No usable kubeconfig, context or credentials."""


class ApiError(PluginError):
    """The API server answered with an error status."""

    def __init__(self, message, status=None, reason=None, hint=None):
        super().__init__(message, hint=hint)
        self.status = status
        self.reason = reason


class NotFoundError(ApiError):
    pass


class ForbiddenError(ApiError):
    pass


class UnauthorizedError(ApiError):
    pass


class UnreachableError(PluginError):
    """The API server could not be reached or did not answer in time."""
