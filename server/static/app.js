// GB search: small progressive enhancements. Every page works without this
// script; it only adds suggestions while typing, a filter box for facets
// with many values, and submitting the form when the sort changes.
// Text from the API is only ever set with textContent, never as HTML.
(function () {
  "use strict";

  function debounce(fn, ms) {
    var t;
    return function () {
      var args = arguments, self = this;
      clearTimeout(t);
      t = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  // Suggestions (symbols and titles) as you type, in the input's datalist.
  var q = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (q && list && window.fetch) {
    var last = "";
    q.addEventListener("input", debounce(function () {
      var text = q.value;
      if (text === last || text.length < 2 || text.length > 100) { return; }
      last = text;
      fetch("/api/v1/suggest?size=8&q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) {
          if (q.value !== text) { return; }
          while (list.firstChild) { list.removeChild(list.firstChild); }
          (data.suggestions || []).forEach(function (s) {
            var o = document.createElement("option");
            o.value = s.symbol;
            o.label = s.title ? s.symbol + " — " + s.title : s.symbol;
            list.appendChild(o);
          });
        })
        .catch(function () { /* suggestions are a convenience */ });
    }, 150));
  }

  // Submit when the sort changes.
  Array.prototype.forEach.call(document.querySelectorAll("select[data-autosubmit]"), function (sel) {
    sel.addEventListener("change", function () { if (sel.form) { sel.form.submit(); } });
  });

  // Filter boxes for facets that have more values than are listed: they ask
  // /api/v1/facets/{name}?prefix= under the current query and filters.
  Array.prototype.forEach.call(document.querySelectorAll("input.facet-filter"), function (input) {
    var name = input.getAttribute("data-facet-name");
    var found = input.nextElementSibling;
    input.hidden = false;
    input.addEventListener("input", debounce(function () {
      var prefix = input.value.trim();
      while (found.firstChild) { found.removeChild(found.firstChild); }
      if (!prefix) { found.hidden = true; return; }
      var params = new URLSearchParams(window.location.search);
      params.delete("from"); params.delete("after"); params.delete("sort");
      params.delete("size"); params.delete("facet_size");
      var selected = params.getAll(name);
      params.delete(name);
      selected.forEach(function (v) { params.append(name, v); });
      var api = new URLSearchParams(params);
      api.set("prefix", prefix);
      api.set("size", "20");
      fetch("/api/v1/facets/" + encodeURIComponent(name) + "?" + api.toString())
        .then(function (r) { return r.ok ? r.json() : { values: [] }; })
        .then(function (data) {
          while (found.firstChild) { found.removeChild(found.firstChild); }
          (data.values || []).forEach(function (v) {
            var page = new URLSearchParams(window.location.search);
            page.delete("from"); page.delete("after");
            if (page.getAll(name).indexOf(v.value) < 0) { page.append(name, v.value); }
            var li = document.createElement("li");
            var a = document.createElement("a");
            a.href = "/?" + page.toString();
            a.className = "facet-value" + (v.selected ? " selected" : "");
            var label = document.createElement("span");
            label.className = "label";
            label.textContent = v.value;
            var count = document.createElement("span");
            count.className = "count";
            count.textContent = String(v.count);
            a.appendChild(label); a.appendChild(count);
            li.appendChild(a);
            found.appendChild(li);
          });
          found.hidden = found.childNodes.length === 0;
        })
        .catch(function () { found.hidden = true; });
    }, 200));
  });
})();
