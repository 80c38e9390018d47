import pytest

from tests.support.fakeapi import FakeApiServer
from tests.support.check_reference import missing_reference
from tests.support.kubeconfig import write_kubeconfig


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite tests/golden/expected/*.txt from the current output (review with git diff)")


@pytest.fixture
def update_goldens(request):
    return request.config.getoption("--update-goldens")


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


def pytest_terminal_summary(terminalreporter):
    missing = missing_reference()
    if missing:
        terminalreporter.write_line(
            f"WARNING: the shared reference data is missing ({'; '.join(missing)}): the tests that use it were "
            f"skipped or not collected. .ci/run fails in this case.", red=True, bold=True)
