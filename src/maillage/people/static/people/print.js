// Print buttons: no inline script (CSP), one listener for every [data-print] button.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
