// markdown view: not built yet.
"use strict";
