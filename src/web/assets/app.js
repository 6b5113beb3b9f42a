// zhihui pages: small progressive enhancements (the pages work without them).
// No inline script anywhere: the Content-Security-Policy allows only this file and htmx.
(function () {
  "use strict";
  var NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
    "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十"];
  var seq = 1000;

  // Activity tasks (任务一, 任务二 …): add and remove rows without losing what was typed.
  function renumber(list) {
    var rows = list.querySelectorAll(".task");
    rows.forEach(function (row, i) {
      var t = row.querySelector("[data-task-title]");
      if (t) { t.textContent = "任务" + (NUM[i] || String(i + 1)); }
      var rm = row.querySelector("[data-remove-task]");
      if (rm) { rm.hidden = rows.length < 2; }
    });
  }
  document.addEventListener("click", function (e) {
    var add = e.target.closest("[data-add-task]");
    if (add) {
      e.preventDefault();
      var list = document.getElementById("tasks");
      var tpl = document.getElementById("task-template");
      if (!list || !tpl) { return; }
      var node = tpl.content.firstElementChild.cloneNode(true);
      seq += 1;
      node.querySelectorAll("[data-id]").forEach(function (el) {
        var id = el.getAttribute("data-id") + "-" + seq;
        if (el.tagName === "LABEL") { el.setAttribute("for", id); } else { el.id = id; }
      });
      list.appendChild(node);
      renumber(list);
      var first = node.querySelector("textarea,input");
      if (first) { first.focus(); }
      return;
    }
    var rm = e.target.closest("[data-remove-task]");
    if (rm) {
      e.preventDefault();
      var listEl = document.getElementById("tasks");
      if (listEl && listEl.querySelectorAll(".task").length > 1) {
        rm.closest(".task").remove();
        renumber(listEl);
      }
    }
  });

  // Live character count (counted as characters, like the server does).
  function count(input) {
    var out = document.getElementById(input.getAttribute("data-count-into"));
    if (!out) { return; }
    var max = parseInt(input.getAttribute("data-count-max"), 10);
    var n = Array.from(input.value.trim()).length;
    out.textContent = n + " / " + max + " 字";
    out.classList.toggle("over", n > max);
  }
  // 户名 differing from the unit's name: allowed, but flagged on every payout line.
  function expect(input) {
    var out = document.getElementById(input.getAttribute("data-expect-into"));
    if (!out) { return; }
    var v = input.value.trim();
    out.hidden = v === "" || v === input.getAttribute("data-expected");
  }
  // The size limit is known before the upload starts.
  function checkFile(input) {
    var out = document.getElementById(input.getAttribute("data-size-into"));
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    if (!out || !input.files || !input.files[0]) { return; }
    var big = input.files[0].size > max;
    out.hidden = !big;
    var btn = input.form && input.form.querySelector("[type=submit]");
    if (btn) { btn.disabled = big; }
  }
  function kindLimits(select) {
    var opt = select.options[select.selectedIndex];
    var form = select.form;
    if (!opt || !form) { return; }
    var file = form.querySelector("input[type=file]");
    var hint = document.getElementById(select.getAttribute("data-hint-into"));
    if (file) {
      file.setAttribute("data-max-bytes", opt.getAttribute("data-max-bytes"));
      file.setAttribute("accept", opt.getAttribute("data-accept"));
      checkFile(file);
    }
    if (hint) { hint.textContent = opt.getAttribute("data-hint"); }
  }
  document.addEventListener("input", function (e) {
    var t = e.target;
    if (t.hasAttribute("data-count-max")) { count(t); }
    if (t.hasAttribute("data-expected")) { expect(t); }
  });
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t.hasAttribute("data-max-bytes")) { checkFile(t); }
    if (t.hasAttribute("data-hint-into")) { kindLimits(t); }
  });
  function init(root) {
    root.querySelectorAll("[data-count-max]").forEach(count);
    root.querySelectorAll("[data-expected]").forEach(expect);
    root.querySelectorAll("[data-hint-into]").forEach(kindLimits);
    var list = root.querySelector("#tasks");
    if (list) { renumber(list); }
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (e) { init(e.target); });

  // Upload progress: htmx reports the XHR's upload progress on the form.
  document.addEventListener("htmx:xhr:progress", function (e) {
    var form = e.target.closest("form");
    var bar = form && form.querySelector("progress");
    if (!bar || !e.detail.lengthComputable) { return; }
    bar.hidden = false;
    bar.max = e.detail.total;
    bar.value = e.detail.loaded;
    var pct = form.querySelector("[data-progress-text]");
    var n = Math.round(e.detail.loaded * 100 / e.detail.total);
    if (pct) { pct.textContent = n + "%"; }
    // The fragment is replaced when the upload ends; the last figure stays readable here.
    document.body.setAttribute("data-upload-progress", String(n));
  });
  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = e.target.closest && e.target.closest("form[data-upload]");
    if (!form) { return; }
    var bar = form.querySelector("progress");
    if (bar) { bar.hidden = false; bar.value = 0; }
    var btn = form.querySelector("[type=submit]");
    if (btn) { btn.disabled = true; }
  });
})();

// The rubric editor's live total: the maxima typed so far, in tenths like the server counts.
(function () {
  "use strict";
  function sum(table) {
    var out = table.querySelector("[data-rubric-sum]");
    if (!out) { return; }
    var tenths = 0, bad = false;
    table.querySelectorAll("[data-rubric-max]").forEach(function (i) {
      var v = i.value.trim();
      if (v === "") { return; }
      if (!/^\d+(\.\d)?$/.test(v)) { bad = true; return; }
      tenths += Math.round(parseFloat(v) * 10);
    });
    out.textContent = bad ? "有无效的分值" : (Math.floor(tenths / 10) + "." + (tenths % 10));
    out.classList.toggle("over", bad);
  }
  document.addEventListener("input", function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute("data-rubric-max")) { sum(e.target.closest("table")); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#rubric").forEach(sum);
  });
})();

// The score form's running total and per-criterion range hint (the server checks again).
(function () {
  "use strict";
  function total(form) {
    var out = form.querySelector("[data-score-total]");
    if (!out) { return; }
    var tenths = 0, bad = false;
    form.querySelectorAll("[data-score-max]").forEach(function (i) {
      var v = i.value.trim();
      var max = Math.round(parseFloat(i.getAttribute("data-score-max")) * 10);
      var ok = v === "" || /^\d+(\.\d)?$/.test(v);
      var t = ok && v !== "" ? Math.round(parseFloat(v) * 10) : 0;
      var wrong = !ok || t > max;
      i.classList.toggle("over", wrong);
      i.setAttribute("aria-invalid", wrong ? "true" : "false");
      if (wrong) { bad = true; } else { tenths += t; }
    });
    out.textContent = (Math.floor(tenths / 10) + "." + (tenths % 10)) + (bad ? "（有超出范围或无效的分数）" : "");
  }
  document.addEventListener("input", function (e) {
    var f = e.target.closest && e.target.closest("[data-score-form]");
    if (f) { total(f); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-score-form]").forEach(total);
  });
})();
