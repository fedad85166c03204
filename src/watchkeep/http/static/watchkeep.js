/* Watchkeep's one script (pages carry no inline script): what htmx updates do to focus
   and to screen readers, and the small keyboard behaviours the markup cannot give.

   - Focus survives updates: if an update replaced the focused control, focus moves to the
     same control in the new content; if that is gone, to the heading of the nearest region
     that is still there (a panel), else to the page's heading.
   - What an action did is said in the polite live region #announcer: the "wk-announce"
     event an answer sends in HX-Trigger, or the notice a page shows once after a redirect
     (see watchkeep/http/announce.py).
   - A periodic refresh (an element polled with hx-trigger "every …") waits while focus is
     inside the element or a menu in it is open, and runs as soon as focus leaves it.
   - An error that names a form field marks that field (aria-invalid, aria-describedby
     pointing at the message) and focuses it; the next action that works clears every
     error on the page.
   - Escape closes the open <details> that holds focus and returns focus to its summary;
     a click elsewhere closes the top bar's menus (the account menu, the narrow screens'
     navigation menu).
   - Repeating rows: a button with data-add-row="<list selector>" appends a copy of its
     form's <template> row to that list and focuses it; a button with data-remove-row
     removes its row and hands focus to the next row or the add button. An input with
     data-select-on-focus selects its text (a URL to copy); a button with
     data-copy="<input id>" copies that input's value and says so.
*/
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region || !text) return;
    region.textContent = "";  // the same sentence twice must be spoken twice
    window.setTimeout(function () { region.textContent = text; }, 100);
  }

  // ---- Focus across updates ----------------------------------------------------------

  function formAction(el) {
    var form = el.closest("form");
    return form ? form.getAttribute("hx-post") || form.getAttribute("action") : null;
  }

  function sameControl(el, key) {
    return el.tagName === key.tag &&
      el.getAttribute("name") === key.name &&
      el.getAttribute("type") === key.type &&
      el.getAttribute("href") === key.href &&
      formAction(el) === key.form;
  }

  function twins(key) {
    return Array.prototype.filter.call(
      document.querySelectorAll(key.tag), function (el) { return sameControl(el, key); });
  }

  // What identifies a control across a re-render: its id, else its kind, name, link target
  // and form, and its position among the controls that share all of those.
  function keyOf(el) {
    var key = {
      id: el.id || null, tag: el.tagName, name: el.getAttribute("name"),
      type: el.getAttribute("type"), href: el.getAttribute("href"), form: formAction(el)
    };
    key.nth = twins(key).indexOf(el);
    return key;
  }

  function findControl(key) {
    var byId = key.id && document.getElementById(key.id);
    if (byId) return byId;
    var found = twins(key);
    return found[Math.max(key.nth, 0)] || found[0] || null;
  }

  function regionsAround(el) {
    var ids = [];
    for (var node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      if (node.id) ids.push(node.id);
    }
    return ids;
  }

  function focusHeading(region) {
    var target = region.matches("h1, h2, h3") ? region : region.querySelector("h1, h2, h3") || region;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  function focusControl(control) {
    var closed = control.closest("details:not([open])");
    if (closed && control.tagName !== "SUMMARY") control = closed.querySelector("summary");
    if (!control || control.disabled) return false;
    control.focus();
    return document.activeElement === control;
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  var remembered = null;  // the control that had focus when the last request started

  document.addEventListener("htmx:beforeRequest", function (evt) {
    var active = document.activeElement;
    if (active && active !== document.body && !isPausedPoll(evt)) {
      remembered = { key: keyOf(active), regions: regionsAround(active) };
    }
  });

  function restoreFocus() {
    var memo = remembered;
    remembered = null;
    if (!memo || !focusLost()) return;
    var control = findControl(memo.key);
    if (control && focusControl(control)) return;
    for (var i = 0; i < memo.regions.length; i++) {
      var region = document.getElementById(memo.regions[i]);
      if (region && region.offsetParent !== null) { focusHeading(region); return; }
    }
    focusHeading(document.getElementById("content") || document.body);
  }

  document.addEventListener("htmx:afterSettle", function () { window.setTimeout(restoreFocus, 0); });

  // ---- Periodic refreshes wait while the user is inside --------------------------------

  function polled(elt) {
    return /(^|,)\s*every\s/.test(elt.getAttribute("hx-trigger") || "");
  }

  function busy(elt) {
    return elt.contains(document.activeElement) || elt.querySelector("details[open]") !== null;
  }

  function isPausedPoll(evt) {
    return polled(evt.detail.elt) && busy(evt.detail.elt);
  }

  document.addEventListener("htmx:beforeRequest", function (evt) {
    if (isPausedPoll(evt)) {
      evt.preventDefault();
      evt.detail.elt.setAttribute("data-wk-stale", "");
    }
  });

  document.addEventListener("focusout", function (evt) {
    var next = evt.relatedTarget;
    document.querySelectorAll("[data-wk-stale]").forEach(function (elt) {
      if (next && elt.contains(next)) return;
      elt.removeAttribute("data-wk-stale");
      window.htmx.ajax("GET", elt.getAttribute("hx-get"), { source: elt, target: elt, swap: "outerHTML" });
    });
  });

  // ---- Errors tied to their fields -----------------------------------------------------

  function unmark(form) {
    form.querySelectorAll("[aria-invalid]").forEach(function (field) {
      field.removeAttribute("aria-invalid");
      var rest = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
        return id && !/-message$/.test(id);
      });
      if (rest.length) field.setAttribute("aria-describedby", rest.join(" "));
      else field.removeAttribute("aria-describedby");
    });
  }

  // The control an error is about: one that claims the name (data-field, for a control
  // whose own name differs from the service's), else the control of that name.
  function fieldNamed(form, name) {
    var claimed = form.querySelector('[data-field="' + CSS.escape(name) + '"]');
    if (claimed) return claimed;
    var named = form.elements.namedItem(name);
    return named && named.length !== undefined && !named.tagName ? named[0] : named;
  }

  function markError(evt) {
    var form = evt.detail.elt.closest("form");
    if (!form) return;
    unmark(form);
    var target = evt.detail.target;
    var slot = (target && target.id && document.getElementById(target.id + "-error")) ||
      document.getElementById("flash");
    var message = slot && slot.querySelector("[data-error-for]");
    var field = message && fieldNamed(form, message.getAttribute("data-error-for"));
    if (!field || !field.focus) return;
    field.setAttribute("aria-invalid", "true");
    var described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    described.push(message.id);
    field.setAttribute("aria-describedby", described.join(" "));
    remembered = null;  // the field gets focus, not the control that sent the form
    field.focus();
  }

  // After an action that worked, no error from an earlier one stays on the page.
  function clearErrors() {
    document.querySelectorAll(".part-error, #flash").forEach(function (slot) { slot.textContent = ""; });
    document.querySelectorAll("form").forEach(unmark);
  }

  document.addEventListener("htmx:afterRequest", function (evt) {
    if (evt.detail.failed) window.setTimeout(function () { markError(evt); }, 0);
    else if ((evt.detail.requestConfig || {}).verb !== "get") clearErrors();
  });

  // ---- Menus ---------------------------------------------------------------------------

  var MENUS = "details.user-menu[open], details.nav-menu[open]";  // the top bar's menus

  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "Escape") return;
    var active = document.activeElement;
    var open = (active && active.closest("details[open]")) || document.querySelector(MENUS);
    if (!open) return;
    open.open = false;
    open.querySelector("summary").focus();
    evt.preventDefault();
  });

  document.addEventListener("click", function (evt) {
    document.querySelectorAll(MENUS).forEach(function (menu) {
      if (!menu.contains(evt.target)) menu.open = false;
    });
  });

  // ---- Repeating rows and copyable fields -------------------------------------------------

  document.addEventListener("click", function (evt) {
    var add = evt.target.closest("[data-add-row]");
    if (add) {
      var form = add.closest("form");
      var row = form.querySelector("template").content.firstElementChild.cloneNode(true);
      form.querySelector(add.getAttribute("data-add-row")).append(row);
      window.htmx.process(row);
      row.querySelector("input, textarea, select").focus();
      return;
    }
    var remove = evt.target.closest("[data-remove-row]");
    if (remove) {
      var item = remove.closest("li");
      var next = item.nextElementSibling || item.previousElementSibling;
      var list = item.parentElement;
      item.remove();
      var focusTo = next ? next.querySelector("[data-remove-row]") :
        list.closest("form").querySelector("[data-add-row]");
      if (focusTo) focusTo.focus();
      announce("Row removed.");
    }
  });

  document.addEventListener("focusin", function (evt) {
    if (evt.target.matches && evt.target.matches("[data-select-on-focus]")) evt.target.select();
  });

  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    field.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(field.value).then(
        function () { announce("Copied."); },
        function () { announce("Selected; copy it with your keyboard."); });
    } else {
      announce("Selected; copy it with your keyboard.");
    }
  });

  // ---- Announcements -------------------------------------------------------------------

  document.addEventListener("wk-announce", function (evt) { announce(evt.detail.value); });

  function onLoad() {
    var notice = document.querySelector("[data-notice]");
    if (!notice) return;
    var heading = document.querySelector("main h1");
    if (heading) focusHeading(heading);
    announce(notice.getAttribute("data-notice"));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onLoad);
  else onLoad();
})();
