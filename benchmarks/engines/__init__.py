"""One module per engine; each builds a `step()` callable per workload."""
