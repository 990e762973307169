"""The keyed HMAC that stands for a ref in the ledger, tombstones and the audit (adapters.ref_hmac)."""

from __future__ import annotations

import hashlib
import hmac
import threading

from charte.adapters.ref_hmac import RefHasher


def test_a_ref_hashes_to_the_rfc_2104_hmac_sha256_of_its_utf8_bytes_whatever_came_before():
    """Tombstones and erasure proofs are found again by the same HMAC (GDPR Art. 17, 5(2)):
    the key's precomputed state never carries one ref's bytes into the next."""
    key = b"k" * 32
    hasher = RefHasher(key)
    for ref in ("person:P1", "person:P1", "site:S-ł-2", "", "person:P1" * 40):
        assert hasher(ref) == hmac.new(key, ref.encode(), hashlib.sha256).hexdigest()


def test_threads_hashing_at_once_each_get_their_own_refs_hmac():
    """The serving process hashes refs from many request threads at once."""
    key = b"t" * 32
    hasher = RefHasher(key)
    wrong: list[str] = []

    def work(i: int) -> None:
        for n in range(2000):
            ref = f"person:P{i}-{n}"
            if hasher(ref) != hmac.new(key, ref.encode(), hashlib.sha256).hexdigest():
                wrong.append(ref)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert wrong == []
