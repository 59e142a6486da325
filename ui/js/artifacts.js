// artifacts view: not built yet.
"use strict";
