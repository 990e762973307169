"""Recordings sealed each under its own key; erasure destroys the key (crypto-shredding)."""

from __future__ import annotations

import os

import pytest

from charte.adapters.recording_vault import SEGMENT, DirectoryBlobs, Keyring, Vault, VaultError


@pytest.fixture
def vault(tmp_path):
    return Vault(Keyring(tmp_path / "keyring", b"m" * 32), DirectoryBlobs(tmp_path / "blobs"))


@pytest.mark.parametrize("size", [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 17])
def test_a_recording_reads_back_exactly_and_its_blob_holds_no_plaintext(vault, tmp_path, size):
    """Charter: recordings "destinés aux seules personnes habilitées" — ciphertext at rest, whole on reading."""
    audio = os.urandom(size)
    assert vault.seal("audio-1", (audio[i : i + 5000] for i in range(0, size, 5000))) == size
    assert b"".join(vault.open("audio-1")) == audio
    stored = (tmp_path / "blobs" / "audio-1").read_bytes()
    assert size < 32 or audio[:32] not in stored


def test_a_cut_reordered_or_edited_recording_is_refused_rather_than_played(vault, tmp_path):
    """GDPR Art. 32(1)(b): integrity — a truncated or altered recording is detected, never half-played."""
    vault.seal("audio-1", [os.urandom(3 * SEGMENT)])
    path = tmp_path / "blobs" / "audio-1"
    whole = path.read_bytes()
    header, body = whole[:13], whole[13:]
    block = SEGMENT + 16
    segments = [body[i : i + block] for i in range(0, len(body), block)]
    for damaged in (
        header + b"".join(segments[:-1]),  # the last segment cut off
        header + segments[1] + segments[0] + b"".join(segments[2:]),  # two swapped
        whole[:-1] + bytes([whole[-1] ^ 1]),  # one bit flipped
    ):
        path.write_bytes(damaged)
        with pytest.raises(VaultError):
            b"".join(vault.open("audio-1"))


def test_once_shredded_no_copy_of_the_blob_can_be_decrypted(vault, tmp_path):
    """Charter: recordings kept six months, then erased — for real, backups of the audio included."""
    vault.seal("audio-1", [b"allo, ici la centrale" * 1000])
    copy = (tmp_path / "blobs" / "audio-1").read_bytes()
    vault.shred("audio-1")
    assert not (tmp_path / "keyring" / "audio-1").exists()
    (tmp_path / "blobs" / "audio-1").write_bytes(copy)  # the audio restored from a backup
    with pytest.raises(VaultError, match="key was destroyed"):
        vault.open("audio-1")


def test_a_key_wrapped_under_another_master_key_does_not_open(tmp_path, vault):
    """The master key, kept outside the database, is needed to unwrap any recording's key."""
    vault.seal("audio-1", [b"x"])
    other = Vault(Keyring(tmp_path / "keyring", b"n" * 32), DirectoryBlobs(tmp_path / "blobs"))
    with pytest.raises(VaultError, match="does not open with this master key"):
        other.open("audio-1")
