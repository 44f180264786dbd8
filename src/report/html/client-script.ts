/**
 * The page's only script, inlined (no network): sortable tables, the model/binding/device filters and the switch
 * between the two accuracy-curve variants. It works on markup conventions only, so every renderer gets it for
 * free by emitting `table.data`, `[data-model]`-style tags and `.filters select[name]`:
 * - a table header `th[data-type=number]` sorts by the cells' `data-sort` values numerically, blanks last;
 * - an element with class `filterable` is hidden when a filter is set and the element has that tag without the
 *   chosen value (tags are space-separated lists: an inference row belongs to its target and its source binding);
 * - with `data-filter-mode="server"` on the filter bar, a filter change reloads the page with the filter in its
 *   query string, so the server can redraw the figures from the filtered runs;
 * - a `figure[data-src]` is a placeholder: its SVG is fetched and drawn in when it nears the viewport (all at once
 *   where IntersectionObserver is missing), and a `section[data-fragment-src]` likewise fetches its body (the
 *   sections that grow with the runs), so a large campaign's page stays small and shows its statistics at once.
 */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  function sortValue(cell, numeric) {
    var raw = cell.getAttribute('data-sort');
    if (raw === null) raw = cell.textContent.trim();
    if (!numeric) return raw.toLowerCase();
    var n = parseFloat(raw);
    return isNaN(n) ? null : n;
  }
  function sortTable(th) {
    var table = th.closest('table');
    var body = table.tBodies[0];
    if (!body) return;
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.getAttribute('data-type') === 'number';
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    Array.prototype.forEach.call(th.parentNode.children, function (other) { other.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortValue(a.cells[index], numeric), y = sortValue(b.cells[index], numeric);
      if (x === null && y === null) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      var c = x < y ? -1 : x > y ? 1 : 0;
      return ascending ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  function filters() {
    var out = {};
    document.querySelectorAll('.filters select[name]').forEach(function (s) { if (s.value) out[s.name] = s.value; });
    return out;
  }
  function applyFilters() {
    var active = filters();
    var shown = 0, total = 0;
    document.querySelectorAll('.filterable').forEach(function (el) {
      var visible = Object.keys(active).every(function (key) {
        var tag = el.getAttribute('data-' + key);
        return tag === null || tag.split(' ').indexOf(active[key]) >= 0;
      });
      el.classList.toggle('filtered-out', !visible);
      if (el.tagName === 'TR') { total++; if (visible) shown++; }
    });
    var count = document.querySelector('.filters .count');
    if (count) count.textContent = shown + ' of ' + total + ' table rows shown';
  }
  function queryFromFilters() {
    var params = new URLSearchParams(window.location.search);
    document.querySelectorAll('.filters select[name]').forEach(function (s) {
      if (s.value) params.set(s.name, s.value); else params.delete(s.name);
    });
    var q = params.toString();
    return q ? '?' + q : window.location.pathname;
  }
  // Fetches what a placeholder names and hands the text to fill(el, text, holder); says so in place if it cannot.
  function loadInto(el, src, holderSelector, fill) {
    if (el.hasAttribute('data-state')) return;
    el.setAttribute('data-state', 'loading');
    var holder = el.querySelector(holderSelector);
    fetch(el.getAttribute(src))
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.text(); })
      .then(function (text) {
        fill(el, text, holder);
        el.setAttribute('data-state', 'loaded');
      })
      .catch(function (e) {
        el.setAttribute('data-state', 'failed');
        holder.lastChild.textContent = ' (could not load: ' + e.message + '; the link opens it)';
      });
  }
  function drawFigure(fig, text, holder) {
    // Parsed as an SVG document, not HTML: nothing in it can run, and vega's markup stays as written.
    var svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
    if (svg.nodeName !== 'svg') throw new Error('not an SVG');
    fig.replaceChild(document.importNode(svg, true), holder);
  }
  function fillSection(section, html, holder) {
    // The server's own rendering of this section (escaped like the page itself): inserted, then made live.
    var box = document.createElement('div');
    box.innerHTML = html;
    while (box.firstChild) section.insertBefore(box.firstChild, holder);
    section.removeChild(holder);
    wireTables(section);
    applyFilters();
  }
  function loadLazily() {
    var lazy = document.querySelectorAll('figure[data-src], section[data-fragment-src]');
    var load = function (el) {
      if (el.tagName === 'FIGURE') loadInto(el, 'data-src', '.figure-placeholder', drawFigure);
      else loadInto(el, 'data-fragment-src', '.fragment-placeholder', fillSection);
    };
    if (!lazy.length) return;
    if (!('IntersectionObserver' in window)) { lazy.forEach(load); return; }
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { if (e.isIntersecting) { seen.unobserve(e.target); load(e.target); } });
    }, { rootMargin: '600px 0px' });
    lazy.forEach(function (f) { seen.observe(f); });
  }
  function wireTables(root) {
    root.querySelectorAll('table.data th button').forEach(function (b) {
      b.addEventListener('click', function () { sortTable(b.closest('th')); });
    });
  }
  document.addEventListener('DOMContentLoaded', function () {
    loadLazily();
    wireTables(document);
    var bar = document.querySelector('.filters');
    var serverMode = bar && bar.getAttribute('data-filter-mode') === 'server';
    var params = new URLSearchParams(window.location.search);
    document.querySelectorAll('.filters select[name]').forEach(function (s) {
      var wanted = params.get(s.name);
      if (wanted !== null && Array.prototype.some.call(s.options, function (o) { return o.value === wanted; })) s.value = wanted;
      s.addEventListener('change', function () {
        if (serverMode) { window.location.search = queryFromFilters().replace(/^[^?]*/, ''); return; }
        applyFilters();
        try { window.history.replaceState(null, '', queryFromFilters()); } catch (e) { /* file:// pages may refuse; the filter still applies */ }
      });
    });
    document.querySelectorAll('input[name="curves"]').forEach(function (r) {
      if (r.checked) document.body.setAttribute('data-curves', r.value);
      r.addEventListener('change', function () { document.body.setAttribute('data-curves', r.value); });
    });
    applyFilters();
  });
})();
`;
