/*
 * Every page: "Use my location", and announcing the result count to screen readers.
 * The pages work without this file; it only adds what needs a browser API.
 */
(function () {
  "use strict";

  // Give up on a position after this long, even if the browser never answers (some never call back
  // when the permission prompt is dismissed), so the button can't spin forever.
  var GIVE_UP_MS = 15000;
  // Words in the page's language: Django's catalog (/es/jsi18n/) defines gettext on Spanish pages; English needs none.
  var gettext = window.gettext || function (text) { return text; };

  var MESSAGES = {
    unsupported: gettext("Your browser can't share your location here. Type your ZIP code or city instead."),
    denied: gettext("Location sharing is turned off for this site. Type your ZIP code or city instead, or allow location in your browser settings."),
    unavailable: gettext("We couldn't get your location right now. Type your ZIP code or city instead."),
    timeout: gettext("Finding your location took too long. Type your ZIP code or city instead, or try again."),
  };

  function setupGeolocate(button) {
    var form = button.closest("form");
    var label = button.querySelector("[data-geolocate-label]");
    var message = form ? form.querySelector(".geo-message") : null;
    var idleText = label ? label.textContent : "";
    var busy = false;
    var timer = null;

    function say(text, isError) {
      if (!message) return;
      message.textContent = text;
      message.classList.toggle("geo-message--error", Boolean(isError));
    }

    function setBusy(on) {
      busy = on;
      button.setAttribute("aria-busy", on ? "true" : "false");
      button.classList.toggle("is-busy", on);
      if (label) label.textContent = on ? gettext("Finding your location…") : idleText;
    }

    function fail(kind) {
      if (timer) window.clearTimeout(timer);
      timer = null;
      setBusy(false);
      say(MESSAGES[kind] || MESSAGES.unavailable, true);
    }

    function resultsUrl(position) {
      var params = new URLSearchParams();
      // Four decimals is about 10 metres: plenty to rank clinics, and no more precise than needed.
      params.set("lat", position.coords.latitude.toFixed(4));
      params.set("lng", position.coords.longitude.toFixed(4));
      if (form) {
        ["service", "radius", "condition"].forEach(function (name) {
          form.querySelectorAll('[name="' + name + '"]').forEach(function (field) {
            if (field.value && !(field.type === "checkbox" && !field.checked)) params.append(name, field.value);
          });
        });
        var openNow = form.querySelector('[name="open_now"]');
        if (openNow && openNow.checked) params.set("open_now", "true");
        // A condition typed in the box ("vertigo") is searched for near the position; any place in it isn't.
        var box = form.querySelector('[name="q"]');
        if (box && box.value.trim()) {
          params.set("q", box.value.trim());
          params.set("located", "1");
        }
      }
      return (button.getAttribute("data-find-url") || "/find/") + "?" + params.toString();
    }

    button.addEventListener("click", function () {
      if (busy) return;
      if (!("geolocation" in navigator) || !window.isSecureContext) {
        say(MESSAGES.unsupported, true);
        return;
      }
      setBusy(true);
      say(gettext("Finding your location…"), false);
      timer = window.setTimeout(function () { fail("timeout"); }, GIVE_UP_MS);
      navigator.geolocation.getCurrentPosition(
        function (position) {
          if (!busy) return; // we already gave up and said so
          window.clearTimeout(timer);
          say(gettext("Found you. Loading the nearest clinics…"), false);
          window.location.assign(resultsUrl(position));
        },
        function (error) {
          if (!busy) return;
          var kinds = { 1: "denied", 2: "unavailable", 3: "timeout" };
          fail(kinds[error && error.code] || "unavailable");
        },
        { enableHighAccuracy: false, timeout: GIVE_UP_MS - 1000, maximumAge: 5 * 60 * 1000 }
      );
    });
  }

  // A live region already holding text when the page loads is not read out; setting it again is.
  function announce(region) {
    var text = region.textContent;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 120);
  }

  // On a phone the results page shows the search as one line; "Change" opens the form and moves focus into it.
  function setupSearchChange(button) {
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return;
    button.addEventListener("click", function () {
      var open = !panel.classList.contains("is-open");
      panel.classList.toggle("is-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var box = panel.querySelector("input[name=q]");
        if (box) box.focus();
      }
    });
  }

  document.querySelectorAll("[data-search-change]").forEach(setupSearchChange);
  document.querySelectorAll("[data-geolocate]").forEach(setupGeolocate);
  document.querySelectorAll("[data-announce]").forEach(announce);
})();
