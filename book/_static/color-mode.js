// Before the first paint: the colour mode the reader chose last time, else the book's default
// (pydata-sphinx-theme's inline script, as a file for the Content-Security-Policy).
(function () {
  var data = document.documentElement.dataset, fallback = data.theme || "";
  data.mode = localStorage.getItem("mode") || fallback;
  data.theme = localStorage.getItem("theme") || fallback;
})();
