// civic311: the map on the report form, the tracking page and the staff desk (Leaflet, vendored by the
// build: no CDN). Every page works without it: the address and coordinate boxes stay. Without tiles
// (MAP_TILES_URL) the map draws the city's own data: district outlines and address points near the view.
(function () {
  "use strict";
  if (!window.L || !window.fetch) { return; }
  var PLACE_ZOOM = 17;
  var ADDRESS_ZOOM = 16; // address points from this zoom on: a wider view is a blur of dots
  var JSON_ONLY = { headers: { Accept: "application/json" } };

  function json(url) {
    return fetch(url, JSON_ONLY).then(function (answer) { return answer.ok ? answer.json() : null; });
  }

  function escaped(text) {
    var holder = document.createElement("span");
    holder.textContent = text;
    return holder.innerHTML;
  }

  function words(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? values[name] : whole;
    });
  }

  function cityBounds(text) {
    var edges = (text || "").split(",").map(parseFloat);
    if (edges.length !== 4 || !edges.every(isFinite)) { return null; }
    return L.latLngBounds([edges[0], edges[1]], [edges[2], edges[3]]);
  }

  // The city's districts, outlined and named (their names as text, never as markup).
  function drawDistricts(map) {
    json("/api/map/districts").then(function (districts) {
      if (!districts) { return; }
      L.geoJSON(districts, {
        interactive: false,
        style: { className: "map__district", color: "#1d70b8", weight: 2, fillColor: "#1d70b8", fillOpacity: 0.04 },
        onEachFeature: function (feature, layer) {
          var name = document.createElement("span");
          name.textContent = feature.properties.name;
          layer.bindTooltip(name, { permanent: true, direction: "center", className: "map__district-name" });
        }
      }).addTo(map);
    });
  }

  // The city's address points in the view, asked again after each move (the latest answer wins).
  function drawAddresses(map) {
    var points = L.layerGroup().addTo(map);
    var asked = 0;
    function update() {
      var mine = ++asked;
      if (map.getZoom() < ADDRESS_ZOOM) { points.clearLayers(); return; }
      json("/api/map/addresses?bbox=" + map.getBounds().toBBoxString()).then(function (found) {
        if (mine !== asked || !found) { return; }
        points.clearLayers();
        found.features.forEach(function (feature) {
          var at = feature.geometry.coordinates;
          L.circleMarker([at[1], at[0]], {
            interactive: false, radius: 3, weight: 1, className: "map__address",
            color: "#505a5f", fillColor: "#505a5f", fillOpacity: 0.7
          }).addTo(points);
        });
      });
    }
    map.on("moveend", update);
    update();
  }

  // A map in `container`, at `center` and `zoom` (else the whole city), over tiles or the city's data.
  function cityMap(container, center, zoom) {
    var data = container.dataset;
    var map = L.map(container, { zoomControl: false, keyboard: true, maxZoom: 19 });
    L.control.zoom({ zoomInTitle: data.zoomIn, zoomOutTitle: data.zoomOut }).addTo(map);
    var bounds = cityBounds(data.bounds);
    if (center) {
      map.setView(center, zoom);
    } else if (bounds) {
      map.fitBounds(bounds);
    } else {
      map.setView([0, 0], 2);
    }
    if (data.tiles) {
      L.tileLayer(data.tiles, { attribution: escaped(data.attribution || ""), maxZoom: 19 }).addTo(map);
    } else {
      container.classList.add("map--plain");
      drawDistricts(map);
      drawAddresses(map);
    }
    return map;
  }

  function boxesPoint(lat, long) {
    var a = parseFloat(lat.value), b = parseFloat(long.value);
    if (!isFinite(a) || !isFinite(b) || Math.abs(a) > 90 || Math.abs(b) > 180) { return null; }
    return L.latLng(a, b);
  }

  // The report form: the resident places the pin (click, drag, keyboard, "use my location", or the
  // boxes); the pin fills the coordinates and the nearest address, and the address moves the pin.
  function picker(frame) {
    var said = frame.dataset;
    var container = frame.querySelector("[data-map]");
    var status = frame.querySelector("[data-map-status]");
    var lat = document.getElementById("lat");
    var long = document.getElementById("long");
    var address = document.getElementById("address_string");
    if (!container || !lat || !long || !address) { return; }
    var details = lat.closest("details");
    var pin = null;
    var asked = 0; // the latest lookup wins; an older answer is dropped
    var filling = false;
    frame.hidden = false;
    var start = boxesPoint(lat, long);
    var map = cityMap(container, start, PLACE_ZOOM);

    function say(text) { status.textContent = text; }

    function setPin(at) {
      if (pin) { pin.setLatLng(at); return; }
      pin = L.marker(at, { draggable: true, keyboard: false, title: said.pin, alt: said.pin }).addTo(map);
      pin.on("dragend", function () { placed(pin.getLatLng(), true); });
    }

    function fill(at) {
      filling = true; // the change events below are for "already reported?", not for this map
      lat.value = at.lat.toFixed(6);
      long.value = at.lng.toFixed(6);
      if (details) { details.open = true; }
      lat.dispatchEvent(new Event("change", { bubbles: true }));
      long.dispatchEvent(new Event("change", { bubbles: true }));
      filling = false;
    }

    function placed(at, withCoordinates) {
      setPin(at);
      if (withCoordinates) { fill(at); }
      var mine = ++asked;
      var coordinates = { lat: at.lat.toFixed(5), long: at.lng.toFixed(5) };
      say(said.finding);
      json("/api/geocode/reverse?lat=" + at.lat.toFixed(6) + "&long=" + at.lng.toFixed(6)).then(function (place) {
        if (mine !== asked) { return; }
        if (!place) { say(words(said.placedNowhere, coordinates)); return; }
        address.value = place.address;
        coordinates.address = place.address;
        coordinates.district = place.district || "";
        say(words(place.district ? said.placedIn : said.placed, coordinates));
      }, function () {
        if (mine === asked) { say(words(said.placedNowhere, coordinates)); }
      });
    }

    // The centre once the view stops moving: Enter right after an arrow key means where the pan ends.
    var moving = false;
    map.on("movestart", function () { moving = true; });
    map.on("moveend", function () { moving = false; });
    function atCentre() {
      if (moving) { map.once("moveend", atCentre); return; }
      placed(map.getCenter(), true);
    }

    map.on("click", function (event) { placed(event.latlng, true); });
    container.addEventListener("keydown", function (event) {
      if (event.target === container && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        atCentre();
      }
    });
    frame.querySelector("[data-map-place]").addEventListener("click", atCentre);

    function fromBoxes() { // typed, or "use my location"
      var at = filling ? null : boxesPoint(lat, long);
      if (!at) { return; }
      map.setView(at, Math.max(map.getZoom(), PLACE_ZOOM));
      placed(at, false);
    }
    lat.addEventListener("change", fromBoxes);
    long.addEventListener("change", fromBoxes);

    address.addEventListener("change", function () {
      var text = address.value.trim();
      if (!text) { return; }
      var mine = ++asked;
      json("/api/geocode?address=" + encodeURIComponent(text)).then(function (place) {
        if (mine !== asked) { return; }
        if (!place) { say(said.notFound); return; }
        var at = L.latLng(place.lat, place.long);
        setPin(at);
        fill(at);
        map.setView(at, PLACE_ZOOM);
        say(words(said.moved, { address: place.address }));
      }, function () {
        if (mine === asked) { say(said.notFound); }
      });
    });

    if (start) { setPin(start); }
  }

  // A request's place (the tracking page, the staff request page): one marker, no contact.
  function placeMap(container) {
    var data = container.dataset;
    var at = L.latLng(parseFloat(data.lat), parseFloat(data.long));
    container.hidden = false;
    var map = cityMap(container, at, PLACE_ZOOM);
    L.marker(at, { keyboard: false, title: data.pin, alt: data.pin }).addTo(map);
  }

  // The staff queue as a map: a marker per request with a place, each a link to the request.
  function queueMap(container) {
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-map-point]"));
    container.hidden = false;
    var map = cityMap(container, null, 0);
    var placedAt = [];
    rows.forEach(function (row) {
      var at = L.latLng(parseFloat(row.dataset.lat), parseFloat(row.dataset.long));
      var marker = L.marker(at, { title: row.dataset.label, alt: row.dataset.label }).addTo(map);
      function open() { window.location.href = row.dataset.href; }
      marker.on("click", open);
      marker.on("keypress", function (event) { if (event.originalEvent.key === "Enter") { open(); } });
      placedAt.push(at);
    });
    if (placedAt.length) { map.fitBounds(L.latLngBounds(placedAt), { maxZoom: ADDRESS_ZOOM, padding: [24, 24] }); }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-map-picker]"), picker);
  Array.prototype.forEach.call(document.querySelectorAll("[data-map='place']"), placeMap);
  Array.prototype.forEach.call(document.querySelectorAll("[data-map='queue']"), queueMap);
})();
