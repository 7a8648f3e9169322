"""Tools above every app: the 示例市 demo data and the test suite's people.

Nothing in the apps imports this package; it imports them all (see the
import contracts in pyproject.toml and docs/architecture).
"""
