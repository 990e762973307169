// The alarm list's « Depuis » column: how long each alarm has waited, kept current between the
// list's refreshes (which swap the list only when it changed). A file, not inline: the CSP.
(function () {
  "use strict";
  function since(iso) {
    var minutes = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 60000));
    if (minutes < 60) { return minutes + " min"; }
    var hours = Math.floor(minutes / 60), rest = minutes % 60;
    if (hours < 24) { return hours + " h " + (rest < 10 ? "0" : "") + rest; }
    var day = document.documentElement.lang === "en" ? " d " : " j ";
    return Math.floor(hours / 24) + day + (hours % 24) + " h";
  }
  function tick() {
    var shown = document.querySelectorAll("time[data-since]");
    for (var i = 0; i < shown.length; i++) {
      shown[i].textContent = since(shown[i].getAttribute("data-since"));
    }
  }
  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSwap", tick);
  window.setInterval(tick, 30000);
})();
