"""kubectl kueue-argo: Kueue queueing for Argo Workflow steps."""

__version__ = "0.1.0"
