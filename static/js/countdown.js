// Shows the time left before a quiz deadline. The server enforces the deadline; this is only a display.
(function () {
  "use strict";
  var box = document.querySelector("[data-deadline]");
  if (!box) { return; }
  var deadline = Date.parse(box.getAttribute("data-deadline"));
  var out = box.querySelector(".countdown");
  function tick() {
    var left = Math.max(0, Math.floor((deadline - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    out.textContent = "(" + minutes + ":" + (seconds < 10 ? "0" : "") + seconds + ")";
    if (left > 0) { window.setTimeout(tick, 1000); }
  }
  tick();
}());
