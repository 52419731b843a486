/* The snippet builder: "Copy the snippet". Without it, the snippet can still be selected and copied by hand. */
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector("[data-copy-status]");
    function say(name) { status.textContent = button.getAttribute(name); }
    // A choice changed since the snippet was made: copying now would paste the old one.
    document.querySelectorAll(".embed-builder__form select").forEach(function (select) {
      select.addEventListener("change", function () {
        button.disabled = true;
        field.setAttribute("aria-disabled", "true");
        say("data-stale");
      });
    });
    button.addEventListener("click", function () {
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { say("data-copied"); }, function () { say("data-copy-failed"); });
      } else {
        say(document.execCommand && document.execCommand("copy") ? "data-copied" : "data-copy-failed");
      }
    });
  });
})();
