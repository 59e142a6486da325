// report view: not built yet.
"use strict";
