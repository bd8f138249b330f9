"""
Authenticator-app codes (RFC 6238): the RFC's own test vectors, the one-step
window either side of now, and what a typed code may look like.
"""

import base64

import pytest

from accounts import totp

# RFC 6238 Appendix B: the seeds are the ASCII digits, repeated to the
# digest's length; the codes have eight digits.
SEEDS = {
    "sha1": b"12345678901234567890",
    "sha256": b"12345678901234567890123456789012",
    "sha512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("moment", "sha1", "sha256", "sha512"), VECTORS)
def test_the_rfc_6238_test_vectors(moment, sha1, sha256, sha512):
    step = totp.step_at(moment)
    for digest, expected in (("sha1", sha1), ("sha256", sha256), ("sha512", sha512)):
        assert totp.code_at(SEEDS[digest], step, digits=8, digest=digest) == expected


def test_six_digit_codes_are_the_last_six_of_the_rfc_values():
    secret = base64.b32encode(SEEDS["sha1"]).decode()
    assert totp.matching_step(secret, "287082", now=59) == 1
    assert totp.matching_step(secret, "081804", now=1111111109) == 37037036


def test_a_code_is_accepted_one_step_either_side_of_now_and_no_further():
    secret = totp.new_secret()
    key = totp.secret_key(secret)
    now = 1_800_000_000
    current = totp.step_at(now)
    for offset in (-1, 0, 1):
        code = totp.code_at(key, current + offset)
        assert totp.matching_step(secret, code, now=now) == current + offset
    for offset in (-2, 2):
        code = totp.code_at(key, current + offset)
        # Different steps can share a code by chance; skip that case.
        if code not in {totp.code_at(key, current + o) for o in (-1, 0, 1)}:
            assert totp.matching_step(secret, code, now=now) is None


@pytest.mark.parametrize(
    "typed", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12 34 5", None]
)
def test_what_is_not_six_digits_matches_nothing(typed):
    assert totp.matching_step(totp.new_secret(), typed, now=0) is None


def test_spaces_typed_in_a_code_are_ignored():
    secret = totp.new_secret()
    code = totp.code_at(totp.secret_key(secret), totp.step_at(1000))
    assert totp.matching_step(secret, f" {code[:3]} {code[3:]} ", now=1000) == 33


def test_a_new_secret_is_160_random_bits_in_base32():
    secret = totp.new_secret()
    assert len(totp.secret_key(secret)) == 20
    assert totp.secret_key(totp.grouped(secret).lower()) == totp.secret_key(secret)
    assert secret != totp.new_secret()


def test_the_address_for_the_qr_code_names_the_paper_and_the_account():
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXP", "jane", "The Herald")
    assert uri == (
        "otpauth://totp/The%20Herald%3Ajane?secret=JBSWY3DPEHPK3PXP"
        "&issuer=The%20Herald&algorithm=SHA1&digits=6&period=30"
    )
