// Last file of the bundle: starts the app once the page is parsed.
"use strict";
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => window.MLT.start());
} else {
  window.MLT.start();
}
