// Enhancements only: every page works without this script.
document.addEventListener("change", function (e) {
  var box = e.target;
  if (!(box instanceof HTMLInputElement) || !box.hasAttribute("data-select-all")) return;
  document.querySelectorAll('input[name="member"]').forEach(function (m) { m.checked = box.checked; });
});
