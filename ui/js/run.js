// run view: not built yet.
"use strict";
