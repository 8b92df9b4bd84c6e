"""User-facing errors: the CLI prints their message as one line and exits non-zero."""


class RpsError(Exception):
    """Something the user can fix (bad path, unknown device, no camera): no traceback shown."""

    exit_code = 2


class SourceError(RpsError):
    """A frame source could not be opened or stopped delivering frames."""


class ModelError(RpsError):
    """A model file is missing, corrupt or does not fit what rps expects."""


class DeviceError(RpsError):
    """An inference device is unknown or failed to compile the model."""
