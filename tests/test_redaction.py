"""Redaction of what leaves the process with a handoff: every kind of sensitive value becomes a
placeholder of its kind, the same value the same placeholder; look-alikes stay."""

from __future__ import annotations

import pytest

from knowledge.redaction import Redactor, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Addresses, the same one always the same placeholder.
        (
            "curl: (7) Failed to connect to 192.168.10.36 port 80: Connection refused",
            "curl: (7) Failed to connect to [ipv4-1] port 80: Connection refused",
        ),
        (
            "from 10.0.0.5 to 192.168.10.36, then 10.0.0.5:8080",
            "from [ipv4-1] to [ipv4-2], then [ipv4-1]:8080",
        ),
        ("subnet 172.16.0.0/16", "subnet [ipv4-1]/16"),
        ("pod fe80::1ff:fe23:4567:890a, lb 2001:db8::1", "pod [ipv6-1], lb [ipv6-2]"),
        ("ELB ingress ip: '100.85.12.7'", "ELB ingress ip: '[ipv4-1]'"),
        # People and hosts.
        ("ping joe.doe@example.com please", "ping [email-1] please"),
        ("curl https://api.shop.example.com/health", "curl https://[hostname-1]/health"),
        ("nslookup ip-10-0-0-5.ec2.internal", "nslookup [hostname-1]"),
        # Credentials.
        ("Authorization: Bearer abcdefghijklmnop12345", "Authorization: Bearer [bearer-1]"),
        (
            "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
            "token [jwt-1]",
        ),
        (
            "LBDOCTOR_TRACKER_URL=postgresql://rasa:s3cr3t@db.corp.example:5432/rasa",
            "LBDOCTOR_TRACKER_URL=postgresql://rasa:[password-1]@[hostname-1]:5432/rasa",
        ),
        ("aws AKIAIOSFODNN7EXAMPLE", "aws [access-key-1]"),
        ("HUAWEICLOUD_SDK_AK=HPUAL2X0EXAMPLE4KEYZ", "HUAWEICLOUD_SDK_AK=[access-key-1]"),
        ("password: hunter22", "password: [secret-1]"),
        ('{"api_key": "zq81-hh2k-991a"}', '{"api_key": "[secret-1]"}'),
        ("client_secret=Zm9vYmFyYmF6cXV4", "client_secret=[secret-1]"),
        (
            "SK wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end",
            "SK [secret-1] end",
        ),
    ],
)
def test_sensitive_values_become_placeholders_of_their_kind(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "kubectl v1.25.3, cluster v1.28, kube-proxy 1.28.3-r0",
        "NodePort 30080 -> targetPort 8080, port 80",
        "Service nginx in namespace shop, selector app=web",
        "nginx.shop.svc.cluster.local:80 and kubernetes.default.svc",
        "annotations kubernetes.io/elb.class: performance, kubernetes.io/elb.pass-through: onlyLocal",
        "see https://support.huaweicloud.com/intl/pt-br/cce_faq/cce_faq_00390.html",
        "files svc.yaml, proxier.go and values.json",
        "image nginx@sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
        "at 10:30:00 the error began; ratio 3:2",
        "externalTrafficPolicy: Local, ipMode: VIP",
        "playbook version sha256:8cfe0d479c8ceb0a",
    ],
)
def test_look_alikes_stay(text: str) -> None:
    assert redact(text) == text


def test_one_case_keeps_its_placeholders_across_texts_and_structures() -> None:
    redactor = Redactor()
    assert redactor.text("error from 192.168.10.36") == "error from [ipv4-1]"
    bundle = {
        "service": {"status": {"loadBalancer": {"ingress": [{"ip": "192.168.10.36"}]}}},
        "transcript": ["user: my ELB 192.168.10.36 fails from 10.0.0.9", "bot: Understood"],
        "verdict": "fails",
        "count": 3,
    }
    assert redactor.value(bundle) == {
        "service": {"status": {"loadBalancer": {"ingress": [{"ip": "[ipv4-1]"}]}}},
        "transcript": ["user: my ELB [ipv4-1] fails from [ipv4-2]", "bot: Understood"],
        "verdict": "fails",
        "count": 3,
    }


def test_redacting_twice_changes_nothing() -> None:
    once = redact("from 10.0.0.5 token=abcd1234efgh and joe@example.com")
    assert redact(once) == once
