"""Reading drafts from files and standard input: decoding, binary and size checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from postguard.errors import InputError

MAX_BYTES = 5 * 1024 * 1024


def _check_size(size: int, name: str) -> None:
    if size > MAX_BYTES:
        raise InputError(
            f"{name}: too large ({size / 1_048_576:.1f} MB; postguard checks drafts up to "
            f"{MAX_BYTES // 1_048_576} MB), skipped"
        )


def decode(raw: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else a clear :class:`InputError`."""
    _check_size(len(raw), name)
    if b"\0" in raw[:8192]:
        raise InputError(f"{name}: binary file (contains NUL bytes), skipped")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not UTF-8 text (undecodable byte 0x{raw[exc.start]:02x} at byte {exc.start}), skipped"
        ) from None
    return text


def read_source(path: Path) -> str:
    with _reading(path):
        if path.is_dir():
            raise InputError(f"{path}: is a directory")
        _check_size(path.stat().st_size, str(path))
        raw = path.read_bytes()
    return decode(raw, str(path))


def read_image(path: Path) -> bytes:
    """The bytes of an image file, with the image size limit (the pixels are checked when decoded)."""
    from postguard.images import MAX_BYTES

    with _reading(path):
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(
                f"{path}: image too large ({size / 1_048_576:.1f} MB; postguard checks images up to "
                f"{MAX_BYTES // 1_048_576} MB), skipped"
            )
        return path.read_bytes()


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """The operating system's errors while reading ``path``, as the one wording of every reader."""
    try:
        yield
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
