"""Signed packs: minisign signatures (Ed25519), made and checked with py-minisign.

A signature sits beside its pack as ``PACK.toml.minisig``, exactly as the
``minisign`` tool writes and reads it, so a compliance team can sign with
either (``minisign -S -m PACK.toml`` or ``postguard pack sign``). A config with
``pack_keys`` (minisign public keys, ``RWQ...``) accepts only packs whose
signature one of those keys made.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from postguard.errors import ConfigError

if TYPE_CHECKING:
    import minisign

SIG_SUFFIX = ".minisig"


def signature_path(pack: Path) -> Path:
    return pack.with_name(pack.name + SIG_SUFFIX)


def parse_public_key(text: str) -> minisign.PublicKey:
    """A minisign public key: the base64 line (``RWQ...``) or a whole ``.pub`` file's text."""
    import minisign  # imported on use: most runs never check a signature

    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        raise ValueError("empty public key")
    key_line = lines[-1] if lines[0].startswith("untrusted comment:") else lines[0]
    try:
        return minisign.PublicKey.from_base64(key_line)
    except (minisign.Error, ValueError) as exc:
        raise ValueError(f"not a minisign public key ({exc})") from None


def verify_pack_bytes(data: bytes, signature: bytes | None, keys: Sequence[str], what: str) -> str:
    """Check ``signature`` (a ``.minisig`` file's bytes) over ``data`` against ``keys``.

    Returns the signature's trusted comment; raises :class:`ConfigError` naming
    ``what`` when the pack is unsigned or no key made the signature.
    """
    import minisign  # imported on use: most runs never check a signature

    if signature is None:
        raise ConfigError(
            "not signed, and pack_keys requires a signature: sign it (`postguard pack sign` or "
            f"`minisign -S`) and ship {Path(what).name}{SIG_SUFFIX} beside it",
            path=what,
        )
    try:
        sig = minisign.Signature.from_bytes(signature)
    except (minisign.Error, ValueError) as exc:
        raise ConfigError(f"its signature file is not a minisign signature ({exc})", path=what) from None
    for text in keys:
        key = parse_public_key(text)
        try:
            key.verify(data, sig)
        except minisign.VerifyError:
            continue
        return str(sig.trusted_comment)
    raise ConfigError(
        "signature check failed: no key in pack_keys made this signature (the pack was changed after "
        "signing, or signed with another key)",
        path=what,
    )


def verify_pack_file(pack: Path, keys: Sequence[str]) -> str:
    """Check ``pack`` against its ``.minisig`` beside it (see :func:`verify_pack_bytes`)."""
    try:
        data = pack.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read rule pack: {exc.strerror or exc}", path=str(pack)) from None
    sig_file = signature_path(pack)
    signature = sig_file.read_bytes() if sig_file.is_file() else None
    return verify_pack_bytes(data, signature, keys, str(pack))


def load_secret_key(path: Path, password: str | None) -> minisign.SecretKey:
    """A minisign secret key file (as ``minisign -G`` writes it), decrypted with ``password`` if needed."""
    import minisign  # imported on use: most runs never check a signature

    try:
        key = minisign.SecretKey.from_file(path)
    except OSError as exc:
        raise ConfigError(f"cannot read the secret key: {exc.strerror or exc}", path=str(path)) from None
    except (minisign.Error, ValueError) as exc:
        raise ConfigError(f"not a minisign secret key ({exc})", path=str(path)) from None
    if key.is_encrypted():
        if password is None:
            raise ConfigError("the secret key is encrypted: give its password", path=str(path))
        try:
            key.decrypt(password)
        except minisign.Error:
            raise ConfigError("wrong password for this secret key", path=str(path)) from None
    return key


def sign_pack(pack: Path, key: minisign.SecretKey, *, comment: str = "") -> Path:
    """Write ``PACK.toml.minisig``; returns its path. The trusted comment names the file and the time."""
    data = pack.read_bytes()
    trusted = comment or f"timestamp:{int(time.time())}\tfile:{pack.name}\tprehashed"
    sig = key.sign(data, prehash=True, trusted_comment=trusted)
    out = signature_path(pack)
    out.write_bytes(bytes(sig) + b"\n")
    return out


def generate_keypair(secret: Path, public: Path, password: str | None) -> str:
    """A new minisign key pair written to ``secret`` (encrypted when ``password``) and ``public``.

    Returns the public key's base64 line, for ``pack_keys``.
    """
    import minisign  # imported on use: most runs never check a signature

    pair = minisign.KeyPair.generate()
    if password:
        pair.secret_key.encrypt(password)
    secret.write_bytes(bytes(pair.secret_key) + b"\n")
    secret.chmod(0o600)
    public.write_bytes(bytes(pair.public_key) + b"\n")
    return str(pair.public_key.to_base64().decode())
