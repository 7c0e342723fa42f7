"""A sweep on a Dask cluster that speaks only TLS gives the same results as one in process.

The test makes its own certificate authority and one certificate for the scheduler,
workers and client (``cryptography``), starts a ``LocalCluster`` on ``tls://127.0.0.1``
with ``require_encryption=True``, and runs the world model through herz's Dask runner,
once with a ``Client`` and once with the scheduler's address and a ``Security``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from distributed import Client, LocalCluster
from distributed.security import Security

from herz.errors import ParameterError
from herz.experiment import DaskRunner, parse_scenario, query, sweep
from tests.experiment.experiment_helpers import world_text

SCENARIO = world_text(name="tls-sweep", seed=77, steps=20, replicates=4)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_certificates(directory: Path) -> dict[str, str]:
    """A CA and one leaf certificate (server and client use) for 127.0.0.1; PEM files."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("herz test CA")).issuer_name(_name("herz test CA"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                       key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, key_cert_sign=True, crl_sign=True,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name("herz-dask")).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                  ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    files = {"ca": directory / "ca.pem", "cert": directory / "node.pem", "key": directory / "node-key.pem"}
    files["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files["key"].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
    files["key"].chmod(0o600)
    return {k: str(v) for k, v in files.items()}


def security(files: dict[str, str]) -> Security:
    return Security(
        tls_ca_file=files["ca"],
        tls_client_cert=files["cert"], tls_client_key=files["key"],
        tls_scheduler_cert=files["cert"], tls_scheduler_key=files["key"],
        tls_worker_cert=files["cert"], tls_worker_key=files["key"],
        require_encryption=True,
    )


@pytest.fixture(scope="module")
def tls_cluster(tmp_path_factory: pytest.TempPathFactory) -> Any:
    files = make_certificates(tmp_path_factory.mktemp("certs"))
    sec = security(files)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tls://",
                           host="127.0.0.1", security=sec, dashboard_address=None)
    try:
        yield cluster, sec, files
    finally:
        cluster.close()


def _rows(path: Path) -> pd.DataFrame:
    return query(path, "SELECT * FROM results ORDER BY point, replicate")


def test_tls_sweep_equals_the_plain_one(tmp_path: Path, tls_cluster: Any) -> None:
    cluster, sec, _ = tls_cluster
    assert cluster.scheduler_address.startswith("tls://127.0.0.1:")
    sc = parse_scenario(SCENARIO)
    plain = sweep(sc, output=tmp_path / "plain", runner="inprocess")
    with Client(cluster, security=sec) as client:
        over_tls = sweep(sc, output=tmp_path / "tls", runner=DaskRunner(client))
    by_address = sweep(sc, output=tmp_path / "addr",
                       runner=DaskRunner(cluster.scheduler_address, security=sec))
    for res in (plain, over_tls, by_address):
        assert res.ok and res.done == 4 and res.failed == 0
    assert over_tls.runner == by_address.runner == "dask"
    ref = _rows(plain.path)
    assert len(ref) == 8 and set(ref["point"]) == {0, 1}
    pd.testing.assert_frame_equal(_rows(over_tls.path), ref)
    pd.testing.assert_frame_equal(_rows(by_address.path), ref)
    # the chunk files themselves are byte-identical
    for name in sorted(p.name for p in (plain.path / "chunks").glob("*.parquet")):
        assert (over_tls.path / "chunks" / name).read_bytes() == (plain.path / "chunks" / name).read_bytes()


def test_a_client_without_the_right_certificates_is_refused(tmp_path: Path, tls_cluster: Any) -> None:
    cluster, _, files = tls_cluster
    # The cluster requires encryption: plain TCP to its port gets no connection.
    plain_address = cluster.scheduler_address.replace("tls://", "tcp://")
    with pytest.raises(ParameterError, match="cannot reach the Dask scheduler"):
        with DaskRunner(plain_address, security=Security()):
            pass
    # A certificate from another authority fails the handshake (the scheduler checks it).
    other = make_certificates(tmp_path)
    stranger = Security(tls_ca_file=files["ca"], tls_client_cert=other["cert"],
                        tls_client_key=other["key"], require_encryption=True)
    with pytest.raises(ParameterError, match="cannot reach the Dask scheduler"):
        with DaskRunner(cluster.scheduler_address, security=stranger):
            pass
    # No client certificate at all: TLS cannot even be set up; a clean error, not a TypeError.
    with pytest.raises(ParameterError, match="cannot reach the Dask scheduler"):
        with DaskRunner(cluster.scheduler_address, security=Security(tls_ca_file=files["ca"])):
            pass
