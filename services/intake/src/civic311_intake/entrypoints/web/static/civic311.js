// civic311: a little progressive enhancement. Every page works without it.
(function () {
  "use strict";

  // The error summary takes the focus, so a screen reader reads it and the keyboard starts there.
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) { summary.focus(); }

  // "Use my location": the browser's geolocation fills the latitude and longitude fields.
  var button = document.querySelector("[data-geolocate]");
  if (!button || !("geolocation" in navigator)) { return; }
  var status = document.getElementById(button.getAttribute("aria-controls") + "-status");
  var lat = document.getElementById("lat");
  var long = document.getElementById("long");
  var details = lat ? lat.closest("details") : null;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.finding;
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(6);
      long.value = position.coords.longitude.toFixed(6);
      if (details) { details.open = true; }
      status.textContent = button.dataset.found.replace("{lat}", lat.value).replace("{long}", long.value);
    }, function () {
      status.textContent = button.dataset.failed;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
