/* The snippet builder: "Copy the snippet". Without it, the snippet can still be selected and copied by hand. */
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector("[data-copy-status]");
    button.addEventListener("click", function () {
      function say(name) { status.textContent = button.getAttribute(name); }
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { say("data-copied"); }, function () { say("data-copy-failed"); });
      } else {
        say(document.execCommand && document.execCommand("copy") ? "data-copied" : "data-copy-failed");
      }
    });
  });
})();
