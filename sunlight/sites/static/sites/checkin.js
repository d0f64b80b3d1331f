/*
 * The check-in page: fill the position from the phone, and the photo's SHA-256 (computed here)
 * and time, so that the server checks the hash instead of computing it. The form still posts
 * the photo normally; without this script the inspector types the position.
 */
(function () {
  "use strict";
  var form = document.getElementById("check-in-form");
  if (!form) {
    return;
  }
  var status = document.getElementById("check-in-position");
  function field(name) {
    return form.querySelector("[name=" + name + "]");
  }
  if (navigator.geolocation) {
    navigator.geolocation.watchPosition(
      function (found) {
        field("latitude").value = found.coords.latitude.toFixed(6);
        field("longitude").value = found.coords.longitude.toFixed(6);
        field("accuracy_m").value = Math.round(found.coords.accuracy || 0);
        status.textContent = field("latitude").value + ", " + field("longitude").value + " ±" + field("accuracy_m").value + " m";
      },
      function () {},
      { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 }
    );
  }
  var photo = field("photo");
  if (photo && window.crypto && window.crypto.subtle) {
    photo.addEventListener("change", function () {
      var file = photo.files[0];
      field("sha256").value = "";
      if (!file) {
        return;
      }
      field("device_time").value = new Date(file.lastModified || Date.now()).toISOString();
      file.arrayBuffer()
        .then(function (bytes) { return window.crypto.subtle.digest("SHA-256", bytes); })
        .then(function (digest) {
          field("sha256").value = Array.prototype.map
            .call(new Uint8Array(digest), function (b) { return ("0" + b.toString(16)).slice(-2); })
            .join("");
        });
    });
  }
})();
