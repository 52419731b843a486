/*
 * Inside the finder's frame: tells the article how tall the finder is (embed.js sizes the frame to it), adds
 * "Use my location", and after a search announces the results. The finder works without this file.
 */
(function () {
  "use strict";

  var root = document.documentElement;

  // The height is no secret, so any page may hear it; embed.js listens only to its own frame, from our origin.
  // Nothing else is sent: what the reader searched for stays inside the frame.
  function postHeight() {
    if (window.parent === window) return;
    window.parent.postMessage(
      { type: "rockvalley-finder:height", height: Math.ceil(root.getBoundingClientRect().height) }, "*"
    );
  }
  if ("ResizeObserver" in window) new ResizeObserver(postHeight).observe(root);
  else window.addEventListener("resize", postHeight);
  postHeight();

  // "Use my location": the position (to about 10 m) goes in the form instead of the typed place.
  var button = document.querySelector("[data-locate]");
  var message = document.querySelector("[data-locate-message]");
  var policy = document.featurePolicy;
  if (button && message && "geolocation" in navigator && window.isSecureContext &&
      (!policy || policy.allowsFeature("geolocation"))) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var form = button.form;
      message.textContent = button.getAttribute("data-finding");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.elements.q.disabled = true;
          ["lat", "lng"].forEach(function (name, i) {
            var input = document.createElement("input");
            input.type = "hidden";
            input.name = name;
            input.value = (i ? position.coords.longitude : position.coords.latitude).toFixed(4);
            form.appendChild(input);
          });
          form.submit();
        },
        function (error) {
          message.textContent = button.getAttribute(error.code === 1 ? "data-denied" : "data-failed");
        },
        { timeout: 15000, maximumAge: 300000 }
      );
    });
  }

  // After a search made in the frame (it has the focus), move to the answer; a live region already holding text
  // when the page loads is not read out, so it is set again.
  if (document.hasFocus()) {
    var target = document.querySelector("[aria-invalid=true], [data-results-heading], [role=alert]");
    if (target) {
      if (!target.hasAttribute("tabindex") && target.tagName !== "INPUT") target.setAttribute("tabindex", "-1");
      target.focus();
    }
  }
  var status = document.querySelector("[data-announce]");
  if (status) {
    var text = status.textContent;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 120);
  }
})();
