/* bollplank: the little behaviour the pages need, as a file (the CSP allows no inline script). */
"use strict";
document.addEventListener("focusin", function (event) {
  var target = event.target;
  if (target instanceof HTMLInputElement && target.hasAttribute("data-select-on-focus")) {
    target.select();
  }
});
