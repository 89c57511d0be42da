// People pickers (传阅, 加签, 流程干预, 委托): an <input data-picker-filter> narrows the <select> in the same form to
// the options whose text (姓名、职务、单位) contains what was typed; a unit with none left is hidden too.
(function () {
  "use strict";
  function filter(input) {
    var form = input.closest("form");
    var select = form && form.querySelector("select[data-picker]");
    if (!select) return;
    var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    select.querySelectorAll("option").forEach(function (option) {
      if (!option.value) return;
      var text = (option.dataset.search || option.textContent).toLowerCase();
      option.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
    });
    select.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-picker-filter]")) filter(event.target);
  });
})();

// 常用意见: choosing a phrase puts it in the comment box of the same form, to be edited before signing.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-phrase]") || !select.value) return;
    var box = select.closest("form").querySelector("textarea[name=comment]");
    if (box) {
      box.value = box.value ? box.value + select.value : select.value;
      box.focus();
    }
    select.value = "";
  });
})();
