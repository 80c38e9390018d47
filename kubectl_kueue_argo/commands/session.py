"""Opens the source a command reads from: files (--from-file) or the cluster in the kubeconfig."""
import sys

from kubectl_kueue_argo.sources.files import FileCluster
from kubectl_kueue_argo.sources.kubeconfig import new_api_client, resolve
from kubectl_kueue_argo.sources.manifests import load_documents


class Session:
    def __init__(self, options, stdin=None):
        self.options = options
        self.stdin = stdin or sys.stdin
        self._resolved = None
        self._cluster = None

    @property
    def offline(self):
        return bool(self.options.from_files)

    def connection(self):
        return self.options

    def resolved(self):
        if self._resolved is None:
            self._resolved = resolve(self.connection())
        return self._resolved

    def namespace(self):
        """-n, else (live) the context's namespace; offline, None means "wherever it is"."""
        if self.offline:
            return self.options.namespace
        return self.resolved().namespace

    def files(self):
        if self._cluster is None:
            stdin_text = self.stdin.read() if "-" in self.options.from_files else None
            documents = [document for _, document in load_documents(self.options.from_files, stdin_text, kinds=None)]
            self._cluster = FileCluster(documents)
        return self._cluster

    def live(self):
        if self._cluster is None:
            from kubectl_kueue_argo.commands.options import parse_request_timeout
            from kubectl_kueue_argo.sources.live import LiveCluster
            from kubectl_kueue_argo.sources.transport import Transport

            api_client = new_api_client(self.resolved(), self.connection())
            transport = Transport(api_client, request_timeout=parse_request_timeout(self.options.request_timeout),
                                  verbose=self.options.verbose)
            self._cluster = LiveCluster(transport)
        return self._cluster

    def now(self):
        """Now; offline, the moment of the snapshot. KUEUE_ARGO_NOW pins it."""
        from kubectl_kueue_argo.commands.options import clock_pinned, now_for
        pinned = now_for()
        if self.offline and not clock_pinned():
            return self.files().snapshot_time() or pinned
        return pinned

    def status_snapshot(self, workflow_name, *, with_cluster_config=False):
        if self.offline:
            return self.files().snapshot_for_workflow(workflow_name, self.namespace())
        return self.live().snapshot_for_workflow(self.namespace(), workflow_name,
                                                 with_cluster_config=with_cluster_config)


_KEPT = []


def keep_until_exit(*objects):
    """Hold large objects (a snapshot, a report) until the process ends: cli.main exits with
    os._exit, so they are never freed one by one. In-process callers release them."""
    _KEPT.extend(objects)


def release_kept():
    _KEPT.clear()
