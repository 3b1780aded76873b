// Second-factor pages: after a passkey is registered, go on (django-otp-webauthn only announces it);
// the print button of the recovery codes. Served from our own origin (CSP: no inline script).
document.addEventListener("otp_webauthn.register_complete", () => {
  const next = document.querySelector("[data-after-passkey]");
  if (next) window.location.assign(next.dataset.afterPasskey);
});
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
