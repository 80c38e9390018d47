"""Argo facts: the Workflow node tree, its pods, and the Workflow spec (pure)."""
