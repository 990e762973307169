"""Recordings in an S3-compatible object store, through boto3 against a real S3 endpoint
served on loopback (moto's server): sealing, reading and crypto-shredding as with a directory."""

from __future__ import annotations

import socket

import boto3
import pytest
from moto.server import ThreadedMotoServer

from charte.adapters.db import migrate
from charte.adapters.recording_vault import S3Blobs, VaultError
from charte.bootstrap import bootstrap
from charte.config import Settings, shipped_policy_path
from charte.services import calls
from charte.services.access import Reader
from tests.conftest import TEST_KEY, TODAY, run_import
from tests.fakes import FixedClock
from tests.feed import call

AUDIO = bytes(range(256)) * 1000


@pytest.fixture
def s3(monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    for name, value in (("AWS_ACCESS_KEY_ID", "test"), ("AWS_SECRET_ACCESS_KEY", "test"),
                        ("AWS_DEFAULT_REGION", "eu-west-3")):  # fmt: skip
        monkeypatch.setenv(name, value)
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(
        Bucket="calls", CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
    )
    try:
        yield endpoint
    finally:
        server.stop()


def test_recordings_go_to_an_s3_bucket_sealed_and_are_shredded_there(s3, tmp_path):
    """Any S3-compatible store through a maintained library; erasure destroys the key."""
    settings = Settings(policy_path=shipped_policy_path(), home=tmp_path / "home",
                        database_url=f"sqlite:///{tmp_path / 'charte.db'}", field_key=TEST_KEY,
                        blobs="s3://calls/prod/", s3_endpoint=s3)  # fmt: skip
    app = bootstrap(settings, clock=FixedClock(TODAY))
    migrate.upgrade(app.engine)
    assert isinstance(app.vault.blobs, S3Blobs)
    run_import(app, [call("e1", "2026-11-20T10:00:00+01:00", "CALL-1")])
    app.calls().attach_audio("CALL-1", [AUDIO[:100_000], AUDIO[100_000:]])
    client = boto3.client("s3", endpoint_url=s3)
    (stored,) = client.list_objects_v2(Bucket="calls", Prefix="prod/")["Contents"]
    assert stored["Key"] == "prod/audio-1"
    body = client.get_object(Bucket="calls", Key="prod/audio-1")["Body"].read()
    assert AUDIO[:256] not in body
    reader = Reader("q-1", "quality_reviewer", "quality_monitoring")
    assert b"".join(calls.play(app.call_desk(), reader, "CALL-1")) == AUDIO
    app.vault.shred("audio-1")
    assert client.list_objects_v2(Bucket="calls", Prefix="prod/").get("KeyCount") == 0
    client.put_object(Bucket="calls", Key="prod/audio-1", Body=body)  # the bucket's backup restored
    with pytest.raises(VaultError, match="key was destroyed"):
        b"".join(calls.play(app.call_desk(), reader, "CALL-1"))
    app.engine.dispose()
