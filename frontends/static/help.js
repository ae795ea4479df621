// The diagnosis card's behaviour on the help page: fix tabs (WAI-ARIA tabs pattern) and Copy.
// The page works without it: every fix panel shows, and Download is a plain link.
(function () {
  "use strict";
  function enhance(card) {
    var tabs = Array.prototype.slice.call(card.querySelectorAll('[role="tab"]'));
    function select(tab, focus) {
      tabs.forEach(function (other) {
        var chosen = other === tab;
        other.setAttribute("aria-selected", chosen ? "true" : "false");
        other.tabIndex = chosen ? 0 : -1;
        document.getElementById(other.getAttribute("aria-controls")).hidden = !chosen;
      });
      if (focus) tab.focus();
    }
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { select(tab, false); });
      tab.addEventListener("keydown", function (event) {
        var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        select(tabs[(next + tabs.length) % tabs.length], true);
      });
    });
    var selected = tabs.filter(function (tab) { return tab.getAttribute("aria-selected") === "true"; })[0];
    if (selected) select(selected, false);
    card.querySelectorAll(".lbd-copy").forEach(function (button) {
      button.hidden = false;  // a Copy button needs a script: hidden until one is here
      var status = document.createElement("span");
      status.setAttribute("role", "status");
      status.className = "lbd-copy-status";
      button.parentNode.appendChild(status);
      button.addEventListener("click", function () {
        var text = document.getElementById(button.getAttribute("data-copy")).textContent;
        navigator.clipboard.writeText(text).then(function () {
          status.textContent = button.getAttribute("data-copied");
        });
      });
    });
  }
  document.querySelectorAll(".lbd-card").forEach(enhance);
})();
