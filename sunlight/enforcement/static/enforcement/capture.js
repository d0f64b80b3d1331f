/*
 * The capture page (/enforcement/capture/): take a photo with the phone's camera or choose a
 * file, take the position, compute the SHA-256 on the phone, and send the file to the
 * resumable upload API in chunks with a progress bar. When the network drops, the upload
 * waits and retries (sooner when the browser says it is online again), asking the server
 * where to continue; pending uploads stay in this page until they are received.
 *
 * Without this script the page is a plain form that posts the file (the server then computes
 * the hash and says so on the evidence).
 */
(function () {
  "use strict";

  var form = document.getElementById("capture-form");
  if (!form || !window.fetch || !window.crypto || !window.crypto.subtle || !window.Promise) {
    return;
  }
  var texts = JSON.parse(document.getElementById("capture-texts").textContent);
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var api = form.dataset.api;
  var evidenceUrl = form.dataset.evidenceUrl;
  var chunkBytes = parseInt(form.dataset.chunk, 10) || 2097152;
  var list = document.getElementById("uploads");
  var section = document.getElementById("uploads-section");
  var camera = document.getElementById("camera");
  var video = document.getElementById("camera-preview");
  var canvas = document.getElementById("photo-canvas");
  var startButton = document.getElementById("camera-start");
  var shootButton = document.getElementById("camera-shoot");
  var positionStatus = document.getElementById("position-status");
  var queue = [];
  var running = false;
  var position = null;

  function field(name) {
    return form.querySelector("[name=" + name + "]");
  }

  // -- position ---------------------------------------------------------------------------
  function locate() {
    if (!navigator.geolocation) {
      positionStatus.textContent = texts.no_position;
      return;
    }
    navigator.geolocation.watchPosition(
      function (found) {
        position = {
          latitude: Number(found.coords.latitude.toFixed(6)),
          longitude: Number(found.coords.longitude.toFixed(6)),
          accuracy_m: Math.round(found.coords.accuracy || 0)
        };
        field("latitude").value = position.latitude;
        field("longitude").value = position.longitude;
        field("accuracy_m").value = position.accuracy_m;
        positionStatus.textContent = position.latitude + ", " + position.longitude + " ±" + position.accuracy_m + " m";
      },
      function () {
        positionStatus.textContent = texts.no_position;
      },
      { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 }
    );
  }

  // -- camera -----------------------------------------------------------------------------
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    camera.hidden = false;
    startButton.addEventListener("click", function () {
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (stream) {
          video.srcObject = stream;
          return video.play();
        })
        .then(function () {
          shootButton.disabled = false;
        })
        .catch(function () {
          positionStatus.textContent = texts.no_camera;
        });
    });
    shootButton.addEventListener("click", function () {
      var takenAt = new Date();
      canvas.width = video.videoWidth || 640;
      canvas.height = video.videoHeight || 480;
      // The preview of the photo stays a canvas: the page's policy allows no blob: images.
      canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
      canvas.hidden = false;
      canvas.toBlob(
        function (blob) {
          enqueue(blob, "photo", takenAt);
        },
        "image/jpeg",
        0.9
      );
    });
  }

  form.addEventListener("submit", function (event) {
    var file = field("file").files[0];
    if (!file) {
      return; // let the form say that a file is missing
    }
    event.preventDefault();
    // A file from the phone's camera app was last modified when it was taken.
    enqueue(file, field("kind").value, new Date(file.lastModified || Date.now()));
    field("file").value = "";
  });

  window.addEventListener("beforeunload", function (event) {
    if (queue.some(function (item) { return item.state === "waiting" || item.state === "sending"; })) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // -- the queue --------------------------------------------------------------------------
  function enqueue(blob, kind, takenAt) {
    var item = {
      blob: blob,
      kind: kind,
      deviceTime: takenAt.toISOString(),
      caseNumber: field("case").value,
      note: field("note").value,
      position: position,
      id: null,
      offset: 0,
      sha256: null,
      state: "waiting"
    };
    render(item, takenAt);
    queue.push(item);
    section.hidden = false;
    run();
  }

  function render(item, takenAt) {
    var li = document.createElement("li");
    var title = document.createElement("strong");
    var option = field("kind").querySelector("option[value=" + item.kind + "]");
    title.textContent = (option ? option.textContent : item.kind) + " · " + takenAt.toLocaleTimeString() + " · " + item.caseNumber;
    var bar = document.createElement("progress");
    bar.max = item.blob.size;
    bar.value = 0;
    var status = document.createElement("span");
    status.className = "upload-status";
    var sha = document.createElement("code");
    sha.className = "upload-sha";
    li.appendChild(title);
    li.appendChild(bar);
    li.appendChild(status);
    li.appendChild(sha);
    li.dataset.state = "waiting";
    list.insertBefore(li, list.firstChild);
    item.element = li;
    item.bar = bar;
    item.status = status;
    item.sha = sha;
    show(item, texts.ready);
    return li;
  }

  function show(item, message) {
    item.status.textContent = message;
    item.element.dataset.state = item.state;
    item.bar.value = item.offset;
  }

  function run() {
    if (running) {
      return;
    }
    running = true;
    var next = queue.find(function (item) { return item.state === "waiting"; });
    if (!next) {
      running = false;
      return;
    }
    send(next).then(function () {
      running = false;
      run();
    });
  }

  // -- talking to the API -----------------------------------------------------------------
  function Refusal(message) {
    this.message = message;
  }

  function call(method, url, body, contentType) {
    var headers = { "X-CSRFToken": csrf, Accept: "application/json" };
    if (contentType) {
      headers["Content-Type"] = contentType;
    }
    return fetch(url, { method: method, body: body, headers: headers, credentials: "same-origin" }).then(
      function (response) {
        if (response.ok || response.status === 409) {
          return response.json().then(function (data) {
            data.conflict = response.status === 409;
            return data;
          });
        }
        if (response.status >= 400 && response.status < 500) {
          return response.json().then(
            function (data) { throw new Refusal(data.detail || response.statusText); },
            function () { throw new Refusal(response.statusText); }
          );
        }
        throw new Error(response.statusText); // a server or proxy error: try again
      }
    );
  }

  function hex(buffer) {
    return Array.prototype.map
      .call(new Uint8Array(buffer), function (byte) { return ("0" + byte.toString(16)).slice(-2); })
      .join("");
  }

  function pause(seconds) {
    return new Promise(function (resolve) {
      var timer = setTimeout(resolve, seconds * 1000);
      window.addEventListener("online", function () { clearTimeout(timer); resolve(); }, { once: true });
    });
  }

  function declare(item) {
    var body = {
      kind: item.kind,
      size: item.blob.size,
      sha256: item.sha256,
      device_time: item.deviceTime,
      "case": item.caseNumber,
      note: item.note
    };
    if (item.position) {
      body.latitude = item.position.latitude;
      body.longitude = item.position.longitude;
      body.accuracy_m = item.position.accuracy_m;
    }
    return call("POST", api, JSON.stringify(body), "application/json").then(function (upload) {
      item.id = upload.id;
      item.offset = upload.offset;
      chunkBytes = upload.chunk_bytes || chunkBytes;
    });
  }

  function sendChunks(item) {
    if (item.offset >= item.blob.size) {
      return Promise.resolve();
    }
    var end = Math.min(item.offset + chunkBytes, item.blob.size);
    var url = api + "/" + item.id + "/chunks?offset=" + item.offset;
    return call("PUT", url, item.blob.slice(item.offset, end), "application/octet-stream").then(function (answer) {
      if (answer.conflict && answer.state !== "open") {
        throw new Refusal(answer.detail);
      }
      item.offset = answer.offset; // after a conflict: where the server wants us to go on
      show(item, texts.uploading);
      return sendChunks(item);
    });
  }

  function complete(item) {
    return call("POST", api + "/" + item.id + "/complete").then(function (answer) {
      if (answer.conflict) {
        if (answer.state !== "open") {
          throw new Refusal(answer.detail);
        }
        item.offset = answer.offset;
        return sendChunks(item).then(function () { return complete(item); });
      }
      return answer;
    });
  }

  function attempt(item, tries) {
    var resume = item.id
      ? call("GET", api + "/" + item.id).then(function (upload) { item.offset = upload.offset; })
      : declare(item);
    return resume
      .then(function () { return sendChunks(item); })
      .then(function () { return complete(item); })
      .catch(function (error) {
        if (error instanceof Refusal) {
          throw error;
        }
        var wait = Math.min(30, Math.pow(2, Math.min(tries, 5)));
        show(item, navigator.onLine === false ? texts.offline : texts.retrying.replace("%s", wait));
        return pause(wait).then(function () { return attempt(item, tries + 1); });
      });
  }

  function send(item) {
    item.state = "sending";
    show(item, texts.hashing);
    return item.blob
      .arrayBuffer()
      .then(function (bytes) { return window.crypto.subtle.digest("SHA-256", bytes); })
      .then(function (digest) {
        item.sha256 = hex(digest);
        item.sha.textContent = "SHA-256 " + item.sha256;
        show(item, texts.uploading);
        return attempt(item, 0);
      })
      .then(function (evidence) {
        item.state = "done";
        item.offset = item.blob.size;
        item.element.dataset.sha256 = evidence.sha256;
        item.element.dataset.evidence = evidence.id;
        show(item, texts.done + " ");
        var link = document.createElement("a");
        link.href = evidenceUrl.replace("CASE", encodeURIComponent(item.caseNumber));
        link.textContent = texts.open_evidence;
        item.status.appendChild(link);
      })
      .catch(function (error) {
        item.state = "failed";
        show(item, texts.failed + " " + (error.message || error));
      });
  }

  locate();
})();
