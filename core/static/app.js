// Light progressive enhancement; every page works without it.
// - Fields with data-condition (a form-language `visible_when`) show and hide as the user
//   types, evaluated exactly as the server does (same row first, then the top level).
// - "Select all" for the case list; a print button; a file input that loads into a textarea.
// - After a refused submission, focus moves to the error summary (#form-errors).
// - "Add a row" adds the row of a repeating group in the page, with no round trip (and
//   so with no network too): the row the server would draw, from the group's
//   <template class="row-template">, its names numbered after the rows shown. Without
//   this script the button asks the server to draw it.
(function () {
  "use strict";

  function valueOf(form, name) {
    var els = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
    if (!els.length) return undefined;
    var first = els[0];
    if (first.type === "checkbox") {
      var vals = [];
      els.forEach(function (e) { if (e.checked) vals.push(e.value); });
      return vals;
    }
    if (first.type === "radio") {
      var v = null;
      els.forEach(function (e) { if (e.checked) v = e.value; });
      return v === "true" ? true : v === "false" ? false : v;
    }
    var s = first.value;
    if (s === "") return null;
    if (first.type === "number" && !isNaN(Number(s))) return Number(s);
    return s;
  }

  function holds(cond, value) {
    var v = value === undefined ? null : value;
    var eq = function (a, b) { return JSON.stringify(a) === JSON.stringify(b); };
    if ("equals" in cond) return eq(v, cond.equals);
    if ("not_equals" in cond) return !eq(v, cond.not_equals);
    if ("in" in cond) {
      if (Array.isArray(v)) return v.some(function (x) { return cond.in.some(function (y) { return eq(x, y); }); });
      return cond.in.some(function (y) { return eq(v, y); });
    }
    return true;
  }

  function refresh(form) {
    form.querySelectorAll("[data-condition]").forEach(function (el) {
      var cond;
      try { cond = JSON.parse(el.getAttribute("data-condition")); } catch (e) { return; }
      var scope = el.getAttribute("data-scope") || "";
      var parts = scope.split(".");
      parts.pop();
      var rowName = parts.concat([cond.field]).join(".");
      var v = valueOf(form, rowName);
      if (v === undefined) v = valueOf(form, "f." + cond.field);
      var show = holds(cond, v);
      el.classList.add("js-hide");
      el.setAttribute("data-hidden", show ? "false" : "true");
      el.hidden = !show;
    });
  }

  function watchConditions(form) {
    if (form.dataset.conditions || !form.querySelector("[data-condition]")) return;
    form.dataset.conditions = "on";
    refresh(form);
    form.addEventListener("change", function () { refresh(form); });
    form.addEventListener("input", function () { refresh(form); });
  }

  // The row the server draws for "add a row" (forms.rs: the group's rows, then an empty
  // one; no more than the group's maximum), numbered after the rows shown. A row's
  // names and ids carry its group's, so a row inside a row is numbered in turn when its
  // own button is pressed.
  function addRow(button) {
    var group = button.closest("fieldset.group");
    var template = group && group.querySelector(":scope > template.row-template");
    if (!template) return false;
    var rows = group.querySelectorAll(":scope > fieldset.row");
    var max = Number(group.getAttribute("data-max-items") || 0);
    if (max > 0 && rows.length >= max) return true;
    var n = rows.length;
    var name = group.getAttribute("data-group");
    var html = template.innerHTML
      .split(name + ".__row__").join(name + "." + n)
      .split(group.id + "-__row__").join(group.id + "-" + n)
      .replace("__row_number__", String(n + 1));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    template.before(row);
    init(row);
    var form = button.form;
    if (form) {
      watchConditions(form);
      refresh(form);
      form.dispatchEvent(new Event("change", { bubbles: true }));
    }
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
    return true;
  }

  document.addEventListener("click", function (e) {
    var b = e.target instanceof Element && e.target.closest('button[name="_add_row"]');
    if (b && addRow(b)) e.preventDefault();
  });

  function init(root) {
    root.querySelectorAll("form").forEach(watchConditions);
    root.querySelectorAll("[data-select-all]").forEach(function (box) {
      box.addEventListener("change", function () {
        var name = box.getAttribute("data-select-all");
        box.form.querySelectorAll('input[name="' + name + '"]').forEach(function (c) { c.checked = box.checked; });
      });
    });
    root.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    // A file over the server's limit is refused before it is sent, next to its field.
    root.querySelectorAll("form[data-max-upload] input[type=file]").forEach(function (input) {
      input.addEventListener("change", function () {
        var max = Number(input.form.getAttribute("data-max-upload"));
        var note = document.getElementById(input.id + "-too-large");
        var file = input.files && input.files[0];
        var tooLarge = file && max > 0 && file.size > max;
        if (tooLarge) {
          input.value = "";
          if (!note) {
            note = document.createElement("p");
            note.id = input.id + "-too-large";
            note.className = "error";
            note.setAttribute("role", "alert");
            input.insertAdjacentElement("afterend", note);
          }
          note.textContent = input.form.getAttribute("data-too-large");
          input.setAttribute("aria-invalid", "true");
        } else if (note) {
          note.remove();
          input.removeAttribute("aria-invalid");
        }
      });
    });
    root.querySelectorAll("input[type=file][data-into]").forEach(function (input) {
      input.addEventListener("change", function () {
        var target = document.getElementById(input.getAttribute("data-into"));
        var file = input.files && input.files[0];
        if (!target || !file) return;
        var reader = new FileReader();
        reader.onload = function () { target.value = reader.result; };
        reader.readAsText(file);
      });
    });
  }

  // After a refused submission the page opens on the error summary: focus it, so
  // keyboard and screen-reader users start there and can follow its links to each field.
  function focusErrors() {
    var summary = document.getElementById("form-errors");
    if (summary) summary.focus();
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); focusErrors(); });
  document.addEventListener("htmx:load", function (e) { if (e.detail && e.detail.elt && e.detail.elt !== document.body) init(e.detail.elt); });
})();
