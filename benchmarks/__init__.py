"""Speed and scale figures, printed (``make bench``); not timed tests."""
