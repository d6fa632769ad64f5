"""The client's address behind reverse proxies (accounts/limits.py)."""

import pytest
from django.test import RequestFactory

from accounts.limits import client_ip


def request_from(remote_addr: str, forwarded_for: str | None = None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, headers=headers)


class TestClientAddress:
    def test_without_a_proxy_the_header_is_ignored(self, settings):
        settings.PROXY_COUNT = 0
        assert client_ip(request_from("203.0.113.5", "192.0.2.1")) == "203.0.113.5"

    @pytest.mark.parametrize(
        ("forwarded_for", "client"),
        [
            ("203.0.113.5", "203.0.113.5"),  # the proxy sets the header
            ("192.0.2.1, 203.0.113.5", "203.0.113.5"),  # it appends to what the client sent
            ("192.0.2.1,203.0.113.5", "203.0.113.5"),
            ("2001:db8::0:1", "2001:db8::1"),
        ],
    )
    def test_behind_one_proxy_the_last_address_is_the_clients(
        self, settings, forwarded_for, client
    ):
        settings.PROXY_COUNT = 1
        assert client_ip(request_from("10.0.0.1", forwarded_for)) == client

    def test_behind_two_proxies_the_second_address_from_the_right_is_the_clients(self, settings):
        settings.PROXY_COUNT = 2
        request = request_from("10.0.0.2", "192.0.2.1, 203.0.113.5, 10.0.0.1")
        assert client_ip(request) == "203.0.113.5"

    @pytest.mark.parametrize("forwarded_for", [None, "", "nonsense", "203.0.113.5:4711"])
    def test_a_missing_or_broken_header_counts_as_the_proxys_own_address(
        self, settings, forwarded_for
    ):
        settings.PROXY_COUNT = 1
        assert client_ip(request_from("10.0.0.1", forwarded_for)) == "10.0.0.1"

    def test_a_header_shorter_than_the_chain_of_proxies_counts_as_the_connections_address(
        self, settings
    ):
        settings.PROXY_COUNT = 2
        assert client_ip(request_from("10.0.0.2", "203.0.113.5")) == "10.0.0.2"
