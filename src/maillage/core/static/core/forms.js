// After a failed submit, focus goes to the error summary (no inline script: CSP). Its links focus the field.
function focusSummary(root) {
  const summary = root.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
}

document.addEventListener("DOMContentLoaded", () => focusSummary(document));
document.addEventListener("htmx:afterSwap", (event) => focusSummary(event.target));

document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-error-summary] a[href^='#']");
  const field = link && document.getElementById(link.getAttribute("href").slice(1));
  if (field) {
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: "center" });
  }
});
