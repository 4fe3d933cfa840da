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
      lat.dispatchEvent(new Event("change", { bubbles: true }));
      status.textContent = button.dataset.found.replace("{lat}", lat.value).replace("{long}", long.value);
    }, function () {
      status.textContent = button.dataset.failed;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();

// "Already reported?": once the form has a place, the open reports of its type near there, each with
// a link to follow it instead of filing again (GET /api/nearby; the form works without it).
(function () {
  "use strict";
  var panel = document.querySelector("[data-nearby]");
  var lat = document.getElementById("lat");
  var long = document.getElementById("long");
  if (!panel || !lat || !long || !window.fetch) { return; }
  var list = panel.querySelector(".nearby");
  var asked = "";
  function show(offered) {
    list.textContent = "";
    offered.forEach(function (request) {
      var item = document.createElement("li");
      var what = document.createElement("p");
      what.className = "nearby__what";
      what.textContent = request.description || request.address || request.tracking_number;
      var when = document.createElement("p");
      when.className = "hint";
      var day = new Date(request.requested_at).toLocaleDateString(document.documentElement.lang || undefined);
      when.textContent = panel.dataset.distance.replace("{metres}", request.distance_m).replace("{date}", day);
      var follow = document.createElement("a");
      follow.href = "/track/" + encodeURIComponent(request.tracking_number) + "#follow-heading";
      follow.textContent = panel.dataset.follow + " (" + request.tracking_number + ")";
      if (panel.dataset.target) { follow.target = panel.dataset.target; follow.rel = "noopener"; }
      item.append(what, when, follow);
      list.append(item);
    });
    if (!offered.length) {
      var none = document.createElement("li");
      none.textContent = panel.dataset.none;
      list.append(none);
    }
    panel.hidden = false;
  }
  function ask() {
    var a = parseFloat(lat.value), b = parseFloat(long.value);
    if (!isFinite(a) || !isFinite(b)) { return; }
    var query = "service_code=" + encodeURIComponent(panel.dataset.nearby) + "&lat=" + a + "&long=" + b;
    if (query === asked) { return; }
    asked = query;
    fetch("/api/nearby?" + query, { headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : []; })
      .then(show, function () { panel.hidden = true; });
  }
  lat.addEventListener("change", ask);
  long.addEventListener("change", ask);
  ask();
})();
