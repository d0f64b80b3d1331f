// Kiosk mode: go back to the start page after a while without a touch, so that the next person
// at the service hall's query computer never sees someone else's case. Served as a file: the
// Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";
  var body = document.body;
  var home = body.dataset.kioskHome;
  var idle = parseInt(body.dataset.kioskIdle, 10);
  if (!home || !(idle > 0)) {
    return;
  }
  var warnFor = Math.min(15, Math.floor(idle / 3));
  var countdown = document.getElementById("kiosk-countdown");
  var last = Date.now();

  function touched() {
    last = Date.now();
    if (countdown && !countdown.hidden) {
      countdown.hidden = true;
    }
  }

  ["pointerdown", "keydown", "input", "wheel", "touchstart"].forEach(function (name) {
    document.addEventListener(name, touched, { passive: true, capture: true });
  });

  window.setInterval(function () {
    var left = idle - Math.floor((Date.now() - last) / 1000);
    if (left <= 0) {
      // replace(): the page being left does not stay in the history to go back to.
      window.location.replace(home);
      return;
    }
    if (countdown && left <= warnFor) {
      countdown.hidden = false;
      countdown.textContent = (countdown.dataset.template || "… {s}").replace("{s}", String(left));
    }
  }, 1000);

  // Nothing of this visit may come back from the browser's page cache either.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      window.location.replace(home);
    }
  });
})();
