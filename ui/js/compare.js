// compare view: not built yet.
"use strict";
