/*
 * The unmet-demand map in the admin's search-demand report: a circle per area, sized by its searches.
 *
 * django-leaflet's options arrive in the "leaflet-options" json_script block (as on the visitor pages, see
 * clinics/static/clinics/map.js), the areas in "demand-points". Popups are built from DOM text, never HTML.
 * The same figures are in the table under the map, so the page says everything without this script.
 */
(function () {
  "use strict";

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function popup(point) {
    var box = el("div");
    box.appendChild(el("div", "demand-popup__title", point.area));
    box.appendChild(el("div", null, point.services));
    box.appendChild(el("div", null, point.searches + (point.searches === 1 ? " search" : " searches")));
    box.appendChild(el("div", null, point.nearest === null ? "No clinic found" : "Nearest clinic: " + point.nearest + " mi"));
    return box;
  }

  function init() {
    var container = document.getElementById("demand-map");
    if (!container || typeof L === "undefined" || !L.Map.djangoMap) return;
    var djoptions = read("leaflet-options");
    var points = read("demand-points") || [];
    if (!djoptions || !points.length) return;
    var map = L.Map.djangoMap(container.id, {
      djoptions: djoptions, globals: false, callback: function () {}, scrollWheelZoom: false,
    });
    map.on("focus click", function () { map.scrollWheelZoom.enable(); });
    map.on("blur mouseout", function () { map.scrollWheelZoom.disable(); });
    var most = Math.max.apply(null, points.map(function (p) { return p.searches; }));
    var bounds = L.latLngBounds([]);
    points.forEach(function (point) {
      var radius = 5 + 20 * Math.sqrt(point.searches / most);  // area grows with the searches
      L.circleMarker([point.lat, point.lng], {
        radius: radius, color: "#b45309", weight: 1.5, fillColor: "#b45309", fillOpacity: 0.35,
      }).bindPopup(popup(point)).bindTooltip(point.area + ": " + point.searches).addTo(map);
      bounds.extend([point.lat, point.lng]);
    });
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 9, animate: false });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
