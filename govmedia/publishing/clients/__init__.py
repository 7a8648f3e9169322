"""HTTP clients of the channels' public APIs, and loopback fakes that speak them.

No Django here (import-linter contract "framework-free"): a client takes its
credentials and endpoint as arguments and raises its own typed errors; the
publishers in `publishing.publishers` turn those into deliveries. Each
`fake_<channel>.py` serves the same API on 127.0.0.1 for the tests, the
benchmark and the demo city, including its documented errors.
"""
