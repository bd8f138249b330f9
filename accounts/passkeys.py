"""
Passkeys and security keys (WebAuthn) as a second factor, through
py_webauthn: the options a page hands the browser, and the checks of what the
browser sends back. Each ceremony's challenge is kept in the session and
used once. The relying party is WEBAUTHN_RP_ID (the host of SITE_URL) and
answers must come from one of WEBAUTHN_ORIGINS (SITE_URL's origin).
"""

import json

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from . import two_factor
from .models import Passkey

REGISTRATION_KEY = "_passkey_registration_challenge"
AUTHENTICATION_KEY = "_passkey_authentication_challenge"


class PasskeyError(ValueError):
    """What the browser sent does not prove a passkey: the message says why."""


def _descriptors(user):
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential_id))
        for credential_id in user.passkeys.values_list("credential_id", flat=True)
    ]


def _challenge(request, key):
    challenge = request.session.pop(key, None)
    if not challenge:
        raise PasskeyError("The request has expired: please try again.")
    return base64url_to_bytes(challenge)


def registration_options(request, user):
    """The creation options, for the browser's JSON, for a new passkey of `user`."""
    options = generate_registration_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        rp_name=settings.SITE_NAME,
        user_name=user.get_username(),
        # A stable handle that says nothing about the account.
        user_id=salted_hmac(
            "accounts.passkeys.user", str(user.pk), algorithm="sha256"
        ).digest(),
        user_display_name=user.get_full_name() or user.get_username(),
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    request.session[REGISTRATION_KEY] = bytes_to_base64url(options.challenge)
    return json.loads(options_to_json(options))


@transaction.atomic
def register(request, user, name, credential):
    """Keep the passkey whose creation `credential` (JSON) answers the challenge."""
    challenge = _challenge(request, REGISTRATION_KEY)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=settings.WEBAUTHN_ORIGINS,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyError(f"The passkey could not be checked ({error}).") from None
    credential_id = bytes_to_base64url(verified.credential_id)
    if Passkey.objects.filter(credential_id=credential_id).exists():
        raise PasskeyError("This passkey is already registered.")
    passkey = Passkey.objects.create(
        user=user,
        name=name,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )
    two_factor.record(
        request, user, two_factor.Kind.ENROLLED, two_factor.Step.PASSKEY, name
    )
    return passkey


def authentication_options(request, user):
    """The request options, for the browser's JSON, for one of `user`'s passkeys."""
    options = generate_authentication_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[AUTHENTICATION_KEY] = bytes_to_base64url(options.challenge)
    return json.loads(options_to_json(options))


def authenticate(request, user, credential):
    """
    The passkey of `user` that signed the challenge in `credential` (JSON);
    raises PasskeyError if none did.
    """
    challenge = _challenge(request, AUTHENTICATION_KEY)
    try:
        credential_id = json.loads(credential)["id"]
    except (ValueError, KeyError, TypeError):
        raise PasskeyError("The browser's answer could not be read.") from None
    passkey = user.passkeys.filter(credential_id=credential_id).first()
    if passkey is None:
        raise PasskeyError("That passkey is not registered to this account.")
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=settings.WEBAUTHN_ORIGINS,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise PasskeyError(f"The passkey could not be checked ({error}).") from None
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    return passkey
