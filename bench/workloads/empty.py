"""Start-up only: subtracted from the other workloads' times."""
