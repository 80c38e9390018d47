"""Kueue facts: Workloads, queues, the manager configuration, and what Kueue sees of a pod (pure)."""
