/*
 * The maps on the results page and the clinic page: an enhancement over the server-rendered list.
 *
 * django-leaflet builds the map options from settings.LEAFLET_CONFIG (tiles, attribution, zoom limits,
 * imperial scale); they arrive in the "leaflet-options" json_script block and are passed to
 * L.Map.djangoMap, which is what {% leaflet_map %} would do from an inline script.
 *
 * Markers and popups come from data-* attributes on the list items and are built with DOM text
 * (textContent), never HTML strings, so a clinic's name can never become markup.
 */
(function () {
  "use strict";

  var MILES_TO_METRES = 1609.344;
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // Words in the page's language: Django's catalog (/es/jsi18n/) defines gettext on Spanish pages; English needs none.
  var gettext = window.gettext || function (text) { return text; };

  function readOptions() {
    var node = document.getElementById("leaflet-options");
    return node ? JSON.parse(node.textContent) : null;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function createMap(container, djoptions) {
    var map = L.Map.djangoMap(container.id, {
      djoptions: djoptions,
      globals: false,
      callback: function () {},
      // The page scrolls, not the map, until the visitor chooses the map (see tame()).
      scrollWheelZoom: false,
      zoomSnap: 0.5,
    });
    // Leaflet's zoom buttons, named in the page's language.
    if (map.zoomControl) map.zoomControl.remove();
    L.control.zoom({ zoomInTitle: gettext("Zoom in"), zoomOutTitle: gettext("Zoom out") }).addTo(map);
    map.on("popupopen", function (event) {  // Leaflet names its popups' close button in English only
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", gettext("Close"));
    });
    tame(map);
    watchTiles(map, container);
    return map;
  }

  // The map must never trap scrolling: the wheel (and, on touch screens, one-finger dragging) only
  // moves the map once it has been clicked, tapped or focused, and stops again when the pointer leaves.
  function tame(map) {
    var touch = L.Browser.mobile;
    if (touch) map.dragging.disable();
    map.on("focus click", function () {
      map.scrollWheelZoom.enable();
      if (touch) map.dragging.enable();
    });
    map.on("blur mouseout", function () {
      map.scrollWheelZoom.disable();
    });
  }

  // Without tiles (offline, blocked, over quota) the map still shows the markers; say so once.
  function watchTiles(map, container) {
    var loaded = 0;
    var shown = false;
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.TileLayer)) return;
      layer.on("tileload", function () { loaded += 1; });
      layer.on("tileerror", function () {
        if (shown || loaded) return;
        shown = true;
        var text = container.dataset.offlineText || gettext("The map background couldn't load.");
        container.parentNode.insertBefore(el("p", "map-notice", text), container);
      });
    });
  }

  // Clinics placed at the same point (two at one ZIP centre) are fanned out sideways, so each can be clicked.
  function clinicIcon(rank, shift) {
    var label = el("span", "rv-pin__label", String(rank));
    return L.divIcon({
      className: "rv-pin",
      html: label,
      iconSize: [34, 34],
      iconAnchor: [17 - shift, 17],
      popupAnchor: [shift, -16],
    });
  }

  function originIcon() {
    return L.divIcon({ className: "rv-origin", html: el("span", "rv-origin__dot"), iconSize: [22, 22], iconAnchor: [11, 11] });
  }

  function popupContent(data) {
    var box = el("div", "rv-popup");
    var title = el("p", "rv-popup__name");
    var link = el("a", null, data.rank + ". " + data.name);
    link.href = data.url;
    title.appendChild(link);
    box.appendChild(title);
    box.appendChild(el("p", "rv-popup__address", data.address));
    box.appendChild(el("p", "rv-popup__distance", gettext("%s away").replace("%s", data.distance)));
    if (data.closed) {
      box.appendChild(el("p", "rv-popup__closed", data.closed));
    }
    var actions = el("p", "rv-popup__actions");
    // Our own counting redirect (/go/schedule/...), or a web address; never a javascript: URL.
    if (/^(https?:\/\/|\/go\/)/i.test(data.scheduleUrl || "")) {
      var schedule = el("a", "btn btn--primary btn--small rv-popup__schedule", gettext("Schedule"));
      schedule.href = data.scheduleUrl;
      schedule.appendChild(el("span", "visually-hidden", " " + gettext("at %s").replace("%s", data.name)));
      actions.appendChild(schedule);
    }
    if (/^tel:\+?[0-9]+$/.test(data.phoneTel || "")) {
      var call = el("a", "btn btn--secondary btn--small rv-popup__call", gettext("Call"));
      call.href = data.phoneTel;
      call.appendChild(el("span", "visually-hidden", " " + data.name));
      actions.appendChild(call);
    }
    if (actions.childNodes.length) box.appendChild(actions);
    return box;
  }

  function setupResults(container, djoptions) {
    var items = Array.prototype.slice.call(document.querySelectorAll("[data-result-list] > li[data-rank]"));
    var panel = document.getElementById("map-panel");
    var toggle = document.querySelector("[data-map-toggle]");
    var toggleLabel = toggle ? toggle.querySelector("[data-map-toggle-label]") : null;
    var map = null;
    var bounds = null;
    var markers = {};
    var taken = {};

    function build() {
      map = createMap(container, djoptions);
      var origin = L.latLng(parseFloat(container.dataset.originLat), parseFloat(container.dataset.originLng));
      bounds = L.latLngBounds([origin]);

      var radius = parseFloat(container.dataset.radiusMiles);
      if (radius > 0) {
        L.circle(origin, {
          radius: radius * MILES_TO_METRES, interactive: false, color: "#0f766e", weight: 1.5, opacity: 0.6,
          fillColor: "#0f766e", fillOpacity: 0.05, dashArray: "4 6",
        }).addTo(map);
      }
      L.marker(origin, { icon: originIcon(), keyboard: false, interactive: false, zIndexOffset: -500 }).addTo(map);

      items.forEach(function (item) {
        var d = item.dataset;
        var lat = parseFloat(d.lat);
        var lng = parseFloat(d.lng);
        if (isNaN(lat) || isNaN(lng)) return;
        var data = { rank: d.rank, slug: d.slug, name: d.name, address: d.address, distance: d.distance,
                     url: d.url, scheduleUrl: d.scheduleUrl, phoneTel: d.phoneTel || "", closed: d.closed || "" };
        var spot = lat.toFixed(5) + "," + lng.toFixed(5);
        var shift = 26 * (taken[spot] || 0);
        taken[spot] = (taken[spot] || 0) + 1;
        var marker = L.marker([lat, lng], { icon: clinicIcon(data.rank, shift), title: data.rank + ". " + data.name,
                                             riseOnHover: true });
        marker.bindPopup(popupContent(data), { maxWidth: 260, autoPanPadding: [24, 24] });
        marker.addTo(map);
        var icon = marker.getElement();
        icon.dataset.rank = data.rank;
        icon.dataset.slug = data.slug;
        icon.setAttribute("aria-label", data.rank + ". " + data.name + ", " + data.distance + ". " + gettext("Show in the list"));
        // Beside the list (wide screens) the card is scrolled into view; above it (a phone) the page stays
        // where it is, so the popup just opened stays in view with its Schedule and Call buttons.
        marker.on("click", function () { select(item, sideBySide()); });
        // A marker is a role="button": Enter (Leaflet opens the popup) and Space activate it too.
        marker.on("keydown", function (event) {
          var key = event.originalEvent.key;
          if (key === " " || key === "Spacebar") {
            L.DomEvent.preventDefault(event.originalEvent);
            marker.openPopup();
            select(item, sideBySide());
          } else if (key === "Enter") {
            select(item, sideBySide());
          }
        });
        markers[data.rank] = marker;
        bounds.extend([lat, lng]);
      });
      fit();
    }

    function sideBySide() {
      return !window.matchMedia || window.matchMedia("(min-width: 900px)").matches;  // site.css's breakpoint
    }

    function fit() {
      if (!map || !bounds) return;
      map.fitBounds(bounds, { padding: [36, 36], maxZoom: 12, animate: false });
    }

    function highlight(rank, on) {
      var marker = markers[rank];
      if (!marker || !marker.getElement()) return;
      marker.getElement().classList.toggle("is-active", on);
      marker.setZIndexOffset(on ? 1000 : 0);
    }

    function select(item, scroll) {
      items.forEach(function (other) { other.classList.toggle("is-selected", other === item); });
      if (scroll) item.scrollIntoView({ block: "nearest", behavior: reduceMotion ? "auto" : "smooth" });
    }

    items.forEach(function (item) {
      var rank = item.dataset.rank;
      item.addEventListener("mouseenter", function () { highlight(rank, true); });
      item.addEventListener("mouseleave", function () {
        if (!item.contains(document.activeElement)) highlight(rank, false);
      });
      item.addEventListener("focusin", function () { highlight(rank, true); });
      item.addEventListener("focusout", function (event) {
        if (!item.contains(event.relatedTarget)) highlight(rank, false);
      });
    });

    function panelVisible() {
      return panel && panel.getClientRects().length > 0 && panel.offsetHeight > 0;
    }

    function ensure() {
      if (map) map.invalidateSize();
      else if (panelVisible()) withLeaflet(function () { if (!map) build(); });
    }

    if (toggle && panel) {
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        panel.classList.toggle("is-open", open);
        panel.parentNode.classList.toggle("has-open-map", open);
        if (toggleLabel) toggleLabel.textContent = open ? gettext("Hide map") : gettext("Show map");
        if (open) {
          var fresh = !map;
          ensure();
          if (!fresh) fit();
          // The whole map in view, not its top under the fold; the Hide map button stays above it.
          panel.scrollIntoView({ block: "nearest", behavior: reduceMotion ? "auto" : "smooth" });
        }
      });
    }
    // Small screens start with the list; the map is built the first time it becomes visible.
    window.addEventListener("resize", ensure);
    afterPageLoad(ensure);
  }

  function setupClinic(container, djoptions) {
    var map = createMap(container, djoptions);
    var point = [parseFloat(container.dataset.lat), parseFloat(container.dataset.lng)];
    var approximate = container.dataset.approximate === "true";
    var icon = L.divIcon({ className: "rv-pin rv-pin--place", html: el("span", "rv-pin__label"),
                           iconSize: [34, 34], iconAnchor: [17, 17] });
    L.marker(point, { icon: icon, keyboard: false, interactive: false }).addTo(map);
    map.setView(point, approximate ? 11 : 15, { animate: false });
  }

  // Leaflet (django-leaflet's stylesheets, scripts and settings) comes in an inert <template>: the page doesn't
  // fetch it, so the list paints before any map code loads, and a phone that never opens the map never
  // downloads it. It is added here once, when a map is first wanted; `done` runs when it has loaded.
  var leaflet = { state: "idle", waiting: [] };

  function withLeaflet(done) {
    if (leaflet.state === "ready") { done(); return; }
    leaflet.waiting.push(done);
    if (leaflet.state === "loading") return;
    leaflet.state = "loading";
    var template = document.querySelector("template[data-map-assets]");
    var nodes = template ? Array.prototype.slice.call(template.content.children) : [];
    var pending = 1;
    function settled() {
      pending -= 1;
      if (pending > 0) return;
      if (typeof L === "undefined" || !L.Map.djangoMap) { leaflet.state = "failed"; return; } // the list is still there
      leaflet.state = "ready";
      leaflet.waiting.splice(0).forEach(function (callback) { callback(); });
    }
    nodes.forEach(function (node) {
      var added;
      if (node.tagName === "LINK") {
        added = document.importNode(node, true);
        document.head.appendChild(added);
      } else if (node.tagName === "SCRIPT" && node.getAttribute("src")) {
        added = document.createElement("script");
        added.src = node.getAttribute("src");
        added.async = false;  // in the template's order: Leaflet before its extras
        document.body.appendChild(added);
      } else {
        document.body.appendChild(document.importNode(node, true));  // django-leaflet's JSON settings
        return;
      }
      pending += 1;
      added.addEventListener("load", settled);
      added.addEventListener("error", settled);
    });
    if (template) template.remove();
    settled();
  }

  function afterPageLoad(callback) {
    if (document.readyState === "complete") callback();
    else window.addEventListener("load", callback);
  }

  function init() {
    var djoptions = readOptions();
    if (!djoptions) return;
    var results = document.querySelector("[data-results-map]");
    if (results) setupResults(results, djoptions);
    var clinic = document.querySelector("[data-clinic-map]");
    if (clinic) afterPageLoad(function () { withLeaflet(function () { setupClinic(clinic, djoptions); }); });
  }

  init();
})();
