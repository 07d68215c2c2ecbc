/* The SCORM runtime of a lesson page: scorm-again's API (Scorm12API or Scorm2004API) runs here, in the site's frame,
   started from the data the learner left; the package runs in a frame of the content origin and reaches the API
   only through postMessage (scorm-again's CrossFrameLMS here, CrossFrameAPI there), so its scripts never see this
   page, its cookies or its endpoints. Each commit goes to the commit endpoint with the CSRF header and a number in
   its session, so the server keeps the newest data whatever order commits arrive in. When the tab closes, what the
   package has set is sent once more (fetch with keepalive), so nothing set before the close is lost. */
(function () {
  "use strict";
  var player = document.getElementById("scorm-player");
  if (!player) {
    return;
  }
  var config = JSON.parse(player.getAttribute("data-config"));
  var status = document.getElementById("scorm-status");
  var seq = 0;
  var finished = false;

  function message(name) {
    var node = document.querySelector("[data-scorm-message='" + name + "']");
    return node ? node.textContent : "";
  }

  function show(name) {
    if (status) {
      status.textContent = message(name);
      status.className = "scorm-status scorm-status--" + name;
    }
  }

  function answered(response) {
    return response.json().catch(function () { return {}; }).then(function (data) {
      if (!response.ok) {
        show("failed");
        return;
      }
      if (data.course_completed) {
        show("course");
      } else if (data.done && !finished) {
        show("done");
      } else if (!finished) {
        show("saved");
      }
      if (data.done || data.course_completed) {
        finished = true;
        var note = document.getElementById("scorm-finish-note");
        if (note) {
          note.textContent = message("done");
        }
      }
    });
  }

  function send(params, terminate) {
    seq += 1;
    var body = JSON.stringify({runtime: config.runtime, seq: seq, terminate: !!terminate,
                               cmi: (params && params.cmi) || {}});
    var options = {
      method: "POST", credentials: "same-origin", body: body,
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": config.csrf}
    };
    if (body.length < 60000) {
      options.keepalive = true;  // still delivered when the page is closing (browsers cap keepalive bodies at 64 kB)
    }
    fetch(config.commitUrl, options).then(answered).catch(function () { show("failed"); });
    return {result: "true", errorCode: 0};
  }

  // scorm-again's HTTP service interface: every commit (terminate or not) goes through send().
  var httpService = {
    processHttpRequest: function (url, params, immediate) { return send(params, immediate); },
    updateSettings: function () {}
  };
  var settings = {
    lmsCommitUrl: config.commitUrl, dataCommitFormat: "json", httpService: httpService,
    autocommit: true, autocommitSeconds: 10, logLevel: 5
  };
  var api = config.version === "2004" ? new window.Scorm2004API(settings) : new window.Scorm12API(settings);
  api.loadFromJSON(config.cmi, "");
  // Only the content origin may call the API; answers go to it alone.
  new window.CrossFrameLMS(api, config.contentOrigin);

  window.addEventListener("pagehide", function () {
    if (api.isInitialized() && !api.isTerminated()) {
      send(api.renderCommitCMI(false), false);
    }
  });

  var frame = document.createElement("iframe");
  frame.className = "scorm-frame";
  frame.title = config.frameTitle;
  frame.src = config.frameSrc;
  // Sandboxed by the content origin's own responses (CSP sandbox: no navigating this tab), not by an attribute.
  frame.setAttribute("allow", "fullscreen; autoplay");
  frame.setAttribute("referrerpolicy", "no-referrer");
  player.appendChild(frame);
}());
