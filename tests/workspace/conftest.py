"""Settings of the workspace tests."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: builds a whole book (about a minute); still part of `make test`")
