"""Key/value settings kept with the data (sync state, the last service day, markers)."""

from __future__ import annotations

from kiosk.store.transactions import WriterBase


class Meta(WriterBase):
    """Writing meta values, and the write probe (part of :class:`kiosk.store.Store`)."""

    def set_meta(self, key: str, value: str | None) -> None:
        with self._tx() as conn:
            self._set_meta(conn, key, value)

    def probe_writable(self, size_bytes: int = 16384) -> None:
        """Check that a write of about a ticket's size would succeed now: write and delete a
        probe row in one transaction. Raises StoreError (disk full, read-only...)."""
        with self._tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('write_probe', ?)",
                ("x" * size_bytes,),
            )
            conn.execute("DELETE FROM meta WHERE key = 'write_probe'")
