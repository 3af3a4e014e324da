"""People's Feishu user tokens, Fernet-encrypted with a key derived from
YUE_SECRET_KEY (or a generated `<var_dir>/secret.key`)."""
from __future__ import annotations

import base64
import logging
import os
import secrets
import threading
from datetime import datetime
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, select

from bot.store.core import StoreCore, _aware
from bot.store.tables import UserToken, user_tokens

log = logging.getLogger("yue.store")

# HKDF salt/info are constants on purpose: the key must be re-derivable from YUE_SECRET_KEY alone.
_HKDF_SALT = b"yue.store.v1"
_HKDF_INFO = b"user-tokens"


def derive_fernet_key(secret: str) -> bytes:
    """Any string (YUE_SECRET_KEY) → a Fernet key, with HKDF-SHA256."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO).derive(secret.encode())
    return base64.urlsafe_b64encode(raw)


class TokenStore(StoreCore):
    """Each person's user tokens, encrypted at rest."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fernet: Fernet | None = None
        self._fernet_lock = threading.Lock()

    def _cipher(self) -> Fernet:
        with self._fernet_lock:
            if self._fernet is None:
                self._fernet = Fernet(derive_fernet_key(self._secret_key or self._var_secret()))
            return self._fernet

    def _var_secret(self) -> str:
        """The key in `<var_dir>/secret.key`, created (0600) on first use.

        Written to a private temp file and hard-linked into place, so a racing
        process either wins the link or reads a complete key, never half of one.
        """
        path = self.var_dir / "secret.key"
        if not path.exists():
            self.var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            tmp = self.var_dir / f".secret.key.{os.getpid()}.{secrets.token_hex(4)}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "w") as f:
                    f.write(secrets.token_urlsafe(32) + "\n")
                    f.flush()
                    os.fsync(f.fileno())
                try:
                    os.link(tmp, path)
                    log.info("generated a new secret key in %s (set YUE_SECRET_KEY to manage it yourself)", path)
                except FileExistsError:
                    pass
            finally:
                tmp.unlink(missing_ok=True)
        secret = path.read_text().strip()
        if not secret:
            raise RuntimeError(f"{path} is empty; delete it or set YUE_SECRET_KEY")
        return secret

    def save_user_token(
        self,
        open_id: str,
        access_token: str,
        refresh_token: str,
        expires_at: datetime,
        refresh_expires_at: datetime | None = None,
    ) -> None:
        """Store (or replace) a person's tokens, each Fernet-encrypted."""
        f = self._cipher()
        values = {
            "access_token": f.encrypt(access_token.encode()).decode(),
            "refresh_token": f.encrypt(refresh_token.encode()).decode(),
            "expires_at": _aware(expires_at, "expires_at"),
            "refresh_expires_at": (None if refresh_expires_at is None
                                   else _aware(refresh_expires_at, "refresh_expires_at")),
            "updated_at": self.now(),
        }
        with self._tx() as c:
            self._upsert(c, user_tokens, {"open_id": open_id}, values)

    def get_user_token(self, open_id: str) -> UserToken | None:
        """The person's decrypted tokens, or None if there are none or they
        cannot be decrypted (the key changed): the person is asked to connect
        again, which overwrites the unreadable row."""
        with self._tx(write=False) as c:
            row = c.execute(select(user_tokens).where(user_tokens.c.open_id == open_id)).first()
        if row is None:
            return None
        f = self._cipher()
        try:
            access = f.decrypt(row.access_token.encode()).decode()
            refresh = f.decrypt(row.refresh_token.encode()).decode()
        except (InvalidToken, ValueError):
            log.warning("stored user token for %s cannot be decrypted with the current secret key "
                        "(YUE_SECRET_KEY changed?); treating it as absent", open_id)
            return None
        return UserToken(open_id=row.open_id, access_token=access, refresh_token=refresh,
                         expires_at=row.expires_at, refresh_expires_at=row.refresh_expires_at)

    def delete_user_token(self, open_id: str) -> bool:
        with self._tx() as c:
            return c.execute(delete(user_tokens).where(user_tokens.c.open_id == open_id)).rowcount == 1

