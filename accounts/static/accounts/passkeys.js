// Passkeys and security keys (WebAuthn): the browser's half of adding one
// and of signing in with one. A form marked data-passkey="create" or "get"
// reads the server's options from the JSON script its data-passkey-options
// names, asks the browser, puts the browser's answer in the form's hidden
// credential field and sends the form. Without this script (or WebAuthn),
// the form sends an empty answer and the page says what is missing.
"use strict";

document.querySelectorAll("form[data-passkey]").forEach((form) => {
  const creating = form.dataset.passkey === "create";
  const status = form.querySelector("[data-passkey-status]");
  const answer = form.querySelector("input[name$='credential']");
  const button = form.querySelector("[data-passkey-start]");
  const supported =
    window.PublicKeyCredential &&
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function";
  if (!supported) {
    status.textContent =
      "This browser cannot use passkeys here: use an up-to-date browser, or another way to sign in.";
    button.disabled = true;
    return;
  }
  // A form shown again after a refusal carries the refused answer: never
  // send it twice.
  answer.value = "";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const options = JSON.parse(
      document.getElementById(form.dataset.passkeyOptions).textContent,
    );
    status.textContent = "Follow your browser's prompts…";
    button.disabled = true;
    try {
      const credential = creating
        ? await navigator.credentials.create({
            publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
          })
        : await navigator.credentials.get({
            publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
          });
      answer.value = JSON.stringify(credential.toJSON());
      status.textContent = "Checking…";
      form.submit();
    } catch (error) {
      button.disabled = false;
      status.textContent =
        error.name === "NotAllowedError"
          ? "Cancelled, or the time ran out. Press the button to try again."
          : `Your browser could not use a passkey: ${error.message}`;
    }
  });
});
