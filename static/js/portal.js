// The portal's own behaviour, from a file (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  // A form marked data-confirm (撤回) asks before it is sent; cancelling sends nothing.
  document.addEventListener(
    "submit",
    function (event) {
      var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
      if (message && !window.confirm(message)) {
        event.preventDefault();
      }
    },
    true
  );
  // 用印申请: the off-site fields show only when 异地用印 is ticked (第三十三条).
  var offsite = document.getElementById("id_offsite");
  if (offsite) {
    var sync = function () {
      document.querySelectorAll(".offsite-field").forEach(function (el) {
        el.hidden = !offsite.checked;
      });
    };
    offsite.addEventListener("change", sync);
    sync();
  }
})();
