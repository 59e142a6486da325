// runs view: not built yet.
"use strict";
