"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
var tsup_config_1 = require("@mixtape/tsup-config");
exports.default = (0, tsup_config_1.createTsupConfig)();
