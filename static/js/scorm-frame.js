/* The launch page on the content origin: gives the package its SCORM API (scorm-again's CrossFrameAPI facade, which
   forwards every call to the lesson page by postMessage), warms the facade's cache with the learner's data so that
   the package reads its suspend data and location at once, then loads the package's launch file in a frame. */
(function () {
  "use strict";
  var root = document.getElementById("scorm-frame");
  if (!root || typeof CrossFrameAPI === "undefined") {
    return;
  }
  var siteOrigin = root.getAttribute("data-site-origin");
  var api = new CrossFrameAPI(siteOrigin, window.parent);
  window[root.getAttribute("data-api")] = api;

  function start() {
    var frame = document.createElement("iframe");
    frame.title = root.getAttribute("data-title") || "";
    frame.src = root.getAttribute("data-src");
    frame.setAttribute("allow", "fullscreen; autoplay");
    frame.style.cssText = "border:0;display:block;width:100%;height:100vh";
    root.appendChild(frame);
  }

  // The facade answers GetValue from its cache (postMessage is asynchronous, the SCORM API is not): the data the
  // learner resumes with are fetched once before the package starts. _post and _cache are the facade's own
  // (scorm-again 3.4); tests/e2e/test_scorm.py resumes through them.
  api._post("getFlattenedCMI", []).then(function (all) {
    if (all && typeof all === "object") {
      Object.keys(all).forEach(function (key) {
        if (all[key] !== null && typeof all[key] !== "object") {
          api._cache.set(key, String(all[key]));
        }
      });
    }
  }).catch(function () { /* the package starts with empty data; its calls still reach the lesson page */ })
    .then(start);
}());
