/*
 * The clinic form's address: as staff type a ZIP code, its city and state are filled in (when blank, or
 * when filled in by this script before), from the admin's own ZIP endpoint (the offline ZIP data), and a
 * line under the ZIP says what it belongs to, or that it is unknown. A line by "Yes, the pin is right"
 * says how far the pin is from the ZIP's centre. The server checks all of this again on save.
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function cityKey(name) {
    var key = name.toLowerCase().replace(/[.'\u2019]/g, "").replace(/[^a-z0-9]+/g, " ").trim();
    var prefixes = [["saint ", "st "], ["ste ", "st "], ["fort ", "ft "], ["mount ", "mt "]];
    for (var i = 0; i < prefixes.length; i++) {
      if (key.indexOf(prefixes[i][0]) === 0) {
        key = prefixes[i][1] + key.slice(prefixes[i][0].length);
        break;
      }
    }
    return key.replace(/ /g, "");
  }

  function miles(lat1, lng1, lat2, lng2) {
    var rad = Math.PI / 180;
    var dLat = (lat2 - lat1) * rad;
    var dLng = (lng2 - lng1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
    return 2 * 3958.7613 * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  // A line under a field (after the admin's row around the input, before the field's help text).
  function statusLine(input, className) {
    var after = input.closest(".flex-container") || input;
    var line = document.createElement("div");
    line.className = className;
    line.setAttribute("aria-live", "polite");
    after.parentNode.insertBefore(line, after.nextSibling);
    return line;
  }

  function say(line, text, warning) {
    line.textContent = text;
    line.classList.toggle("address-warning", Boolean(warning));
  }

  ready(function () {
    var zipInput = document.querySelector("input[data-zip-lookup]");
    var cityInput = document.getElementById("id_city");
    var stateInput = document.getElementById("id_state");
    if (!zipInput || !cityInput || !stateInput || !window.fetch) return;
    var latInput = document.getElementById("id_latitude");
    var lngInput = document.getElementById("id_longitude");
    var confirmBox = document.getElementById("id_pin_confirmed");

    var zipLine = statusLine(zipInput, "zip-status");
    var pinLine = confirmBox ? statusLine(confirmBox, "pin-distance") : null;
    var current = null; // the ZIP's data, once known
    var asked = "";

    function checkPin() {
      if (!pinLine) return;
      var lat = latInput ? parseFloat(latInput.value) : NaN;
      var lng = lngInput ? parseFloat(lngInput.value) : NaN;
      if (!current || current.latitude === null || !isFinite(lat) || !isFinite(lng)) {
        say(pinLine, "", false);
        return;
      }
      var distance = miles(lat, lng, current.latitude, current.longitude);
      var far = distance > current.max_pin_miles;
      var text = "The pin is " + distance.toFixed(distance < 10 ? 1 : 0) + " miles from the centre of ZIP code " +
        current.zip_code + " (" + current.city + ", " + current.state + ").";
      if (far) text += " More than " + current.max_pin_miles + " miles: is the pin right?";
      say(pinLine, text, far);
    }

    function describe() {
      if (!current) return;
      var names = [current.city].concat(current.other_cities);
      var text = "ZIP code " + current.zip_code + ": " + current.city + ", " + current.state_name +
        (current.other_cities.length ? " (also " + current.other_cities.join(", ") + ")" : "") + ".";
      var problems = [];
      var typed = cityInput.value.trim();
      if (typed && names.map(cityKey).indexOf(cityKey(typed)) < 0) problems.push("not \u201c" + typed + "\u201d");
      if (stateInput.value && stateInput.value !== current.state) {
        var option = stateInput.options[stateInput.selectedIndex];
        problems.push("not " + (option ? option.text : stateInput.value));
      }
      if (problems.length) text += " It is " + problems.join(" and ") + ": check the ZIP code, the city and the state.";
      say(zipLine, text, problems.length > 0);
    }

    function fill(data) {
      current = data;
      if (!cityInput.value.trim() || cityInput.dataset.autofilled === "true") {
        cityInput.value = data.city;
        cityInput.dataset.autofilled = "true";
      }
      if (!stateInput.value || stateInput.dataset.autofilled === "true") {
        stateInput.value = data.state;
        stateInput.dataset.autofilled = "true";
      }
      describe();
      checkPin();
    }

    function lookUp() {
      var match = /^(\d{5})(?:[-\s]?\d{4})?$/.exec(zipInput.value.trim());
      if (!match) {
        current = null;
        asked = "";
        say(zipLine, "", false);
        checkPin();
        return;
      }
      var zip = match[1];
      if (zip === asked) return;
      asked = zip;
      var url = zipInput.dataset.zipLookup.replace("00000", zip);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (answer) {
          if (zip !== asked) return; // a later ZIP was typed meanwhile
          if (answer.ok) {
            fill(answer.body);
          } else {
            current = null;
            say(zipLine, answer.body.error || "This ZIP code could not be checked.", true);
            checkPin();
          }
        })
        .catch(function () {
          if (zip === asked) say(zipLine, "The ZIP code could not be checked just now; it is checked again on save.", true);
        });
    }

    zipInput.addEventListener("input", lookUp);
    zipInput.addEventListener("change", lookUp);
    cityInput.addEventListener("input", function () { cityInput.dataset.autofilled = "false"; describe(); });
    stateInput.addEventListener("change", function () { stateInput.dataset.autofilled = "false"; describe(); });
    [latInput, lngInput].forEach(function (input) {
      if (input) {
        input.addEventListener("input", checkPin);
        input.addEventListener("change", checkPin);
      }
    });
    lookUp();
  });
})();
