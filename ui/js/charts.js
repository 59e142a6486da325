// charts view: not built yet.
"use strict";
