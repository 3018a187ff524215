"""`python -m extractor.testing --port 8000 --latency 0.25 --capacity 64`: run the fake endpoint."""

from .server import main

main()
