"""
A newsletter's name and an edition's subject go into mail headers, so they
refuse any line break: in the admin with a clear message, and in the
database for every other way in.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from subscriptions.models.editions import Edition
from subscriptions.models.newsletters import LINE_BREAKS, Newsletter

from .factories import make_newsletter
from .test_newsletter_admin import make_edition

pytestmark = pytest.mark.django_db

# Text as a form could send it: forms refuse NUL (PostgreSQL cannot hold it),
# and a request's UTF-8 can never decode to a lone surrogate.
text = st.text(
    st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=20
)
with_a_break = st.tuples(text, st.sampled_from(LINE_BREAKS), text).map("".join)


@hypothesis_settings(max_examples=60)
@given(name=with_a_break)
def test_a_newsletter_name_with_any_line_break_is_refused(name):
    newsletter = Newsletter(name=name, slug="n", pitch="p", rhythm="r")
    with pytest.raises(ValidationError) as refused:
        newsletter.full_clean()
    assert "Keep this on one line" in str(refused.value)


@hypothesis_settings(max_examples=30)
@given(subject=with_a_break)
def test_an_edition_subject_with_a_line_break_never_reaches_the_database(subject):
    edition = make_edition()
    with pytest.raises(IntegrityError), transaction.atomic():
        Edition.objects.filter(pk=edition.pk).update(subject=subject)


def test_the_admin_says_why_a_name_with_a_line_break_is_refused(admin_client):
    newsletter = make_newsletter(name="News Wrap")
    url = f"/admin/subscriptions/newsletter/{newsletter.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    values = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in values.items() if value is not None}
    data["name"] = "News Wrap\r\nBcc: everyone@example.ie"
    data["send_days"] = newsletter.send_days
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Keep this on one line" in response.text
    newsletter.refresh_from_db()
    assert newsletter.name == "News Wrap"


def test_a_name_on_one_line_is_kept():
    newsletter = make_newsletter(name="News Wrap — lunchtime")
    newsletter.full_clean()
    assert Newsletter.objects.get(pk=newsletter.pk).name == "News Wrap — lunchtime"
