// The readable document's "Print" button (no inline script: the CSP allows none).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
