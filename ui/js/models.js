// models view: not built yet.
"use strict";
