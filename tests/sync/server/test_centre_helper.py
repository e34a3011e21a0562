"""tests/support/centre.py itself: the agent's end-to-end tests lean on it, so it must stop,
start again on the same port, and inject faults as it says."""

from __future__ import annotations

import pytest
import requests

from tests.sync.server.helpers import TIMEOUT, Device


def test_faults_stop_and_start(centre) -> None:
    dev = Device(centre)
    url = centre.api_url + "/time"
    centre.faults.fail(503, times=2, match=lambda method, path: path.endswith("/time"))
    assert [dev.session.get(url, timeout=TIMEOUT).status_code for _ in range(3)] == [503, 503, 200]
    assert centre.faults.injected == 2
    port = centre.port
    centre.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(url, timeout=TIMEOUT)
    centre.start()
    assert centre.port == port
    assert requests.get(url, headers={"Authorization": f"Bearer {dev.credential}"}, timeout=TIMEOUT).status_code == 200


def test_it_serves_https_with_a_test_ca(centre_url, tmp_path) -> None:
    from tests.support.centre import running_centre
    from tests.support.tls_ca import make_test_ca

    ca = make_test_ca(tmp_path / "ca")
    with running_centre(centre_url, tmp_path / "c", ssl_certfile=str(ca.server_cert),
                        ssl_keyfile=str(ca.server_key)) as centre:
        assert centre.base_url.startswith("https://localhost:")
        assert requests.get(centre.base_url + "/healthz", verify=str(ca.ca_cert), timeout=TIMEOUT).json() == {"ok": True}
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(centre.base_url + "/healthz", timeout=TIMEOUT)  # not trusted without the city's CA
