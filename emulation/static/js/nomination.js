// Nomination form: choosing a staff member fills in their recorded position (still editable).
(function () {
  "use strict";
  var person = document.getElementById("person"), position = document.getElementById("position");
  if (!person || !position) { return; }
  person.addEventListener("change", function () {
    var option = person.options[person.selectedIndex];
    if (option && option.dataset.position && !position.value.trim()) { position.value = option.dataset.position; }
  });
}());
