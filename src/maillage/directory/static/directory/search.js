// The search's place: "Near me" asks the browser for the position; typing a place forgets it.
// No inline script (CSP). The position is rounded to about a kilometre before it reaches the address bar.
(() => {
  const PRECISION = 100; // two decimals: ~1.1 km north-south

  function setHidden(form, name, value) {
    let input = form.querySelector(`input[type=hidden][name="${name}"]`);
    if (value === null) {
      if (input) input.remove();
      return;
    }
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.append(input);
    }
    input.value = value;
  }

  function forgetPoint(form) {
    for (const name of ["lat", "lon", "commune"]) setHidden(form, name, null);
  }

  function nearMe(button) {
    const form = button.closest("form");
    const status = form.querySelector(".near-me-status");
    status.textContent = button.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        status.textContent = "";
        const place = form.querySelector("[name=place]");
        if (place) place.value = "";
        setHidden(form, "commune", null);
        setHidden(form, "lat", String(Math.round(position.coords.latitude * PRECISION) / PRECISION));
        setHidden(form, "lon", String(Math.round(position.coords.longitude * PRECISION) / PRECISION));
        const radius = form.querySelector("[name=radius]");
        if (radius && !radius.value) radius.value = "10";
        form.requestSubmit();
      },
      () => {
        status.textContent = button.dataset.denied;
      },
      { timeout: 10000, maximumAge: 300000 },
    );
  }

  function init() {
    const button = document.querySelector("[data-near-me]");
    if (!button || !("geolocation" in navigator)) return;
    button.hidden = false;
    button.addEventListener("click", () => nearMe(button));
    const place = button.closest("form").querySelector("[name=place]");
    if (place) place.addEventListener("input", () => forgetPoint(place.form));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
