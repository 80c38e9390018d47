"""`explain -f`: what Kueue would do with the pods of Argo manifests (pure)."""
