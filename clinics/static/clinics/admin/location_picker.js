/*
 * The clinic form's location picker: a Leaflet map (django-leaflet's bundled copy) under the
 * latitude/longitude fields. Clicking the map or dragging the pin fills both fields and marks
 * the location as placed by hand; typing coordinates moves the pin.
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var el = document.getElementById("location-picker");
    var latInput = document.getElementById("id_latitude");
    var lngInput = document.getElementById("id_longitude");
    var sourceInput = document.getElementById("id_location_source");
    if (!el || !latInput || !lngInput || typeof L === "undefined") return;

    var lat = parseFloat(latInput.value);
    var lng = parseFloat(lngInput.value);
    var located = isFinite(lat) && isFinite(lng);
    var center = located
      ? [lat, lng]
      : [parseFloat(el.dataset.centerLat), parseFloat(el.dataset.centerLng)];

    var map = L.map(el, { scrollWheelZoom: false }).setView(center, located ? 15 : 7);
    L.tileLayer(el.dataset.tilesUrl, { attribution: el.dataset.tilesAttribution, maxZoom: 19 }).addTo(map);
    map.on("focus click", function () { map.scrollWheelZoom.enable(); });
    map.on("blur mouseout", function () { map.scrollWheelZoom.disable(); });

    var marker = null;
    function round6(x) { return Math.round(x * 1e6) / 1e6; }

    function setFields(latlng) {
      latInput.value = round6(latlng.lat).toFixed(6);
      lngInput.value = round6(latlng.lng).toFixed(6);
      if (sourceInput) sourceInput.value = "manual";
      // Tells the address script (address_autofill.js) the pin moved, so it can say how far from the ZIP.
      latInput.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function placeMarker(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
        return;
      }
      marker = L.marker(latlng, { draggable: true, title: "Clinic location (drag to move)" }).addTo(map);
      marker.on("dragend", function () { setFields(marker.getLatLng()); });
    }

    if (located) placeMarker(center);

    map.on("click", function (event) {
      placeMarker(event.latlng);
      setFields(event.latlng);
    });

    function fromInputs() {
      var a = parseFloat(latInput.value);
      var b = parseFloat(lngInput.value);
      if (isFinite(a) && isFinite(b) && Math.abs(a) <= 90 && Math.abs(b) <= 180) {
        placeMarker([a, b]);
        map.panTo([a, b]);
      }
    }
    latInput.addEventListener("change", fromInputs);
    lngInput.addEventListener("change", fromInputs);

    // The map starts inside a fieldset that may have been laid out late.
    setTimeout(function () { map.invalidateSize(); }, 200);
  });
})();
