"""The correlation of nodes, pods and Workloads, and the views built on it: status, overview, timeline (pure)."""
