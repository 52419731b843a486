/*
 * Rock Valley clinic finder for articles. The snippet:
 *   <div data-rockvalley-finder data-condition="pinched-nerve"><a href="…">Find a Rock Valley…</a></div>
 *   <script src="https://…/embed.js" async></script>
 * Each such div gets the finder in a frame from this script's own site, in the page's language (data-lang, else
 * the page's <html lang>). The div's link stays until the finder says it is shown: where the frame is refused
 * (a site not allowed to embed it) or fails, readers still have the link. No cookies, nothing else loaded.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.URL) return;
  var origin = new URL(script.src).origin;
  var mounted = [];

  function mount(box) {
    if (box.getAttribute("data-rockvalley-finder")) return; // already done by another copy of this script
    box.setAttribute("data-rockvalley-finder", "loading");
    var query = new URLSearchParams();
    var condition = box.getAttribute("data-condition");
    var langHolder = box.closest("[lang]");
    var lang = box.getAttribute("data-lang") || (langHolder && langHolder.getAttribute("lang"));
    if (condition) query.set("condition", condition);
    if (lang) query.set("lang", lang);
    var link = box.querySelector("a");
    var frame = document.createElement("iframe");
    frame.src = origin + "/embed/finder/?" + query;
    frame.title = (link && link.textContent.trim()) || "Rock Valley Physical Therapy";
    frame.setAttribute("allow", "geolocation");
    var style = frame.style;
    style.display = "block";
    style.width = "100%";
    style.height = "0";
    style.border = "0";
    style.visibility = "hidden"; // until the finder is shown: out of sight and out of the tab order
    box.insertBefore(frame, box.firstChild);
    mounted.push(frame);
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || !data || data.type !== "rockvalley-finder:height") return;
    mounted.forEach(function (frame) {
      if (frame.contentWindow !== event.source) return;
      var height = Math.min(Math.max(Number(data.height) || 0, 0), 4000);
      frame.style.height = height + "px";
      frame.style.visibility = "visible";
      var box = frame.parentNode;
      if (box.getAttribute("data-rockvalley-finder") === "loading") {
        box.setAttribute("data-rockvalley-finder", "shown");
        while (box.lastChild !== frame) box.removeChild(box.lastChild);
        while (box.firstChild !== frame) box.removeChild(box.firstChild);
      }
    });
  });

  document.querySelectorAll("[data-rockvalley-finder]").forEach(mount);
})();
