"""The ledger: a Durable Object per grant (or nonce) that can be spent exactly once.

KV cannot make anything single-use: it is eventually consistent, so two requests at
two locations can both see "unused". A Durable Object is one instance worldwide with
transactional storage, and it runs one call at a time, so the read-then-write in
``spend`` cannot interleave with another ``spend`` of the same id. An alarm deletes
the record once the thing it guards has expired and can no longer be presented.
"""

from __future__ import annotations

from typing import Any

from workers import DurableObject  # type: ignore[import-not-found]

from kalos.errors import StorageUnavailable

# Keep a record a little past expiry, so clock skew and leeway never reopen it.
CLEANUP_DELAY_SECONDS = 120


class GrantLedger(DurableObject):  # type: ignore[misc]
    """One spendable thing: the first ``spend`` wins, every later one loses."""

    async def spend(self, expires_at: int) -> bool:
        """Mark this id spent; True only for the first caller."""
        storage = self.ctx.storage
        if await storage.get("spent") is not None:
            return False

        await storage.put("spent", int(expires_at))
        await storage.setAlarm((int(expires_at) + CLEANUP_DELAY_SECONDS) * 1000)
        return True

    async def alarm(self, *_info: Any) -> None:
        """The guarded grant or nonce has expired: forget it."""
        await self.ctx.storage.deleteAll()


async def spend_once(ledger: Any, name: str, expires_at: int) -> bool:
    """Spend ``name`` in the ledger namespace ``ledger``; False if already spent.

    Raises ``StorageUnavailable`` when the ledger cannot be reached, so a caller
    never mistakes an outage for permission.
    """
    try:
        stub = ledger.get(ledger.idFromName(name))
        return bool(await stub.spend(expires_at))
    except Exception as exc:
        raise StorageUnavailable("the grant ledger could not be reached") from exc
