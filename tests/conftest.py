import pytest

from tests.support.fakeapi import FakeApiServer
from tests.support.kubeconfig import write_kubeconfig


@pytest.fixture
def fake_api():
    with FakeApiServer() as server:
        yield server


@pytest.fixture
def kubeconfig_for(tmp_path):
    """kubeconfig_for(server, namespace=None, token=None) -> path of a real kubeconfig file."""
    def make(server, namespace=None, token=None):
        return write_kubeconfig(tmp_path / "kubeconfig", server.url, namespace=namespace, token=token)
    return make
