/*
 * Suggestions under the search box as the visitor types: ZIP codes, cities and conditions from /api/v1/suggest/.
 *
 * The ARIA Authoring Practices "combobox with list autocomplete" pattern: the box keeps focus, Down/Up move
 * through the list (aria-activedescendant), Enter takes the highlighted suggestion, Escape closes the list (a
 * second Escape clears the box), a click or tap takes one, and a polite status line says how many there are.
 * Without this file the box is a plain text box and the form works the same.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 150;
  // Words in the page's language: Django's catalog (/es/jsi18n/) defines gettext on Spanish pages; English needs none.
  // The suggestions themselves come in the page's language too: its data-suggest-url asks for it (?lang=es).
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, count) { return count === 1 ? one : many; };
  var KIND_LABELS = { zip: gettext("ZIP code"), city: gettext("City"), condition: gettext("Condition") };

  function setup(input) {
    var url = input.getAttribute("data-suggest-url");
    var field = input.closest(".field") || input.parentNode;
    var listId = input.id + "-suggestions";
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var items = [];
    var active = -1;
    var timer = null;
    var latest = 0;
    var lastAsked = null;

    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", gettext("Suggestions"));
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    field.classList.add("field--suggest");
    input.insertAdjacentElement("afterend", list);
    field.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off"); // the browser's own list would cover ours

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.children;
      if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
      active = index;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[active].id);
        options[active].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var item = items[index];
      if (!item) return;
      // A condition still needs a place: "Pinched nerve near " and the visitor types the town or ZIP.
      input.value = item.kind === "condition" ? gettext("%s near ").replace("%s", item.value) : item.value;
      lastAsked = input.value.trim();
      close();
      status.textContent = "";
      input.focus();
      var end = input.value.length;
      input.setSelectionRange(end, end);
    }

    function show(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = listId + "-" + index;
        option.className = "suggestions__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var label = document.createElement("span");
        label.className = "suggestions__label";
        label.textContent = item.label;
        var kind = document.createElement("span");
        kind.className = "suggestions__kind";
        kind.textContent = KIND_LABELS[item.kind] || "";
        option.appendChild(label);
        option.appendChild(kind);
        // mousedown, not click: the box must not lose focus (and close the list) first.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        list.appendChild(option);
      });
      active = -1;
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent =
          ngettext(
            "%s suggestion. Use the up and down arrows to choose.",
            "%s suggestions. Use the up and down arrows to choose.",
            found.length
          ).replace("%s", String(found.length));
      } else {
        close();
        status.textContent = "";
      }
    }

    function ask() {
      var text = input.value.trim();
      if (text === lastAsked) return;
      lastAsked = text;
      if (text.length < 2 && !/^\d$/.test(text)) {
        show([]);
        return;
      }
      var ticket = ++latest;
      fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(text), { headers: { Accept: "application/json" }, credentials: "omit" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) {
          if (ticket === latest && document.activeElement === input) show(body.results || []);
        })
        .catch(function () { if (ticket === latest) show([]); }); // suggestions are a help, never a blocker
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        if (!open) {
          if (items.length) { show(items); }
          return;
        }
        event.preventDefault();
        highlight(active + 1 >= items.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp") {
        if (!open) return;
        event.preventDefault();
        highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault(); // take the suggestion; a second Enter searches
          choose(active);
        } else {
          close();
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
          status.textContent = "";
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          lastAsked = "";
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[data-suggest-url]").forEach(setup);
})();
