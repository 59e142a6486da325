// experiments view: not built yet.
"use strict";
