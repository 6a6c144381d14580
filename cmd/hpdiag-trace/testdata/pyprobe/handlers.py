def handle(path, status, tag="original"):
    """Returns what it was called with, so the app shows what custom code did."""
    return (path, status, type(status).__name__, tag)
