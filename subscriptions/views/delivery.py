"""Public home delivery pages: the request form and its receipt."""

from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from newsroom.ratelimit import client_address, over_limit_response, rate_limit_exceeded

from ..delivery import delivery_reference_new
from ..forms.delivery import DeliveryRequestForm
from ..models.delivery import (
    DeliveryRequest,
)

DONE_SALT = "subscriptions.delivery.done"
# How long the "request received" page stays readable after the request.
DONE_MAX_AGE = 7 * 24 * 60 * 60


def _done_url(delivery_request):
    token = signing.dumps(delivery_request.pk, salt=DONE_SALT)
    return reverse("subscriptions:delivery-request-done", args=[token])


@never_cache
@require_http_methods(["GET", "POST"])
def delivery_request(request):
    if request.method == "POST":
        # The same form sent again (a double click, a reload) shows the
        # request it already made.
        earlier = DeliveryRequest.objects.with_idempotency_key(
            request.POST.get("idempotency_key")
        )
        if earlier is not None:
            return redirect(_done_url(earlier))
        form = DeliveryRequestForm(request.POST)
        if form.is_robot and form.is_valid():
            # The page a person gets, with a reference that names nothing:
            # the robot learns nothing, and nothing is saved or mailed.
            form.instance.reference = delivery_reference_new()
            return render(
                request,
                "subscriptions/delivery/request_done.html",
                {"delivery_request": form.instance},
            )
        exceeded = rate_limit_exceeded("delivery:address", client_address(request))
        if exceeded is None and form.is_valid():
            exceeded = rate_limit_exceeded("delivery:email", form.cleaned_data["email"])
            if exceeded is None:
                delivery_request, _ = form.submit(source=request.path)
                return redirect(_done_url(delivery_request))
        if exceeded:
            response = render(
                request,
                "subscriptions/delivery/request_form.html",
                {"form": form, "exceeded": exceeded},
            )
            return over_limit_response(response, exceeded)
    else:
        form = DeliveryRequestForm()
    return render(request, "subscriptions/delivery/request_form.html", {"form": form})


@never_cache
def delivery_request_done(request, token):
    try:
        pk = signing.loads(token, salt=DONE_SALT, max_age=DONE_MAX_AGE)
    except signing.BadSignature:
        raise Http404(
            "This page has expired; your reference is in your email."
        ) from None
    delivery_request = (
        DeliveryRequest.objects.select_related("area")
        .filter(pk=pk, anonymised_at__isnull=True)
        .first()
    )
    if delivery_request is None:
        raise Http404("No such request.")
    return render(
        request,
        "subscriptions/delivery/request_done.html",
        {"delivery_request": delivery_request},
    )
